import { DomainError, fail, ok, type Result } from '../errors.js';
import { applyLifecycle } from './events.js';
import type { LifecycleEvent } from './lifecycle.js';
import { transition, unusedCredit } from './lifecycle.js';
import { claimNotice, noticeSentAt } from './notice-queries.js';
import { CANCEL_REQUESTED, GATEWAY_CANCELLED } from './sweep-plan.js';
import type { PaymentGateway } from './gateway.js';
import { listSubscriptionPayments } from './payment-queries.js';
import { findActivePlanBySlug, findPlan } from './plan-queries.js';
import type { Plan } from './plans.js';
import { gatewayFor, type BillingDeps } from './deps.js';
import { setPlan } from './subscription-queries.js';
import { findSubscription, lockSubscription, type Subscription } from './subscriptions.js';

/** What a reader asks of their own subscription: cancel, undo the cancellation, change plan. */

export interface PlanChangeQuote {
  /**
   * `new-subscription`: the gateway cannot change this subscription's plan (Razorpay on UPI, e-mandate, most
   * domestic cards); the reader is offered a new subscription on `plan` instead (`plan-replacement.ts`).
   */
  when: 'now' | 'period-end' | 'new-subscription';
  /** Minor units charged now (upgrade), after the credit; for a new subscription, its full price. */
  charge: number;
  /** Credited against the charge; for a new subscription, refunded once it is paid (estimated as of now). */
  credit: number;
  plan: Plan;
}

/** Applies a reader's request to the locked subscription; a request the state machine refuses is an expected outcome. */
async function lifecycle(deps: BillingDeps, sub: Subscription, event: LifecycleEvent): Promise<Result<void>> {
  const result = await deps.db.transaction().execute(async (tx) => {
    const locked = await lockSubscription(tx, sub.id);
    if (!locked) throw new DomainError('not-found', 'There is no such subscription.');
    return applyLifecycle(tx, locked, event, deps.now(), deps.graceDays);
  });
  return result.ok ? ok(undefined) : fail('invalid-transition', result.reason);
}

/** Cancel anytime: the subscription runs to the end of the paid term; the reader can undo it until then. */
export async function cancel(deps: BillingDeps, sub: Subscription): Promise<Result<void>> {
  const gateway = gatewayFor(deps, sub.gateway);
  if (gateway.finalCancellation) return cancelForGood(deps, gateway, sub);
  if (sub.gatewaySubscriptionId && sub.status === 'active' && !sub.cancelAtPeriodEnd) {
    await gateway.setCancelAtPeriodEnd(sub.gatewaySubscriptionId, true);
  }
  // A past-due subscription ends at once: the gateway must stop retrying, or a late retry would charge the reader.
  if (sub.gatewaySubscriptionId && sub.status === 'past-due') await gateway.cancelNow(sub.gatewaySubscriptionId);
  return lifecycle(deps, sub, { type: 'cancel-at-period-end', at: deps.now() });
}

/**
 * Cancelling on a gateway that cannot take a cancellation back (Razorpay). The reader's request is recorded
 * first, with the cancellation marked as owed to the gateway; then the gateway is told at once
 * (`cancel_at_cycle_end`). If that call fails the reader is still cancelled here, and every billing sweep
 * sends it again until the gateway has it, so no renewal can be charged after a cancel.
 */
async function cancelForGood(deps: BillingDeps, gateway: PaymentGateway, sub: Subscription): Promise<Result<void>> {
  if (sub.gatewaySubscriptionId && sub.status === 'past-due') await gateway.cancelNow(sub.gatewaySubscriptionId);
  const now = deps.now();
  const result = await deps.db.transaction().execute(async (tx) => {
    const locked = await lockSubscription(tx, sub.id);
    if (!locked) throw new DomainError('not-found', 'There is no such subscription.');
    const applied = await applyLifecycle(tx, locked, { type: 'cancel-at-period-end', at: now }, now, deps.graceDays);
    if (applied.ok && applied.state.status === 'active') await claimNotice(tx, locked, CANCEL_REQUESTED, now);
    return applied;
  });
  if (!result.ok) return fail('invalid-transition', result.reason);
  if (result.state.status === 'active' && sub.gatewaySubscriptionId) await tellGatewayOfCancel(deps, gateway, sub);
  return ok(undefined);
}

/** Sends an owed cancellation once; a failure is left for the sweep to send again. */
async function tellGatewayOfCancel(deps: BillingDeps, gateway: PaymentGateway, sub: Subscription): Promise<void> {
  if (!sub.gatewaySubscriptionId || (await noticeSentAt(deps.db, sub, GATEWAY_CANCELLED))) return;
  try {
    await gateway.setCancelAtPeriodEnd(sub.gatewaySubscriptionId, true);
  } catch (error) {
    console.error(
      `cancel: subscription ${sub.id}: the ${gateway.name} gateway was not told; the billing sweep sends it again: ${(error as Error).message}`,
    );
    return;
  }
  await claimNotice(deps.db, sub, GATEWAY_CANCELLED, deps.now());
}

/**
 * Takes a cancellation back while the term runs. A gateway whose cancellations are final (Razorpay) cannot:
 * the reader is told so, and that they can subscribe again once the paid term ends.
 */
export async function undoCancel(deps: BillingDeps, sub: Subscription): Promise<Result<void>> {
  if (!sub.cancelAtPeriodEnd) return ok(undefined);
  // Refuse before telling the gateway: an ended subscription must not have its gateway side revived.
  const check = transition(sub, { type: 'undo-cancel', at: deps.now() });
  if (!check.ok) return fail('invalid-transition', check.reason);
  const gateway = gatewayFor(deps, sub.gateway);
  if (gateway.finalCancellation) return fail('invalid-transition', finalCancellationMessage(sub, deps.timeZone));
  if (sub.gatewaySubscriptionId) await gateway.setCancelAtPeriodEnd(sub.gatewaySubscriptionId, false);
  return lifecycle(deps, sub, { type: 'undo-cancel', at: deps.now() });
}

/** Why a cancellation on a gateway whose cancellations are final cannot be undone, and what the reader can do. */
export function finalCancellationMessage(sub: Pick<Subscription, 'currentPeriodEnd'>, timeZone = 'Asia/Kolkata'): string {
  const end = sub.currentPeriodEnd
    ? new Intl.DateTimeFormat('en-IN', { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(sub.currentPeriodEnd)
    : 'the end of the term you paid for';
  return `Your payment gateway cannot take a cancellation back, so your subscription will not renew. You keep access until ${end}; from then you can subscribe again from the plans page.`;
}

/**
 * What changing to `next` would do now, without doing it: a dearer plan starts at once, with the unused
 * part of the last payment credited against its price; a cheaper one takes over at the next renewal.
 * The account page shows this quote and `changePlan` charges exactly it: ours, or the gateway's own preview
 * when it has one (if the preview cannot be had, our quote is shown and the gateway prorates by itself).
 */
export async function quoteChange(deps: BillingDeps, sub: Subscription, current: Plan, next: Plan): Promise<PlanChangeQuote> {
  if (next.price.minor <= current.price.minor) return { when: 'period-end', charge: 0, credit: 0, plan: next };
  // A gateway that prorates by itself (Stripe) says what it will charge; it then charges exactly that.
  const gateway = deps.gateways[sub.gateway];
  if (gateway?.previewPlanChange && sub.gatewaySubscriptionId) {
    const preview = await gateway.previewPlanChange({ gatewaySubscriptionId: sub.gatewaySubscriptionId, plan: next }).catch(() => null);
    if (preview) return { when: 'now', charge: preview.charge.minor, credit: preview.credit.minor, plan: next };
  }
  const [last] = await listSubscriptionPayments(deps.db, sub.id);
  const credit = last ? unusedCredit(last.amountMinor - last.refundedMinor, last.periodStart, last.periodEnd, deps.now()) : 0;
  return { when: 'now', charge: Math.max(0, next.price.minor - credit), credit, plan: next };
}

/**
 * Plan change. The new plan waits in `nextPlanId` until it is paid for: an upgrade's charge takes it
 * over at once (a declined one drops it), a downgrade takes over at the next renewal. A gateway that
 * answers the upgrade's charge at once (the test gateway) may decline it: the reader is told, and stays.
 */
export async function changePlan(deps: BillingDeps, sub: Subscription, planSlug: string): Promise<Result<PlanChangeQuote>> {
  if (sub.status !== 'active' || !sub.gatewaySubscriptionId)
    return fail('invalid-transition', 'Only an active subscription can change plan.');
  const [current, next] = await Promise.all([findPlan(deps.db, sub.planId), findActivePlanBySlug(deps.db, planSlug)]);
  if (!current || !next) return fail('unknown-plan', 'There is no such plan.');
  const gateway = gatewayFor(deps, sub.gateway);
  if (next.id === current.id) {
    // Taking back a scheduled downgrade: the gateway was told to switch at renewal, so tell it to stay.
    if (sub.nextPlanId) {
      await gateway.changePlan({
        gatewaySubscriptionId: sub.gatewaySubscriptionId,
        plan: current,
        when: 'period-end',
        chargeNow: null,
        subscriptionId: sub.id,
      });
      await setPlan(deps.db, sub.id, sub.planId, null);
    }
    return ok({ when: 'period-end', charge: 0, credit: 0, plan: next });
  }
  const quote = await quoteChange(deps, sub, current, next);
  const claim = await claimPlanChange(deps, sub.id, next.id);
  if (claim === 'not-active') return fail('invalid-transition', 'Only an active subscription can change plan.');
  // The same change submitted again (a double click, two tabs at once) is already under way or done.
  if (claim === 'same') return ok(quote);
  const chargeNow = quote.when === 'now' ? { minor: quote.charge, currency: next.price.currency } : null;
  let answer: Awaited<ReturnType<typeof gateway.changePlan>>;
  try {
    answer = await gateway.changePlan({
      gatewaySubscriptionId: sub.gatewaySubscriptionId,
      plan: next,
      when: quote.when === 'now' ? 'now' : 'period-end',
      chargeNow,
      subscriptionId: sub.id,
    });
  } catch (error) {
    // The gateway did not take the change: the waiting plan goes back to what it was, so it can be tried again.
    await setPlan(deps.db, sub.id, sub.planId, claim.previousNextPlanId);
    throw new DomainError('gateway-error', `The payment gateway did not change the plan: ${(error as Error).message}`);
  }
  if (answer) {
    // Refused for the payment method: nothing changes here, and the reader is offered a new subscription instead.
    await setPlan(deps.db, sub.id, sub.planId, claim.previousNextPlanId);
    const [last] = await listSubscriptionPayments(deps.db, sub.id);
    const credit = last ? unusedCredit(last.amountMinor - last.refundedMinor, last.periodStart, last.periodEnd, deps.now()) : 0;
    return ok({ when: 'new-subscription', charge: next.price.minor, credit, plan: next });
  }
  if (quote.when === 'now' && (await upgradeDeclined(deps, sub))) {
    return fail(
      'invalid-transition',
      `The payment for ${next.name} was declined, so nothing was charged and you stay on ${current.name}. Update your payment method and try again.`,
    );
  }
  return ok(quote);
}

/** Whether the upgrade's charge was already declined: the waiting plan was dropped and the old one kept. */
async function upgradeDeclined(deps: BillingDeps, before: Subscription): Promise<boolean> {
  const after = await findSubscription(deps.db, before.id);
  return !!after && after.nextPlanId === null && after.planId === before.planId;
}

/**
 * Records `nextPlanId` as the plan waiting to take over, under the subscription's lock, so of two
 * concurrent submissions of one change only the first reaches the gateway (and charges). 'same' when that
 * plan is already the current or the waiting one; the lock is released before the gateway is called,
 * because its answer (the upgrade's payment) is applied under the same lock.
 */
async function claimPlanChange(
  deps: BillingDeps,
  id: number,
  nextPlanId: number,
): Promise<{ previousNextPlanId: number | null } | 'same' | 'not-active'> {
  return deps.db.transaction().execute(async (tx) => {
    const locked = await lockSubscription(tx, id);
    if (!locked || locked.status !== 'active' || !locked.gatewaySubscriptionId) return 'not-active';
    if (locked.planId === nextPlanId || locked.nextPlanId === nextPlanId) return 'same';
    await setPlan(tx, id, locked.planId, nextPlanId);
    return { previousNextPlanId: locked.nextPlanId };
  });
}
