import type { Db } from '../ports/database.js';
import { escapeLike } from '../like-patterns.js';

/**
 * Once-per-period notices and steps (table `notices`): the pre-debit notice, the renewal request, dunning
 * reminders, a cancellation sent to the gateway. Keyed by subscription, kind and period end: claiming one
 * twice fails, which is what makes the billing sweep safe to run again.
 */

/** The period a notice belongs to: the subscription's current period end (the epoch before it has one). */
const periodOf = (sub: { currentPeriodEnd: Date | null }) => sub.currentPeriodEnd ?? new Date(0);

/** Records that a notice was sent for this period; false when it already was (so it is sent once). */
export async function claimNotice(db: Db, sub: { id: number; currentPeriodEnd: Date | null }, kind: string, now: Date): Promise<boolean> {
  const row = await db
    .insertInto('notices')
    .values({ subscription_id: sub.id, kind, period_end: periodOf(sub), sent_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('subscription_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** When a notice of this kind went out for the subscription's current period, or null. */
export async function noticeSentAt(db: Db, sub: { id: number; currentPeriodEnd: Date | null }, kind: string): Promise<Date | null> {
  const row = await db
    .selectFrom('notices')
    .select('sent_at')
    .where('subscription_id', '=', sub.id)
    .where('kind', '=', kind)
    .where('period_end', '=', periodOf(sub))
    .executeTakeFirst();
  return row?.sent_at ?? null;
}

/** Every notice sent for the subscription's current period: kind → when. */
export async function noticesSent(db: Db, sub: { id: number; currentPeriodEnd: Date | null }): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('notices')
    .select(['kind', 'sent_at'])
    .where('subscription_id', '=', sub.id)
    .where('period_end', '=', periodOf(sub))
    .execute();
  return new Map(rows.map((r) => [r.kind, r.sent_at]));
}

/** The kinds of notices of a subscription that start with `prefix`, whatever their period (links between subscriptions). */
export async function noticeKindsStartingWith(db: Db, subscriptionId: number, prefix: string): Promise<string[]> {
  const rows = await db
    .selectFrom('notices')
    .select('kind')
    .where('subscription_id', '=', subscriptionId)
    .where('kind', 'like', `${escapeLike(prefix)}%`)
    .execute();
  return rows.map((r) => r.kind);
}
