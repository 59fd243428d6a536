import type { Queryable } from '../../adapters/db/legacy.js';
import type { GatewayName } from './gateway.js';
import type { SubscriptionState, SubscriptionStatus } from './lifecycle.js';

export interface Subscription extends SubscriptionState {
  id: number;
  userId: number;
  planId: number;
  /** Plan that takes over at the next renewal (a downgrade). */
  nextPlanId: number | null;
  gateway: GatewayName;
  gatewaySubscriptionId: string | null;
  gatewayCustomerId: string | null;
  gatewayCheckoutId: string | null;
  paymentMethod: string | null;
  createdAt: Date;
}

interface Row {
  id: number;
  user_id: number;
  plan_id: number;
  next_plan_id: number | null;
  status: SubscriptionStatus;
  cancel_at_period_end: boolean;
  gateway: GatewayName;
  gateway_subscription_id: string | null;
  gateway_customer_id: string | null;
  gateway_checkout_id: string | null;
  current_period_start: Date | null;
  current_period_end: Date | null;
  grace_until: Date | null;
  payment_method: string | null;
  created_at: Date;
  last_payment_at: Date | null;
}

const date = (v: Date | null) => (v ? new Date(v) : null);
const SELECT = `select s.*, (select max(captured_at) from payments p where p.subscription_id = s.id) as last_payment_at from subscriptions s`;

function toSubscription(r: Row): Subscription {
  return {
    id: r.id,
    userId: r.user_id,
    planId: r.plan_id,
    nextPlanId: r.next_plan_id,
    status: r.status,
    cancelAtPeriodEnd: r.cancel_at_period_end,
    gateway: r.gateway,
    gatewaySubscriptionId: r.gateway_subscription_id,
    gatewayCustomerId: r.gateway_customer_id,
    gatewayCheckoutId: r.gateway_checkout_id,
    currentPeriodStart: date(r.current_period_start),
    currentPeriodEnd: date(r.current_period_end),
    graceUntil: date(r.grace_until),
    paymentMethod: r.payment_method,
    createdAt: new Date(r.created_at),
    lastPaymentAt: date(r.last_payment_at),
  };
}

export async function insertSubscription(
  db: Queryable,
  s: { userId: number; planId: number; gateway: GatewayName; now: Date },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `insert into subscriptions (user_id, plan_id, status, gateway, created_at, updated_at) values ($1, $2, 'awaiting-payment', $3, $4, $4) returning id`,
    [s.userId, s.planId, s.gateway, s.now],
  );
  return rows[0]!.id;
}

/** Locks a subscription row for the rest of the transaction: events for one subscription apply one at a time. */
export async function lockSubscription(db: Queryable, id: number): Promise<Subscription | null> {
  await db.query('select id from subscriptions where id = $1 for update', [id]);
  const { rows } = await db.query<Row>(`${SELECT} where s.id = $1`, [id]);
  return rows[0] ? toSubscription(rows[0]) : null;
}

export async function findSubscriptionIdByGatewayId(
  db: Queryable,
  gateway: GatewayName,
  gatewaySubscriptionId: string,
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>('select id from subscriptions where gateway = $1 and gateway_subscription_id = $2', [
    gateway,
    gatewaySubscriptionId,
  ]);
  return rows[0]?.id ?? null;
}

export async function findSubscription(db: Queryable, id: number): Promise<Subscription | null> {
  const { rows } = await db.query<Row>(`${SELECT} where s.id = $1`, [id]);
  return rows[0] ? toSubscription(rows[0]) : null;
}

/** The reader's subscriptions, newest first. */
export async function listUserSubscriptions(db: Queryable, userId: number): Promise<Subscription[]> {
  const { rows } = await db.query<Row>(`${SELECT} where s.user_id = $1 order by s.created_at desc, s.id desc`, [userId]);
  return rows.map(toSubscription);
}

/** Subscriptions a periodic sweep must look at: running, or awaiting payment. */
export async function listSubscriptionsNeedingAttention(db: Queryable, before: Date, limit = 500): Promise<Subscription[]> {
  const { rows } = await db.query<Row>(
    `${SELECT} where (s.status in ('active', 'past-due') and (s.current_period_end <= $1 or s.grace_until <= $1))
        or (s.status = 'awaiting-payment')
     order by s.id limit ${limit}`,
    [before],
  );
  return rows.map(toSubscription);
}

export async function saveSubscriptionState(db: Queryable, id: number, state: SubscriptionState, now: Date): Promise<void> {
  await db.query(
    `update subscriptions set status = $2, cancel_at_period_end = $3, current_period_start = $4, current_period_end = $5,
       grace_until = $6, updated_at = $7 where id = $1`,
    [id, state.status, state.cancelAtPeriodEnd, state.currentPeriodStart, state.currentPeriodEnd, state.graceUntil, now],
  );
}

export async function setGatewayIds(
  db: Queryable,
  id: number,
  ids: { gatewaySubscriptionId?: string | null; gatewayCustomerId?: string | null; gatewayCheckoutId?: string | null },
): Promise<void> {
  await db.query(
    `update subscriptions set gateway_subscription_id = coalesce($2, gateway_subscription_id),
       gateway_customer_id = coalesce($3, gateway_customer_id), gateway_checkout_id = coalesce($4, gateway_checkout_id) where id = $1`,
    [id, ids.gatewaySubscriptionId ?? null, ids.gatewayCustomerId ?? null, ids.gatewayCheckoutId ?? null],
  );
}

export async function setPlan(db: Queryable, id: number, planId: number, nextPlanId: number | null): Promise<void> {
  await db.query('update subscriptions set plan_id = $2, next_plan_id = $3 where id = $1', [id, planId, nextPlanId]);
}

export async function setPaymentMethod(db: Queryable, id: number, paymentMethod: string): Promise<void> {
  await db.query('update subscriptions set payment_method = $2 where id = $1', [id, paymentMethod]);
}
