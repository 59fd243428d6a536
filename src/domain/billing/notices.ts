import type { Queryable } from '../../adapters/db/legacy.js';
import type { Subscription } from './subscriptions.js';

/**
 * Once-per-period notices and steps (pre-debit notice, renewal request, dunning reminders, a cancellation
 * sent to the gateway), keyed by subscription, kind and period end: claiming one twice fails, which is what
 * makes the billing sweep safe to run again.
 */
/** Records that a notice was sent for this period; false when it already was (so it is sent once). */
export async function claimNotice(db: Queryable, sub: Subscription, kind: string, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `insert into notices (subscription_id, kind, period_end, sent_at) values ($1, $2, $3, $4)
     on conflict do nothing returning subscription_id`,
    [sub.id, kind, sub.currentPeriodEnd ?? new Date(0), now],
  );
  return rows.length > 0;
}

/** When a notice of this kind went out for the subscription's current period, or null. */
export async function noticeSentAt(db: Queryable, sub: Subscription, kind: string): Promise<Date | null> {
  const { rows } = await db.query<{ sent_at: Date }>(
    'select sent_at from notices where subscription_id = $1 and kind = $2 and period_end = $3',
    [sub.id, kind, sub.currentPeriodEnd ?? new Date(0)],
  );
  return rows[0] ? new Date(rows[0].sent_at) : null;
}
