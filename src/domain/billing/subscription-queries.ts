import { sql, type Selectable } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { Subscriptions } from '../ports/schema.js';
import type { GatewayName } from './gateway.js';
import type { SubscriptionState } from './lifecycle.js';

/**
 * Subscriptions (table `subscriptions`). A subscription as stored, without `lastPaymentAt`, which
 * `subscriptions.ts` adds from the payments.
 */
export interface StoredSubscription extends Omit<SubscriptionState, 'lastPaymentAt'> {
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

function toSubscription(r: Selectable<Subscriptions>): StoredSubscription {
  return {
    id: r.id,
    userId: r.user_id,
    planId: r.plan_id,
    nextPlanId: r.next_plan_id,
    status: r.status,
    cancelAtPeriodEnd: r.cancel_at_period_end,
    gateway: r.gateway as GatewayName,
    gatewaySubscriptionId: r.gateway_subscription_id,
    gatewayCustomerId: r.gateway_customer_id,
    gatewayCheckoutId: r.gateway_checkout_id,
    currentPeriodStart: r.current_period_start,
    currentPeriodEnd: r.current_period_end,
    graceUntil: r.grace_until,
    paymentMethod: r.payment_method,
    createdAt: r.created_at,
  };
}

/**
 * A new subscription awaiting its first payment; returns its id, or null when the reader already has one
 * awaiting payment (the unique index of migration 10: of two concurrent checkouts, one is created).
 */
export async function insertSubscription(
  db: Db,
  s: { userId: number; planId: number; gateway: GatewayName; now: Date },
): Promise<number | null> {
  const row = await db
    .insertInto('subscriptions')
    .values({ user_id: s.userId, plan_id: s.planId, status: 'awaiting-payment', gateway: s.gateway, created_at: s.now, updated_at: s.now })
    // The index's condition is written into the statement: PostgreSQL matches the conflict target to the partial index
    // when it plans, and a plan kept for any values (after five runs) would not know a value sent with it.
    .onConflict((oc) => oc.column('user_id').where('status', '=', sql.lit('awaiting-payment')).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The reader's checkout awaiting payment, if any (at most one: migration 10). */
export async function findOpenCheckoutRow(db: Db, userId: number): Promise<StoredSubscription | null> {
  const row = await db
    .selectFrom('subscriptions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', '=', 'awaiting-payment')
    .executeTakeFirst();
  return row ? toSubscription(row) : null;
}

/** Locks a subscription row for the rest of the transaction: events for one subscription apply one at a time. */
export async function lockSubscriptionRow(tx: Tx, id: number): Promise<StoredSubscription | null> {
  const row = await tx.selectFrom('subscriptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toSubscription(row) : null;
}

export async function findSubscriptionRow(db: Db, id: number): Promise<StoredSubscription | null> {
  const row = await db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSubscription(row) : null;
}

export async function findSubscriptionIdByGatewayId(db: Db, gateway: GatewayName, gatewaySubscriptionId: string): Promise<number | null> {
  const row = await db
    .selectFrom('subscriptions')
    .select('id')
    .where('gateway', '=', gateway)
    .where('gateway_subscription_id', '=', gatewaySubscriptionId)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The reader's subscriptions, newest first. */
export async function listUserSubscriptionRows(db: Db, userId: number): Promise<StoredSubscription[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toSubscription);
}

/** Subscriptions a periodic sweep must look at: running with a date before `before`, or awaiting payment. */
/**
 * Running subscriptions with a period end or grace end before `before`, and checkouts awaiting payment,
 * after id `page.after`, by id. Each branch matches a partial index of migration 8, so the sweep reads only
 * the subscriptions it may act on, not every running one.
 */
export async function listSubscriptionRowsNeedingAttention(
  db: Db,
  before: Date,
  page: { after: number; limit: number },
): Promise<StoredSubscription[]> {
  // Two parts, each on its own partial indexes: what is due (period or grace ending, checkouts awaiting
  // payment), and running subscriptions a paid new one replaces (plan-replacement.ts), not yet cancelled and
  // credited. One query with both under an OR could use neither and would read every subscription.
  const due = db
    .selectFrom('subscriptions')
    .selectAll()
    .where('id', '>', page.after)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['active', 'past-due']), eb('current_period_end', '<=', before)]),
        eb.and([eb('status', '=', 'past-due'), eb('grace_until', '<=', before)]),
        eb('status', '=', 'awaiting-payment'),
      ]),
    );
  const replaced = db
    .selectFrom('subscriptions')
    .innerJoin('notices', (join) =>
      join.onRef('notices.subscription_id', '=', 'subscriptions.id').onRef('notices.period_end', '=', 'subscriptions.current_period_end'),
    )
    .selectAll('subscriptions')
    .where('subscriptions.id', '>', page.after)
    .where('subscriptions.status', 'in', ['active', 'past-due'])
    // A literal pattern, so the planner can match the partial index's predicate (migration 014).
    .where(sql<boolean>`notices.kind like 'replaced-by:%'`);
  const rows = await db.selectFrom(due.union(replaced).as('needing')).selectAll().orderBy('id').limit(page.limit).execute();
  return rows.map(toSubscription);
}

export async function saveSubscriptionState(db: Db, id: number, state: SubscriptionState, now: Date): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({
      status: state.status,
      cancel_at_period_end: state.cancelAtPeriodEnd,
      current_period_start: state.currentPeriodStart,
      current_period_end: state.currentPeriodEnd,
      grace_until: state.graceUntil,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** Stores the gateway's ids; an id not given (or null) keeps the stored one. */
export async function setGatewayIds(
  db: Db,
  id: number,
  ids: { gatewaySubscriptionId?: string | null; gatewayCustomerId?: string | null; gatewayCheckoutId?: string | null },
): Promise<void> {
  const set = {
    ...(ids.gatewaySubscriptionId != null ? { gateway_subscription_id: ids.gatewaySubscriptionId } : {}),
    ...(ids.gatewayCustomerId != null ? { gateway_customer_id: ids.gatewayCustomerId } : {}),
    ...(ids.gatewayCheckoutId != null ? { gateway_checkout_id: ids.gatewayCheckoutId } : {}),
  };
  if (Object.keys(set).length === 0) return;
  await db.updateTable('subscriptions').set(set).where('id', '=', id).execute();
}

export async function setPlan(db: Db, id: number, planId: number, nextPlanId: number | null): Promise<void> {
  await db.updateTable('subscriptions').set({ plan_id: planId, next_plan_id: nextPlanId }).where('id', '=', id).execute();
}

export async function setPaymentMethod(db: Db, id: number, paymentMethod: string): Promise<void> {
  await db.updateTable('subscriptions').set({ payment_method: paymentMethod }).where('id', '=', id).execute();
}

/**
 * Adds `keys` to the live entitlements of every subscription on a plan (a benefit added to a plan reaches its
 * subscribers at once, until the end of what they hold): one statement, whatever the number of subscribers.
 * Returns the number of subscriptions reached.
 */
export async function grantToPlanSubscribers(tx: Tx, planId: number, keys: readonly string[], now: Date): Promise<number> {
  if (keys.length === 0) return 0;
  const live = await tx
    .insertInto('entitlement_grants')
    .columns(['user_id', 'entitlement', 'source', 'starts_at', 'ends_at'])
    .expression((eb) =>
      eb
        .selectFrom('entitlement_grants as g')
        .innerJoin('subscriptions as s', (join) => join.on('g.source', '=', sql<string>`'subscription:' || s.id`))
        // unnest's one column takes the alias's name: k.k is the key.
        .innerJoin(sql<{ k: string }>`unnest(${sql.val([...keys])}::text[])`.as('k'), (join) => join.onTrue())
        .select([
          'g.user_id',
          'k.k',
          'g.source',
          sql<Date>`${now}::timestamptz`.as('starts_at'),
          sql<Date | null>`max(g.ends_at)`.as('ends_at'),
        ])
        .where('s.plan_id', '=', planId)
        .where('g.revoked_at', 'is', null)
        .where((w) => w.or([w('g.ends_at', 'is', null), w('g.ends_at', '>', now)]))
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom('entitlement_grants as held')
                .select('held.id')
                .whereRef('held.source', '=', 'g.source')
                .whereRef('held.entitlement', '=', 'k.k')
                .where('held.revoked_at', 'is', null),
            ),
          ),
        )
        .groupBy(['g.user_id', 'g.source', 'k.k']),
    )
    .returning('source')
    .execute();
  return new Set(live.map((r) => r.source)).size;
}
