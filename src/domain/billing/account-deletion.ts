import { fail, ok, type Result } from '../errors.js';
import { applyLifecycle } from './events.js';
import { GATEWAY_NAMES, type GatewayName, type PaymentGateway } from './gateway.js';
import type { SubscriptionStatus } from './lifecycle.js';
import type { BillingDeps } from './deps.js';
import { listUserSubscriptions, lockSubscription, type Subscription } from './subscriptions.js';

/** Subscriptions that could still charge the reader: running, or a checkout that may yet be paid. */
const MAY_CHARGE: ReadonlySet<SubscriptionStatus> = new Set(['active', 'past-due', 'awaiting-payment']);

/** What the reader is told when a gateway could not be reached: nothing was deleted. */
export const stopFailedMessage = (gateway: GatewayName): string =>
  `We could not stop your subscription's renewals at ${GATEWAY_NAMES[gateway]}; nothing was deleted — try again in a few minutes.`;

/**
 * Ends the subscription at the gateway now, so it never renews. A gateway that refuses because it already
 * ended (a cancellation it knew before we did) counts as stopped; one that cannot be reached does not.
 */
async function stopAtGateway(gateway: PaymentGateway | undefined, gatewaySubscriptionId: string): Promise<boolean> {
  if (!gateway) return false;
  try {
    await gateway.cancelNow(gatewaySubscriptionId);
    return true;
  } catch {
    const state = await gateway.fetchSubscription(gatewaySubscriptionId).catch(() => null);
    return state?.status === 'cancelled' || state?.status === 'ended';
  }
}

/** Closes an unpaid checkout at the gateway, so it can no longer be paid; false when the gateway cannot be told. */
async function closeCheckout(gateway: PaymentGateway | undefined, sub: Subscription): Promise<boolean> {
  if (!sub.gatewaySubscriptionId && !sub.gatewayCheckoutId) return true;
  if (!gateway) return false;
  const ids = { gatewaySubscriptionId: sub.gatewaySubscriptionId, gatewayCheckoutId: sub.gatewayCheckoutId };
  return gateway.cancelCheckout(ids).then(
    () => true,
    () => false,
  );
}

/** Ends our side of the subscription at once: no access, no renewal, no reminder. */
async function endHere(deps: BillingDeps, sub: Subscription): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (tx) => {
    const locked = await lockSubscription(tx, sub.id);
    if (!locked) return;
    const event =
      locked.status === 'awaiting-payment' ? ({ type: 'checkout-abandoned', at: now } as const) : ({ type: 'ended-now', at: now } as const);
    await applyLifecycle(tx, locked, event, now, deps.graceDays);
  });
}

/**
 * Before a reader's account is deleted: every subscription that could still charge them is cancelled at its
 * gateway now, then ended here. The first gateway that cannot be told stops the work with `gateway-error`
 * (the account must then be kept, to try again); subscriptions already stopped stay stopped.
 */
export async function stopSubscriptionsOf(deps: BillingDeps, userId: number): Promise<Result<void, 'gateway-error'>> {
  const subs = (await listUserSubscriptions(deps.db, userId)).filter((s) => MAY_CHARGE.has(s.status));
  for (const sub of subs) {
    if (sub.status === 'awaiting-payment') {
      // An unpaid checkout has no mandate to end: its page (or created gateway subscription) is closed instead.
      if (!(await closeCheckout(deps.gateways[sub.gateway], sub))) return fail('gateway-error', stopFailedMessage(sub.gateway));
    } else if (sub.gatewaySubscriptionId && !(await stopAtGateway(deps.gateways[sub.gateway], sub.gatewaySubscriptionId))) {
      return fail('gateway-error', stopFailedMessage(sub.gateway));
    }
    await endHere(deps, sub);
  }
  return ok(undefined);
}
