import type { User } from '../accounts/model.js';
import { DomainError, type Result } from '../errors.js';
import { actorOf, can } from '../policies/policies.js';
import { stopSubscriptionsOf } from './account-deletion.js';
import { billingEmailTemplates } from './billing-emails.js';
import { checkoutAvailability, startCheckout } from './checkout.js';
import { applyBillingEvents } from './events.js';
import type { BillingEvent, CheckoutStart, GatewayName } from './gateway.js';
import type { Plan } from './plans.js';
import { resolvePaymentReferences } from './payment-references.js';
import { pendingPaymentAction } from './reversal-queries.js';
import { createBillingReads } from './reads.js';
import { refundPayment, refundUnwantedPayment } from './refunds.js';
import { finishReplacementsOf, startReplacement } from './plan-replacement.js';
import { cancel, changePlan, quoteChange, undoCancel, type PlanChangeQuote } from './subscription-changes.js';
import { gatewayFor, type BillingDeps } from './deps.js';
import { findSubscription, type Subscription } from './subscriptions.js';
import { runBillingSweep } from './sweep.js';
import { noticesSent } from './notice-queries.js';
import { CANCEL_REQUESTED, GATEWAY_PAUSED } from './sweep-plan.js';
import { applyStoredWebhooks, parkUnreadableWebhook, receiveWebhookEvent } from './webhooks.js';

/**
 * Billing as the web layer and the jobs use it: what the pages read (`reads.ts`), and the use cases.
 * Refusals a reader or admin can act on come back as a `Result`; a use case that cannot go on throws a
 * `DomainError`.
 */
export function createBillingService(deps: BillingDeps) {
  const reads = createBillingReads(deps);

  async function owned(user: User, subscriptionId: number): Promise<Subscription> {
    const sub = await findSubscription(deps.db, subscriptionId);
    // Only its reader acts on a subscription (policy `manageSubscription`). Another reader's is "not found",
    // never "forbidden": its existence is not disclosed.
    if (!sub || !can(actorOf(user), 'manageSubscription', sub))
      throw new DomainError('not-found', 'There is no such subscription on your account.');
    return sub;
  }

  /** Where the reader can update the payment method, if the gateway offers a page. */
  async function paymentMethodUpdateUrl(sub: Subscription): Promise<string | null> {
    if (!sub.gatewaySubscriptionId) return null;
    return gatewayFor(deps, sub.gateway).paymentMethodUpdateUrl({
      gatewaySubscriptionId: sub.gatewaySubscriptionId,
      gatewayCustomerId: sub.gatewayCustomerId,
      returnUrl: `${deps.publicUrl}/account/subscription`,
    });
  }

  const service = {
    ...reads,

    /** One of the reader's own subscriptions (never another reader's). */
    owned,

    /** Whether the reader may start a checkout now (no gateway, or a subscription already running, say no). */
    checkoutAvailability: async (userId: number): Promise<Result<void>> => checkoutAvailability(deps, !!(await reads.current(userId))),
    startCheckout: (user: User, planSlug: string): Promise<{ subscriptionId: number; start: CheckoutStart }> =>
      startCheckout(deps, user, planSlug, async () => !!(await reads.current(user.id))),

    cancel: async (user: User, subscriptionId: number): Promise<Result<void>> => cancel(deps, await owned(user, subscriptionId)),
    undoCancel: async (user: User, subscriptionId: number): Promise<Result<void>> => undoCancel(deps, await owned(user, subscriptionId)),
    quoteChange: (sub: Subscription, current: Plan, next: Plan): Promise<PlanChangeQuote> => quoteChange(deps, sub, current, next),
    changePlan: async (user: User, subscriptionId: number, planSlug: string): Promise<Result<PlanChangeQuote>> =>
      changePlan(deps, await owned(user, subscriptionId), planSlug),

    /** A plan change the gateway refused: a new subscription on `planSlug`, through checkout, replaces this one once paid. */
    startReplacement: async (user: User, subscriptionId: number, planSlug: string) =>
      startReplacement(deps, user, await owned(user, subscriptionId), planSlug),

    /** Before an account is deleted: its subscriptions stop renewing now, at the gateway first (`gateway-error` if one cannot be told). */
    stopSubscriptionsOf: (userId: number): Promise<Result<void, 'gateway-error'>> => stopSubscriptionsOf(deps, userId),

    /** Admin refund, full or partial; more than is left to refund is refused. */
    refund: (paymentId: number, amountMinor: number, reason: string): Promise<Result<void>> =>
      refundPayment(deps, paymentId, amountMinor, reason),

    /** The refund job for money that bought nothing (queued when it was recorded); throws to be retried. */
    refundUnwantedPayment: (paymentId: number, reason: string): Promise<void> => refundUnwantedPayment(deps, paymentId, reason),

    paymentMethodUpdateUrl,

    /** A charge the reader's bank asks them to confirm, with the gateway's page for it; null when none waits. */
    paymentAction: (subscriptionId: number) => pendingPaymentAction(deps.db, subscriptionId),
    /** Whether the subscription's renewals are paused at the gateway this period (not cancelled by the reader). */
    async pausedAtGateway(sub: Subscription): Promise<boolean> {
      if (!sub.cancelAtPeriodEnd) return false;
      const sent = await noticesSent(deps.db, sub);
      return sent.has(GATEWAY_PAUSED) && !sent.has(CANCEL_REQUESTED);
    },

    /** Applies verified gateway events in one transaction. Idempotent; safe in any order. */
    async applyEvents(gateway: GatewayName, events: BillingEvent[]): Promise<string[]> {
      const resolved = await resolvePaymentReferences(deps.db, gateway, deps.gateways[gateway], events);
      const notes = await deps.db.transaction().execute((tx) => applyBillingEvents(tx, gateway, resolved, deps.now(), deps));
      // A first payment may complete a plan replacement: the old subscription is cancelled and credited now
      // (a failure there is retried by the sweep, never by failing the webhook).
      for (const event of resolved) {
        if (event.type !== 'payment-captured') continue;
        const id = event.subscriptionId ?? (await reads.subscriptionByGatewayId(gateway, event.gatewaySubscriptionId))?.id;
        if (id) await finishReplacementsOf(deps, id);
      }
      return notes;
    },

    /** A verified webhook from a gateway: stored once per event id, then applied (through `applyEvents`). */
    receiveWebhookEvent(gateway: GatewayName, received: { eventId: string; eventType: string; events: BillingEvent[] }) {
      return receiveWebhookEvent(deps.db, { gateway, ...received }, (g, events) => service.applyEvents(g, events), deps.now);
    },

    /** A signed delivery we could not read: acknowledged and kept for review, never applied. */
    parkUnreadableWebhook(gateway: GatewayName, rawBody: Buffer, reason: string): Promise<void> {
      return parkUnreadableWebhook(deps.db, { gateway, rawBody, reason }, deps.now);
    },

    /** Applies again the stored webhooks whose processing failed (the billing sweep job). */
    applyStoredWebhooks(): Promise<void> {
      return applyStoredWebhooks(deps.db, (g, events) => service.applyEvents(g, events), deps.now);
    },

    /** The periodic sweep: notices, renewals, reconciliation, dunning and expiry (the billing sweep job). */
    runSweep: (): Promise<void> => runBillingSweep(deps),

    /** The billing emails, for the notification job that sends them. */
    emailTemplates: billingEmailTemplates({ ...deps, paymentMethodUpdateUrl }),
  };
  return service;
}

export type BillingService = ReturnType<typeof createBillingService>;
