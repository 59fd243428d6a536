import type { Selectable } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { Payments } from '../ports/schema.js';
import type { GatewayName } from './gateway.js';
import type { Payment, Refund } from './payments.js';

/** Captured payments (table `payments`) and their refunds (table `refunds`). */

function toPayment(r: Selectable<Payments>): Payment {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    giftId: r.gift_id,
    userId: r.user_id,
    gateway: r.gateway as GatewayName,
    gatewayPaymentId: r.gateway_payment_id,
    kind: r.kind,
    planId: r.plan_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    refundedMinor: r.refunded_minor,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    capturedAt: r.captured_at,
  };
}

/** Records a captured payment once: returns its id, or null when this gateway payment was already recorded. */
export async function insertPayment(db: Db, p: Omit<Payment, 'id' | 'refundedMinor'>): Promise<number | null> {
  const row = await db
    .insertInto('payments')
    .values({
      subscription_id: p.subscriptionId,
      gift_id: p.giftId,
      user_id: p.userId,
      gateway: p.gateway,
      gateway_payment_id: p.gatewayPaymentId,
      kind: p.kind,
      plan_id: p.planId,
      amount_minor: p.amountMinor,
      currency: p.currency,
      period_start: p.periodStart,
      period_end: p.periodEnd,
      captured_at: p.capturedAt,
    })
    .onConflict((oc) => oc.columns(['gateway', 'gateway_payment_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function findPaymentByGatewayId(db: Db, gateway: GatewayName, gatewayPaymentId: string): Promise<Payment | null> {
  const row = await db
    .selectFrom('payments')
    .selectAll()
    .where('gateway', '=', gateway)
    .where('gateway_payment_id', '=', gatewayPaymentId)
    .executeTakeFirst();
  return row ? toPayment(row) : null;
}

export async function findPayment(db: Db, id: number): Promise<Payment | null> {
  const row = await db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toPayment(row) : null;
}

/**
 * Locks the payment row for the rest of the transaction: issuers of documents for one payment queue here,
 * which makes their existence checks safe.
 */
export async function lockPayment(tx: Tx, id: number): Promise<Payment | null> {
  const row = await tx.selectFrom('payments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toPayment(row) : null;
}

/** A subscription's payments, newest first. */
export async function listSubscriptionPayments(db: Db, subscriptionId: number): Promise<Payment[]> {
  const rows = await db
    .selectFrom('payments')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('captured_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toPayment);
}

/** When each subscription's latest payment was captured; subscriptions without a payment are absent. */
export async function latestCaptureTimes(db: Db, subscriptionIds: readonly number[]): Promise<Map<number, Date>> {
  if (subscriptionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('payments')
    .select((eb) => ['subscription_id', eb.fn.max('captured_at').as('last')])
    .where('subscription_id', 'in', [...new Set(subscriptionIds)])
    .groupBy('subscription_id')
    .execute();
  return new Map(rows.flatMap((r) => (r.subscription_id === null ? [] : [[r.subscription_id, r.last] as const])));
}

/** The newest payments first, for the admin list. */
export async function listRecentPayments(db: Db, limit: number): Promise<Payment[]> {
  const rows = await db.selectFrom('payments').selectAll().orderBy('captured_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toPayment);
}

/**
 * Records a refund once (by the gateway's refund id) and adds it to the payment's refunded total.
 * Returns the refund id, or null when it was already recorded.
 */
export async function insertRefund(
  db: Db,
  r: { paymentId: number; gatewayRefundId: string; amountMinor: number; reason: string; now: Date; failed?: boolean },
): Promise<number | null> {
  const row = await db
    .insertInto('refunds')
    .values({
      payment_id: r.paymentId,
      gateway_refund_id: r.gatewayRefundId,
      amount_minor: r.amountMinor,
      reason: r.reason,
      created_at: r.now,
      ...(r.failed ? { status: 'failed', failed_at: r.now } : {}),
    })
    .onConflict((oc) => oc.column('gateway_refund_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  // A refund that failed before it was ever reported as made is kept, failed, and never counts.
  if (!row || r.failed) return row?.id ?? null;
  await db
    .updateTable('payments')
    .set((eb) => ({ refunded_minor: eb('refunded_minor', '+', r.amountMinor) }))
    .where('id', '=', r.paymentId)
    .execute();
  return row.id;
}

export async function findRefund(db: Db, id: number): Promise<Refund | null> {
  const row = await db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
  return row
    ? { id: row.id, paymentId: row.payment_id, gatewayRefundId: row.gateway_refund_id, amountMinor: row.amount_minor, reason: row.reason }
    : null;
}

/** What was refunded of a payment before the refund `refundId` (earlier refunds have smaller ids). */
export async function refundedBefore(db: Db, paymentId: number, refundId: number): Promise<number> {
  const row = await db
    .selectFrom('refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('amount_minor'), eb.lit(0)).as('before'))
    .where('payment_id', '=', paymentId)
    .where('id', '<', refundId)
    .executeTakeFirstOrThrow();
  return Number(row.before);
}

/**
 * Holds `amountMinor` of a payment for a refund about to be asked of the gateway, if that much is still
 * neither refunded nor held: one atomic statement, so concurrent refunds can never exceed the payment.
 */
export async function reserveRefund(db: Db, paymentId: number, amountMinor: number): Promise<boolean> {
  const result = await db
    .updateTable('payments')
    .set((eb) => ({ refund_reserved_minor: eb('refund_reserved_minor', '+', amountMinor) }))
    .where('id', '=', paymentId)
    .where((eb) => eb(eb(eb('refunded_minor', '+', eb.ref('refund_reserved_minor')), '+', amountMinor), '<=', eb.ref('amount_minor')))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function releaseRefundReservation(db: Db, paymentId: number, amountMinor: number): Promise<void> {
  await db
    .updateTable('payments')
    .set((eb) => ({ refund_reserved_minor: eb.fn<number>('greatest', [eb.lit(0), eb('refund_reserved_minor', '-', amountMinor)]) }))
    .where('id', '=', paymentId)
    .execute();
}
