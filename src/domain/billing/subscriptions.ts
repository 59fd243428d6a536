import type { Db, Tx } from '../ports/database.js';
import type { SubscriptionState } from './lifecycle.js';
import { latestCaptureTimes } from './payment-queries.js';
import {
  findSubscriptionRow,
  listSubscriptionRowsNeedingAttention,
  listUserSubscriptionRows,
  lockSubscriptionRow,
  type StoredSubscription,
} from './subscription-queries.js';

/** A subscription whole: as stored, with when its latest payment was captured (from the payments). */
export interface Subscription extends StoredSubscription {
  lastPaymentAt: SubscriptionState['lastPaymentAt'];
}

/**
 * Loading subscriptions whole: the stored row and, from its payments, when the latest was captured (the
 * state machine needs it to tell a stale failure from a current one). The two tables are read by their own
 * queries; this joins them.
 */
async function withLastPayment(db: Db, rows: StoredSubscription[]): Promise<Subscription[]> {
  const last = await latestCaptureTimes(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, lastPaymentAt: last.get(r.id) ?? null }));
}

/** Locks a subscription for the rest of the transaction (events for one subscription apply one at a time) and loads it. */
export async function lockSubscription(tx: Tx, id: number): Promise<Subscription | null> {
  const row = await lockSubscriptionRow(tx, id);
  return row ? ((await withLastPayment(tx, [row]))[0] ?? null) : null;
}

export async function findSubscription(db: Db, id: number): Promise<Subscription | null> {
  const row = await findSubscriptionRow(db, id);
  return row ? ((await withLastPayment(db, [row]))[0] ?? null) : null;
}

/** The reader's subscriptions, newest first. */
export async function listUserSubscriptions(db: Db, userId: number): Promise<Subscription[]> {
  return withLastPayment(db, await listUserSubscriptionRows(db, userId));
}

/** Subscriptions a periodic sweep must look at: running with a date before `before`, or awaiting payment. */
export async function listSubscriptionsNeedingAttention(
  db: Db,
  before: Date,
  page: { after: number; limit: number },
): Promise<Subscription[]> {
  return withLastPayment(db, await listSubscriptionRowsNeedingAttention(db, before, page));
}
