import type { User } from '../accounts/model.js';
import { DomainError, fail, ok, type Result } from '../errors.js';
import { applyLifecycle } from './events.js';
import type { CheckoutRequest, CheckoutStart, PaymentGateway } from './gateway.js';
import { findActivePlanBySlug } from './plan-queries.js';
import type { Plan } from './plans.js';
import { gatewayFor, type BillingDeps } from './deps.js';
import { findOpenCheckoutRow, insertSubscription, setGatewayIds, type StoredSubscription } from './subscription-queries.js';
import { lockSubscription } from './subscriptions.js';

/** Whether the reader may start a checkout now: the refusals `startCheckout` would make, before any form is filled in. */
export function checkoutAvailability(deps: BillingDeps, hasRunningSubscription: boolean): Result<void> {
  if (!deps.checkoutGateway) return fail('no-gateway', 'Subscriptions are not on sale yet.');
  if (hasRunningSubscription) {
    return fail('already-subscribed', 'You already have a subscription. Change your plan from your subscription page.');
  }
  return ok(undefined);
}

/** How long a start waits for a concurrent start of the same checkout to hear back from the gateway. */
const WAIT_FOR_GATEWAY_MS = 100;
const WAIT_ATTEMPTS = 50;
/** A checkout row still without gateway ids after this long lost its gateway call (a crash): it is replaced. */
const STUCK_START_MS = 60 * 1000;

/**
 * Starts checkout: a subscription awaiting payment, and where to send the buyer. A reader pays once:
 *
 * - with a subscription running, no checkout opens (they change plan instead);
 * - with a checkout already open for this plan (another tab, a second press, two requests at once), that
 *   same checkout is returned while the gateway can still take payment for it;
 * - with one open for another plan, the newer choice replaces it: the older is closed at the gateway and
 *   abandoned here. A publisher wants the plan the reader chose last, and never two mandates paid.
 *
 * The database holds at most one open checkout per reader (a partial unique index), so of two concurrent
 * starts one inserts and the other returns the first one's checkout.
 */
export async function startCheckout(
  deps: BillingDeps,
  user: User,
  planSlug: string,
  hasRunningSubscription: () => Promise<boolean>,
): Promise<{ subscriptionId: number; start: CheckoutStart }> {
  if (!deps.checkoutGateway) throw new DomainError('no-gateway', 'Subscriptions are not on sale yet: no payment gateway is configured.');
  const plan = await findActivePlanBySlug(deps.db, planSlug);
  if (!plan) throw new DomainError('unknown-plan', 'There is no such plan.');
  if (await hasRunningSubscription())
    throw new DomainError('already-subscribed', 'You already have a subscription. Change your plan from your account page.');
  const gateway = gatewayFor(deps, deps.checkoutGateway);
  const request = (subscriptionId: number): CheckoutRequest => ({
    subscriptionId,
    plan,
    customer: { userId: user.id, email: user.email, name: user.name },
    returnUrl: `${deps.publicUrl}/subscribe/complete?subscription=${subscriptionId}`,
    cancelUrl: `${deps.publicUrl}/plans`,
  });
  for (let attempt = 0; attempt < WAIT_ATTEMPTS; attempt++) {
    const open = await findOpenCheckoutRow(deps.db, user.id);
    if (open) {
      const reused = await reuse(deps, gateway, open, plan, request(open.id));
      if (reused === 'wait') {
        await new Promise((resolve) => setTimeout(resolve, WAIT_FOR_GATEWAY_MS));
        continue;
      }
      if (reused) return { subscriptionId: open.id, start: reused };
      await abandonCheckout(deps, open);
    }
    const subscriptionId = await insertSubscription(deps.db, { userId: user.id, planId: plan.id, gateway: gateway.name, now: deps.now() });
    // Another start for this reader inserted first: go round and return (or replace) theirs.
    if (subscriptionId === null) continue;
    let start: CheckoutStart;
    try {
      start = await gateway.startCheckout(request(subscriptionId));
    } catch (error) {
      // Nothing exists at the gateway: the row must not hold the reader's one open checkout.
      await abandonCheckout(deps, { id: subscriptionId, gateway: gateway.name, gatewaySubscriptionId: null, gatewayCheckoutId: null });
      throw new DomainError('gateway-error', `The payment gateway could not start checkout: ${(error as Error).message}`);
    }
    await setGatewayIds(deps.db, subscriptionId, start);
    return { subscriptionId, start };
  }
  throw new DomainError('gateway-error', 'The payment gateway is taking too long to start checkout; please try again.');
}

/**
 * The open checkout given back to the reader when it is for the same plan and can still be paid; 'wait'
 * while a concurrent start is still asking the gateway for it; null when it must be replaced.
 */
async function reuse(
  deps: BillingDeps,
  gateway: PaymentGateway,
  open: StoredSubscription,
  plan: Plan,
  request: CheckoutRequest,
): Promise<CheckoutStart | 'wait' | null> {
  // Wait even for another plan: what the gateway creates for it must be known before it can be closed.
  if (!open.gatewaySubscriptionId && !open.gatewayCheckoutId) {
    return deps.now().getTime() - open.createdAt.getTime() < STUCK_START_MS ? 'wait' : null;
  }
  if (open.planId !== plan.id || open.gateway !== gateway.name) return null;
  if (!gateway.resumeCheckout) return null;
  return gateway.resumeCheckout({
    ...request,
    gatewaySubscriptionId: open.gatewaySubscriptionId,
    gatewayCheckoutId: open.gatewayCheckoutId,
  });
}

/**
 * Closes an unpaid checkout: first at the gateway (so its page can no longer be paid; a failure leaves the
 * checkout open and is reported), then here, under the subscription's lock. A payment that won the race
 * has already made it active, and the abandonment then changes nothing.
 */
export async function abandonCheckout(
  deps: BillingDeps,
  sub: Pick<StoredSubscription, 'id' | 'gateway' | 'gatewaySubscriptionId' | 'gatewayCheckoutId'>,
): Promise<void> {
  if (sub.gatewaySubscriptionId || sub.gatewayCheckoutId) {
    try {
      await gatewayFor(deps, sub.gateway).cancelCheckout({
        gatewaySubscriptionId: sub.gatewaySubscriptionId,
        gatewayCheckoutId: sub.gatewayCheckoutId,
      });
    } catch (error) {
      throw new DomainError('gateway-error', `The payment gateway could not close the earlier checkout: ${(error as Error).message}`);
    }
  }
  await deps.db.transaction().execute(async (tx) => {
    const locked = await lockSubscription(tx, sub.id);
    if (locked) await applyLifecycle(tx, locked, { type: 'checkout-abandoned', at: deps.now() }, deps.now(), deps.graceDays);
  });
}
