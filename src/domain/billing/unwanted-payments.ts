import type { Tx } from '../ports/database.js';
import type { SubscriptionStatus } from './lifecycle.js';
import { findReader, type FindReaders } from './readers.js';
import { listUserSubscriptions, type Subscription } from './subscriptions.js';
import type { JobQueue } from '../ports/job-queue.js';

/** The job that refunds, through the gateway, money a subscription could not use (see `refundUnwantedPayment`). */
export const REFUND_UNWANTED_PAYMENT_JOB = 'billing-refund-unwanted-payment';

/** Another subscription of the reader's that covers the time paid for: running, or a checkout they chose instead. */
const TAKES_THE_PLACE: ReadonlySet<SubscriptionStatus> = new Set(['active', 'past-due', 'awaiting-payment']);

/**
 * Whether money captured for `sub` buys its term, or why it is refunded in full instead (the rule of
 * "never neither"). A running subscription (active, past-due) takes every payment. Any other one refunds it
 * when the reader no longer has it: it was refunded, the reader cancelled it, their account was deleted,
 * or another of their subscriptions takes its place (they chose another plan, or already pay for that
 * time). What is left is a subscription that simply lapsed (a checkout left unpaid, a renewal that failed
 * for good) with nothing else running: the money buys the term it paid, as any payment does.
 */
export function unwantedPaymentReason(
  sub: Pick<Subscription, 'id' | 'status' | 'cancelAtPeriodEnd'>,
  others: readonly Pick<Subscription, 'id' | 'status'>[],
  readerExists: boolean,
): string | null {
  if (sub.status === 'active' || sub.status === 'past-due') return null;
  if (sub.status === 'refunded') return 'Automatic refund: this subscription had already been refunded and ended.';
  if (!readerExists) return 'Automatic refund: the account was deleted.';
  if (sub.status === 'expired' && sub.cancelAtPeriodEnd) return 'Automatic refund: this subscription had been cancelled.';
  if (others.some((o) => o.id !== sub.id && TAKES_THE_PLACE.has(o.status)))
    return 'Automatic refund: another subscription of yours covers this time.';
  return null;
}

/**
 * In the transaction recording a payment for `sub`: when the money buys nothing (`unwantedPaymentReason`),
 * queues its full refund and returns the reason; else returns null. The gateway is asked by the job, after
 * this transaction commits and outside its locks; the job's unique key (per payment) makes a repeated
 * webhook queue nothing more, and a gateway error is retried by the job runner.
 */
export async function queueRefundIfUnwanted(
  tx: Tx,
  sub: Subscription,
  paymentId: number,
  rules: { jobs: JobQueue; findReaders: FindReaders },
  /** The reader's subscriptions this one was bought to replace: they do not take its place. */
  replaces: readonly number[] = [],
): Promise<string | null> {
  if (sub.status === 'active' || sub.status === 'past-due') return null;
  const others = (await listUserSubscriptions(tx, sub.userId)).filter((o) => !replaces.includes(o.id));
  const reader = await findReader(rules.findReaders, tx, sub.userId);
  const reason = unwantedPaymentReason(sub, others, reader !== null);
  if (!reason) return null;
  await rules.jobs.enqueue(tx, {
    kind: REFUND_UNWANTED_PAYMENT_JOB,
    payload: { paymentId, reason },
    uniqueKey: `refund-unwanted:${paymentId}`,
  });
  return reason;
}
