import type { User } from '../accounts/model.js';
import { DomainError, fail, ok, type Result } from '../errors.js';
import type { CheckoutStart } from './gateway.js';
import { findActivePlanBySlug } from './plan-queries.js';
import type { BillingDeps } from './service.js';
import { insertSubscription, setGatewayIds } from './subscription-queries.js';
import { gatewayFor } from './subscription-changes.js';

/** Whether the reader may start a checkout now: the refusals `startCheckout` would make, before any form is filled in. */
export function checkoutAvailability(deps: BillingDeps, hasRunningSubscription: boolean): Result<void> {
  if (!deps.checkoutGateway) return fail('no-gateway', 'Subscriptions are not on sale yet.');
  if (hasRunningSubscription) {
    return fail('already-subscribed', 'You already have a subscription. Change your plan from your subscription page.');
  }
  return ok(undefined);
}

/** Starts checkout: a subscription awaiting payment, and where to send the buyer. */
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
  const subscriptionId = await insertSubscription(deps.db, { userId: user.id, planId: plan.id, gateway: gateway.name, now: deps.now() });
  let start: CheckoutStart;
  try {
    start = await gateway.startCheckout({
      subscriptionId,
      plan,
      customer: { userId: user.id, email: user.email, name: user.name },
      returnUrl: `${deps.publicUrl}/subscribe/complete?subscription=${subscriptionId}`,
      cancelUrl: `${deps.publicUrl}/plans`,
    });
  } catch (error) {
    throw new DomainError('gateway-error', `The payment gateway could not start checkout: ${(error as Error).message}`);
  }
  await setGatewayIds(deps.db, subscriptionId, start);
  return { subscriptionId, start };
}
