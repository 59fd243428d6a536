import type { User } from '../accounts/model.js';
import { fail, ok, type Result } from '../errors.js';
import { startCheckout } from './checkout.js';
import { applyLifecycle } from './events.js';
import type { CheckoutStart } from './gateway.js';
import { unusedCredit } from './lifecycle.js';
import { claimNotice, noticesSent } from './notice-queries.js';
import { REPLACES, subscriptionsReplacedBy } from './replacement-links.js';
import { listSubscriptionPayments } from './payment-queries.js';
import { findActivePlanBySlug } from './plan-queries.js';
import { refundPayment } from './refunds.js';
import { gatewayFor, type BillingDeps } from './deps.js';
import { findSubscription, lockSubscription, type Subscription } from './subscriptions.js';
import { REPLACED_BY } from './sweep-plan.js';

/**
 * Changing plan by a new subscription, where the gateway cannot move the running one to another plan
 * (Razorpay: not for subscriptions paid by UPI or e-mandate, and only the offer for domestic cards).
 *
 * 1. `startReplacement`: a checkout for the new plan while the old subscription runs; the reader authorises a
 *    new mandate. The new subscription carries a `replaces:<old id>` notice (claimed before it has a period).
 * 2. When its first payment is recorded (`linkReplacement`, in that payment's transaction), the old one gets a
 *    `replaced-by:<new id>` notice: from then the old one is on its way out.
 * 3. `finishReplacement` (right after that webhook, and by every billing sweep until it is done): the old
 *    subscription is cancelled at the gateway at once, the unused part of its last payment is refunded
 *    (`unusedCredit` at the moment the new one was paid), and it ends here. Each step is claimed once.
 *
 * Until the new one is paid nothing changes: an abandoned replacement checkout is closed like any other.
 */
const CANCELLED_FOR_REPLACEMENT = 'replacement-cancelled';
const REFUNDED_FOR_REPLACEMENT = 'replacement-refund';

/** Starts the checkout of a new subscription on `planSlug` that replaces the running `old` once paid. */
export async function startReplacement(
  deps: BillingDeps,
  user: User,
  old: Subscription,
  planSlug: string,
): Promise<Result<{ subscriptionId: number; start: CheckoutStart }>> {
  if (old.status !== 'active' || old.cancelAtPeriodEnd)
    return fail('invalid-transition', 'Only an active subscription that renews can change plan.');
  const plan = await findActivePlanBySlug(deps.db, planSlug);
  if (!plan) return fail('unknown-plan', 'There is no such plan.');
  if (plan.id === old.planId) return fail('invalid-transition', `You are already on ${plan.name}.`);
  // The running subscription is the one being replaced: it must not block this checkout.
  const started = await startCheckout(deps, user, planSlug, async () => false);
  await claimNotice(deps.db, { id: started.subscriptionId, currentPeriodEnd: null }, `${REPLACES}${old.id}`, deps.now());
  return ok(started);
}

/** Finishes the replacements a newly paid subscription started (after its webhook); failures are left for the sweep. */
export async function finishReplacementsOf(deps: BillingDeps, newSubscriptionId: number): Promise<void> {
  for (const oldId of await subscriptionsReplacedBy(deps.db, newSubscriptionId)) {
    await finishReplacement(deps, oldId).catch((error: unknown) => {
      console.error(`plan replacement: subscription ${oldId}: ${(error as Error).message}; the billing sweep tries again`);
    });
  }
}

/**
 * Cancels a replaced subscription at the gateway, refunds its unused credit and ends it here. Idempotent:
 * each step is claimed once per subscription period. The refund is claimed before the gateway is asked (money
 * is never sent twice); one that fails is logged for support to pay out by hand.
 */
export async function finishReplacement(deps: BillingDeps, oldId: number): Promise<void> {
  const old = await findSubscription(deps.db, oldId);
  if (!old || (old.status !== 'active' && old.status !== 'past-due')) return;
  const sent = await noticesSent(deps.db, old);
  const link = [...sent.entries()].find(([kind]) => kind.startsWith(REPLACED_BY));
  if (!link) return;
  const [kind, paidAt] = link;
  const gateway = gatewayFor(deps, old.gateway);
  const gatewayId = old.gatewaySubscriptionId;
  if (gatewayId && !sent.has(CANCELLED_FOR_REPLACEMENT)) {
    await gateway.cancelNow(gatewayId).catch(async (error: unknown) => {
      // Already cancelled there (a repeated call): done. Anything else: the old one could still renew, so stop.
      const state = await gateway.fetchSubscription(gatewayId);
      if (state.status !== 'cancelled' && state.status !== 'ended') throw error;
    });
    await claimNotice(deps.db, old, CANCELLED_FOR_REPLACEMENT, deps.now());
  }
  const [last] = await listSubscriptionPayments(deps.db, old.id);
  const credit = last ? unusedCredit(last.amountMinor - last.refundedMinor, last.periodStart, last.periodEnd, paidAt) : 0;
  if (last && credit > 0 && (await claimNotice(deps.db, old, REFUNDED_FOR_REPLACEMENT, deps.now()))) {
    const reason = `unused part of the term, replaced by subscription ${kind.slice(REPLACED_BY.length)}`;
    const refunded = await refundPayment(deps, last.id, credit, reason).catch((error: unknown) =>
      fail('gateway-error', (error as Error).message),
    );
    if (!refunded.ok)
      console.error(`plan replacement: subscription ${old.id}: refund of ${credit} paise failed, pay it out by hand: ${refunded.message}`);
  }
  await deps.db.transaction().execute(async (tx) => {
    const locked = await lockSubscription(tx, old.id);
    if (locked) await applyLifecycle(tx, locked, { type: 'ended-now', at: deps.now() }, deps.now(), deps.graceDays);
  });
}
