import type { Db, Tx } from '../ports/database.js';

/** Failed refunds (table `refunds`), disputes (columns of `payments`) and payments waiting for the reader's bank (`payment_actions`). */

export interface StoredRefund {
  id: number;
  paymentId: number;
  amountMinor: number;
  status: 'succeeded' | 'failed';
}

export async function findRefundByGatewayId(db: Db, gatewayRefundId: string): Promise<StoredRefund | null> {
  const row = await db
    .selectFrom('refunds')
    .select(['id', 'payment_id', 'amount_minor', 'status'])
    .where('gateway_refund_id', '=', gatewayRefundId)
    .executeTakeFirst();
  return row ? { id: row.id, paymentId: row.payment_id, amountMinor: row.amount_minor, status: row.status } : null;
}

/**
 * Marks a recorded refund failed, once, and takes it off the payment's refunded total. Returns false when
 * it was already failed.
 */
export async function markRefundFailed(tx: Tx, refund: StoredRefund, now: Date): Promise<boolean> {
  const result = await tx
    .updateTable('refunds')
    .set({ status: 'failed', failed_at: now })
    .where('id', '=', refund.id)
    .where('status', '=', 'succeeded')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await tx
    .updateTable('payments')
    .set((eb) => ({ refunded_minor: eb.fn<number>('greatest', [eb.lit(0), eb('refunded_minor', '-', refund.amountMinor)]) }))
    .where('id', '=', refund.paymentId)
    .execute();
  return true;
}

export type DisputeStatus = 'open' | 'won' | 'lost';

/**
 * Records a payment's dispute. A closed dispute is final: a late "created" never reopens it. Returns the
 * status stored before, or undefined when nothing changed.
 */
export async function setDispute(
  tx: Tx,
  paymentId: number,
  d: { gatewayDisputeId: string; status: DisputeStatus; reason: string },
): Promise<{ before: DisputeStatus | null } | undefined> {
  const current = await tx.selectFrom('payments').select('dispute_status').where('id', '=', paymentId).executeTakeFirstOrThrow();
  const before = current.dispute_status;
  if (before === d.status || before === 'won' || before === 'lost') return undefined;
  await tx
    .updateTable('payments')
    .set({ gateway_dispute_id: d.gatewayDisputeId, dispute_status: d.status, dispute_reason: d.reason })
    .where('id', '=', paymentId)
    .execute();
  return { before };
}

/** The disputes of some payments, for the admin's payments page. */
export async function disputesOfPayments(
  db: Db,
  paymentIds: readonly number[],
): Promise<Map<number, { status: DisputeStatus; reason: string }>> {
  if (paymentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('payments')
    .select(['id', 'dispute_status', 'dispute_reason'])
    .where('id', 'in', [...new Set(paymentIds)])
    .where('dispute_status', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, { status: r.dispute_status ?? 'open', reason: r.dispute_reason ?? '' }]));
}

/** Records once that the bank asks the reader to confirm the charge `gatewayPaymentId`. True when new. */
export async function insertPaymentAction(
  tx: Tx,
  a: { subscriptionId: number; gatewayPaymentId: string; url: string; now: Date },
): Promise<boolean> {
  const row = await tx
    .insertInto('payment_actions')
    .values({ subscription_id: a.subscriptionId, gateway_payment_id: a.gatewayPaymentId, url: a.url, created_at: a.now })
    .onConflict((oc) => oc.columns(['subscription_id', 'gateway_payment_id']).doNothing())
    .returning('subscription_id')
    .executeTakeFirst();
  return !!row;
}

/** The newest charge of a subscription still waiting for the reader's confirmation (not yet recorded as paid). */
export async function pendingPaymentAction(db: Db, subscriptionId: number): Promise<{ url: string; gatewayPaymentId: string } | null> {
  const row = await db
    .selectFrom('payment_actions as a')
    .innerJoin('subscriptions as s', 's.id', 'a.subscription_id')
    .select(['a.url', 'a.gateway_payment_id'])
    .where('a.subscription_id', '=', subscriptionId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('payments as p')
            .select('p.id')
            .whereRef('p.gateway', '=', 's.gateway')
            .whereRef('p.gateway_payment_id', '=', 'a.gateway_payment_id'),
        ),
      ),
    )
    .orderBy('a.created_at', 'desc')
    .executeTakeFirst();
  return row ? { url: row.url, gatewayPaymentId: row.gateway_payment_id } : null;
}
