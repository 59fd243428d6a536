import { applyBillingEvents, applyLifecycle } from './events.js';
import type { BillingEvent } from './gateway.js';
import type { BillingDeps } from './service.js';
import { claimNotice, noticeSentAt } from './notice-queries.js';
import { findPlan } from './plan-queries.js';
import { setGatewayIds } from './subscription-queries.js';
import { listSubscriptionsNeedingAttention, lockSubscription, type Subscription } from './subscriptions.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
/** The pre-debit notice goes out from 72 h before a renewal; the charge waits until 24 h after it (RBI e-mandate rule). */
const NOTICE_FROM_MS = 72 * HOUR;
const NOTICE_LEAD_MS = 24 * HOUR;
/** Days after the failed renewal on which reminders go out, while the grace period lasts. */
const DUNNING_DAYS = [1, 3, 6];
/** How long before the period end a final cancellation is sent to the gateway. */
export const FINAL_CANCEL_LEAD_MS = 48 * HOUR;

/**
 * The periodic billing job: pre-debit notices, renewal requests, reconciliation of anything that looks
 * stuck, dunning reminders and expiry. Each step is guarded (notices are claimed once per period,
 * transitions ignore events that no longer apply), so running it twice changes nothing the second time.
 */
export async function runBillingSweep(deps: BillingDeps): Promise<void> {
  const now = deps.now();
  const subs = await listSubscriptionsNeedingAttention(deps.db, new Date(now.getTime() + NOTICE_FROM_MS));
  for (const sub of subs) {
    try {
      await sweepOne(deps, sub, now);
    } catch (error) {
      // One subscription's trouble (say, a gateway timeout) must not stop the others; the next sweep retries.
      console.error(`billing sweep: subscription ${sub.id}: ${(error as Error).message}`);
    }
  }
}

async function email(deps: BillingDeps, sub: Subscription, template: string, key: string) {
  await deps.enqueue(deps.db, {
    kind: 'billing-email',
    payload: { template, subscriptionId: sub.id },
    uniqueKey: `${template}:${sub.id}:${key}`,
  });
}

async function lifecycle(deps: BillingDeps, sub: Subscription, event: Parameters<typeof applyLifecycle>[2]) {
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

async function sweepOne(deps: BillingDeps, sub: Subscription, now: Date): Promise<void> {
  const t = now.getTime();
  if (sub.status === 'awaiting-payment') {
    if (t - sub.createdAt.getTime() > 15 * 60 * 1000) await reconcile(deps, sub);
    if (t - sub.createdAt.getTime() > DAY) await lifecycle(deps, sub, { type: 'checkout-abandoned', at: now });
    return;
  }
  const end = sub.currentPeriodEnd;
  if (!end) return;
  if (sub.status === 'active' && !sub.cancelAtPeriodEnd) {
    if (t >= end.getTime() - NOTICE_FROM_MS && (await claimNotice(deps.db, sub, 'pre-debit', now)))
      await email(deps, sub, 'pre-debit', end.toISOString());
    if (t < end.getTime()) return;
    const noticeAt = await noticeSentAt(deps.db, sub, 'pre-debit');
    // Never debit without a notice at least 24 hours old; a late notice pushes the charge back.
    if (
      noticeAt &&
      t >= noticeAt.getTime() + NOTICE_LEAD_MS &&
      sub.gatewaySubscriptionId &&
      (await claimNotice(deps.db, sub, 'renewal-requested', now))
    ) {
      const plan = await findPlan(deps.db, sub.nextPlanId ?? sub.planId);
      if (plan)
        await deps.gateways[sub.gateway]?.requestRenewal({
          gatewaySubscriptionId: sub.gatewaySubscriptionId,
          amount: plan.price,
          subscriptionId: sub.id,
          periodEnd: end,
        });
      return;
    }
    if (t >= Math.max(end.getTime(), (noticeAt?.getTime() ?? t) + NOTICE_LEAD_MS) + 2 * HOUR) {
      await reconcile(deps, sub);
      const result = await lifecycle(deps, sub, { type: 'period-ended', at: now, graceDays: deps.graceDays });
      if (result?.ok && result.changed && result.state.status === 'past-due') await email(deps, sub, 'payment-failed', end.toISOString());
    }
    return;
  }
  // A gateway whose cancellations are final (Razorpay) hears of one only two days before the period ends,
  // so until then the reader can still undo it; the gateway then stops the renewal at the cycle end.
  const gateway = deps.gateways[sub.gateway];
  if (
    sub.status === 'active' &&
    sub.cancelAtPeriodEnd &&
    gateway?.finalCancellation &&
    sub.gatewaySubscriptionId &&
    t >= end.getTime() - FINAL_CANCEL_LEAD_MS &&
    t < end.getTime()
  ) {
    if (await claimNotice(deps.db, sub, 'gateway-cancel', now)) await gateway.setCancelAtPeriodEnd(sub.gatewaySubscriptionId, true);
  }
  if (sub.status === 'active' && sub.cancelAtPeriodEnd && t >= end.getTime()) {
    const result = await lifecycle(deps, sub, { type: 'period-ended', at: now, graceDays: deps.graceDays });
    if (result?.ok && result.changed) await email(deps, sub, 'ended', end.toISOString());
    return;
  }
  if (sub.status === 'past-due' && sub.graceUntil) {
    if (t >= sub.graceUntil.getTime()) {
      await reconcile(deps, sub);
      const result = await lifecycle(deps, sub, { type: 'grace-ended', at: now });
      if (result?.ok && result.changed) {
        if (sub.gatewaySubscriptionId) await deps.gateways[sub.gateway]?.cancelNow(sub.gatewaySubscriptionId).catch(() => undefined);
        await email(deps, sub, 'ended', end.toISOString());
      }
      return;
    }
    // A sweep that missed reminder days (the server was down) marks them all sent but sends only the latest.
    let latest: number | null = null;
    for (const day of DUNNING_DAYS) {
      if (t >= end.getTime() + day * DAY && (await claimNotice(deps.db, sub, `dunning-${day}`, now))) latest = day;
    }
    if (latest !== null) await email(deps, sub, 'dunning', `${end.toISOString()}:${latest}`);
  }
}
