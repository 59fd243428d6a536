import type { Queryable } from '../../adapters/db/legacy.js';
import type { GatewayName } from './gateway.js';

export interface Payment {
  id: number;
  subscriptionId: number;
  userId: number;
  gateway: GatewayName;
  gatewayPaymentId: string;
  kind: 'initial' | 'renewal' | 'upgrade';
  planId: number;
  amountMinor: number;
  currency: string;
  refundedMinor: number;
  periodStart: Date;
  periodEnd: Date;
  capturedAt: Date;
}

interface Row {
  id: number;
  subscription_id: number;
  user_id: number;
  gateway: GatewayName;
  gateway_payment_id: string;
  kind: Payment['kind'];
  plan_id: number;
  amount_minor: number;
  currency: string;
  refunded_minor: number;
  period_start: Date;
  period_end: Date;
  captured_at: Date;
}

function toPayment(r: Row): Payment {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    userId: r.user_id,
    gateway: r.gateway,
    gatewayPaymentId: r.gateway_payment_id,
    kind: r.kind,
    planId: r.plan_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    refundedMinor: r.refunded_minor,
    periodStart: new Date(r.period_start),
    periodEnd: new Date(r.period_end),
    capturedAt: new Date(r.captured_at),
  };
}

/** Records a captured payment once: returns its id, or null when this gateway payment was already recorded. */
export async function insertPayment(db: Queryable, p: Omit<Payment, 'id' | 'refundedMinor'>): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `insert into payments (subscription_id, user_id, gateway, gateway_payment_id, kind, plan_id, amount_minor, currency, period_start, period_end, captured_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (gateway, gateway_payment_id) do nothing returning id`,
    [
      p.subscriptionId,
      p.userId,
      p.gateway,
      p.gatewayPaymentId,
      p.kind,
      p.planId,
      p.amountMinor,
      p.currency,
      p.periodStart,
      p.periodEnd,
      p.capturedAt,
    ],
  );
  return rows[0]?.id ?? null;
}

export async function findPaymentByGatewayId(db: Queryable, gateway: GatewayName, gatewayPaymentId: string): Promise<Payment | null> {
  const { rows } = await db.query<Row>('select * from payments where gateway = $1 and gateway_payment_id = $2', [
    gateway,
    gatewayPaymentId,
  ]);
  return rows[0] ? toPayment(rows[0]) : null;
}

export async function findPayment(db: Queryable, id: number): Promise<Payment | null> {
  const { rows } = await db.query<Row>('select * from payments where id = $1', [id]);
  return rows[0] ? toPayment(rows[0]) : null;
}

export async function listSubscriptionPayments(db: Queryable, subscriptionId: number): Promise<Payment[]> {
  const { rows } = await db.query<Row>('select * from payments where subscription_id = $1 order by captured_at desc, id desc', [
    subscriptionId,
  ]);
  return rows.map(toPayment);
}

/**
 * Records a refund once (by the gateway's refund id) and adds it to the payment's refunded total.
 * Returns the refund id, or null when it was already recorded.
 */
export async function insertRefund(
  db: Queryable,
  r: { paymentId: number; gatewayRefundId: string; amountMinor: number; reason: string; now: Date },
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `insert into refunds (payment_id, gateway_refund_id, amount_minor, reason, created_at) values ($1, $2, $3, $4, $5)
     on conflict (gateway_refund_id) do nothing returning id`,
    [r.paymentId, r.gatewayRefundId, r.amountMinor, r.reason, r.now],
  );
  const id = rows[0]?.id ?? null;
  if (id !== null) await db.query('update payments set refunded_minor = refunded_minor + $2 where id = $1', [r.paymentId, r.amountMinor]);
  return id;
}

/**
 * Holds `amountMinor` of a payment for a refund about to be asked of the gateway, if that much is still
 * neither refunded nor held: one atomic statement, so concurrent refunds can never exceed the payment.
 */
export async function reserveRefund(db: Queryable, paymentId: number, amountMinor: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `update payments set refund_reserved_minor = refund_reserved_minor + $2
     where id = $1 and refunded_minor + refund_reserved_minor + $2 <= amount_minor`,
    [paymentId, amountMinor],
  );
  return rowCount > 0;
}

export async function releaseRefundReservation(db: Queryable, paymentId: number, amountMinor: number): Promise<void> {
  await db.query('update payments set refund_reserved_minor = greatest(0, refund_reserved_minor - $2) where id = $1', [
    paymentId,
    amountMinor,
  ]);
}
