import { applyBillingEvents, applyLifecycle } from './events.js';
import type { BillingEvent } from './gateway.js';
import type { LifecycleEvent } from './lifecycle.js';
import { claimNotice, noticesSent } from './notice-queries.js';
import { findPlan } from './plan-queries.js';
import type { BillingDeps } from './deps.js';
import { setGatewayIds } from './subscription-queries.js';
import { listSubscriptionsNeedingAttention, lockSubscription, type Subscription } from './subscriptions.js';
import { finishReplacement } from './plan-replacement.js';
import { NOTICE_FROM_MS, planSweep, type SweepAction } from './sweep-plan.js';

/**
 * The periodic billing job: pre-debit notices, renewal requests, reconciliation of anything that looks
 * stuck, dunning reminders and expiry. For each subscription that may need it, it loads the notices sent
 * for the current period, asks `planSweep` what is due and carries that out. Each step is guarded (notices
 * are claimed once per period, transitions ignore events that no longer apply), so running it twice
 * changes nothing the second time.
 */
export async function runBillingSweep(deps: BillingDeps): Promise<void> {
  const now = deps.now();
  const before = new Date(now.getTime() + NOTICE_FROM_MS);
  // Page by id through everything that may need attention: many of them need nothing today (a notice
  // already sent), and a fixed first page of those must never starve the rest.
  for (let after = 0; ;) {
    const subs = await listSubscriptionsNeedingAttention(deps.db, before, { after, limit: SWEEP_PAGE });
    for (const sub of subs) {
      try {
        const gateway = deps.gateways[sub.gateway];
        const rules = {
          graceDays: deps.graceDays,
          finalCancellation: !!gateway?.finalCancellation,
          chargesOnItsOwn: !gateway?.renewsOnRequest,
        };
        const actions = planSweep(sub, await noticesSent(deps.db, sub), now, rules);
        await carryOut(deps, sub, actions, now);
      } catch (error) {
        // One subscription's trouble (say, a gateway timeout) must not stop the others; the next sweep retries.
        console.error(`billing sweep: subscription ${sub.id}: ${(error as Error).message}`);
      }
    }
    const last = subs.at(-1);
    if (!last || subs.length < SWEEP_PAGE) return;
    after = last.id;
  }
}

/** Subscriptions loaded and handled at a time by the sweep. */
export const SWEEP_PAGE = 500;

async function carryOut(deps: BillingDeps, sub: Subscription, actions: readonly SweepAction[], now: Date): Promise<void> {
  for (const action of actions) {
    switch (action.type) {
      case 'reconcile':
        await reconcile(deps, sub);
        break;
      case 'claim-notice':
        if (await claimNotice(deps.db, sub, action.kind, now)) await carryOut(deps, sub, action.then, now);
        break;
      case 'email':
        await deps.notify(deps.db, `billing.${action.template}`, { subscriptionId: sub.id }, `${action.template}:${sub.id}:${action.key}`);
        break;
      case 'request-renewal': {
        const plan = await findPlan(deps.db, action.planId);
        if (plan) {
          await deps.gateways[sub.gateway]?.requestRenewal({
            gatewaySubscriptionId: action.gatewaySubscriptionId,
            amount: plan.price,
            subscriptionId: sub.id,
            periodEnd: action.periodEnd,
          });
        }
        break;
      }
      case 'cancel-at-gateway': {
        const gateway = deps.gateways[sub.gateway];
        if (action.when === 'period-end') await gateway?.setCancelAtPeriodEnd(action.gatewaySubscriptionId, true);
        // Ending it now follows our own expiry: a gateway that fails to hear it must not undo that.
        else await gateway?.cancelNow(action.gatewaySubscriptionId).catch(() => undefined);
        break;
      }
      case 'finish-replacement':
        await finishReplacement(deps, sub.id);
        break;
      case 'close-checkout-at-gateway':
        await deps.gateways[sub.gateway]?.cancelCheckout({
          gatewaySubscriptionId: sub.gatewaySubscriptionId,
          gatewayCheckoutId: sub.gatewayCheckoutId,
        });
        break;
      case 'apply': {
        const result = await lifecycle(deps, sub, action.event);
        if (result?.ok && result.changed && (!action.status || result.state.status === action.status)) {
          await carryOut(deps, sub, action.then, now);
        }
        break;
      }
    }
  }
}

async function lifecycle(deps: BillingDeps, sub: Subscription, event: LifecycleEvent) {
  return deps.db.transaction().execute(async (tx) => {
    const locked = await lockSubscription(tx, sub.id);
    return locked ? applyLifecycle(tx, locked, event, deps.now(), deps.graceDays) : null;
  });
}

/** Asks the gateway for the truth about a subscription and applies any payment we missed. */
export async function reconcile(deps: BillingDeps, found: Subscription): Promise<void> {
  const gateway = deps.gateways[found.gateway];
  if (!gateway) return;
  let sub = found;
  // The webhook that names the gateway's subscription may be the one that was lost: ask the checkout.
  if (!sub.gatewaySubscriptionId && sub.gatewayCheckoutId && gateway.findCheckoutSubscription) {
    const ids = await gateway.findCheckoutSubscription(sub.gatewayCheckoutId);
    if (!ids) return;
    await setGatewayIds(deps.db, sub.id, ids);
    sub = { ...sub, ...ids };
  }
  if (!sub.gatewaySubscriptionId) return;
  const state = await gateway.fetchSubscription(sub.gatewaySubscriptionId);
  const events: BillingEvent[] = [...state.payments].reverse().map((p) => ({ ...p, subscriptionId: sub.id }));
  if (state.status === 'cancelled' || state.status === 'ended') {
    events.push({
      type: 'subscription-ended',
      subscriptionId: sub.id,
      gatewaySubscriptionId: sub.gatewaySubscriptionId,
      occurredAt: deps.now(),
    });
  }
  if (events.length > 0) await deps.db.transaction().execute((tx) => applyBillingEvents(tx, sub.gateway, events, deps.now(), deps));
}
