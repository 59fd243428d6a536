import type { Db, Tx } from '../ports/database.js';
import { claimNotice, noticeKindsStartingWith } from './notice-queries.js';
import { lockSubscription, type Subscription } from './subscriptions.js';
import { REPLACED_BY } from './sweep-plan.js';

/**
 * The links between a subscription and the one it replaces (plan-replacement.ts), kept as notices: the new
 * one carries `replaces:<old id>` from its checkout, the old one `replaced-by:<new id>` once the new one is
 * paid. Recording a payment reads and writes these; the rest of the replacement lives in plan-replacement.ts.
 */
export const REPLACES = 'replaces:';

/** The subscriptions `subscriptionId` replaces (its `replaces:` notices). */
export async function subscriptionsReplacedBy(db: Db, subscriptionId: number): Promise<number[]> {
  const kinds = await noticeKindsStartingWith(db, subscriptionId, REPLACES);
  return kinds.map((k) => Number(k.slice(REPLACES.length))).filter((id) => Number.isSafeInteger(id) && id > 0);
}

/**
 * In the transaction of a subscription's first payment: a subscription it replaces, still running, is marked
 * as replaced (the old one's gateway side and its credit are handled by `finishReplacement`, after commit).
 */
export async function linkReplacement(tx: Tx, newSub: Pick<Subscription, 'id' | 'userId'>, paidAt: Date): Promise<number[]> {
  const linked: number[] = [];
  for (const oldId of await subscriptionsReplacedBy(tx, newSub.id)) {
    const old = await lockSubscription(tx, oldId);
    if (!old || old.userId !== newSub.userId || (old.status !== 'active' && old.status !== 'past-due')) continue;
    await claimNotice(tx, old, `${REPLACED_BY}${newSub.id}`, paidAt);
    linked.push(old.id);
  }
  return linked;
}
