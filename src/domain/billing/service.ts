import type { User } from '../accounts/model.js';
import type { Copy } from '../copy/copy.js';
import { DomainError, fail, ok, type Result } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Db } from '../ports/database.js';
import type { RenderInvoicePdf } from '../ports/invoice-pdf.js';
import type { Mailer } from '../ports/mailer.js';
import { sendBillingEmail, type BillingEmailJob } from './billing-emails.js';
import { applyBillingEvents, applyLifecycle, recordRefund, type BillingRules } from './events.js';
import type { BillingEvent, CheckoutStart, GatewayName, PaymentGateway } from './gateway.js';
import { transition, unusedCredit } from './lifecycle.js';
import { noticeSentAt } from './notice-queries.js';
import { findPayment, listSubscriptionPayments, releaseRefundReservation, reserveRefund } from './payment-queries.js';
import { findActivePlanBySlug, findPlan } from './plan-queries.js';
import type { Plan } from './plans.js';
import { createBillingReads } from './reads.js';
import { applyStoredWebhooks, receiveWebhookEvent } from './webhooks.js';
import { insertSubscription, setGatewayIds, setPlan } from './subscription-queries.js';
import { runBillingSweep } from './sweep.js';
import { findSubscription, lockSubscription, type Subscription } from './subscriptions.js';

export interface BillingDeps extends BillingRules {
  db: Db;
  gateways: Partial<Record<GatewayName, PaymentGateway>>;
  /** The gateway new checkouts use; null when none is configured (checkout is then unavailable). */
  checkoutGateway: GatewayName | null;
  publicUrl: string;
  now: Clock;
  renderInvoicePdf: RenderInvoicePdf;
  /** Billing emails: sent through the mailer port, in the publication's name, with copy from the catalog. */
  mailer: Mailer;
  copy: Copy;
  publication: string;
}

export interface PlanChangeQuote {
  when: 'now' | 'period-end';
  /** Minor units charged now (upgrade), after the credit. */
  charge: number;
  credit: number;
  plan: Plan;
}

export function createBillingService(deps: BillingDeps) {
  const gatewayFor = (name: GatewayName): PaymentGateway => {
    const gateway = deps.gateways[name];
    if (!gateway) throw new DomainError('no-gateway', `The ${name} gateway is not configured.`);
    return gateway;
  };

  async function owned(user: User, subscriptionId: number): Promise<Subscription> {
    const sub = await findSubscription(deps.db, subscriptionId);
    // Another reader's subscription is "not found", never "forbidden": its existence is not disclosed.
    if (!sub || sub.userId !== user.id) throw new DomainError('not-found', 'There is no such subscription on your account.');
    return sub;
  }

  /** Applies a reader's request to the locked subscription; a request the state machine refuses is an expected outcome. */
  async function lifecycle(sub: Subscription, event: Parameters<typeof applyLifecycle>[2]): Promise<Result<void>> {
    const result = await deps.db.transaction().execute(async (tx) => {
      const locked = await lockSubscription(tx, sub.id);
      if (!locked) throw new DomainError('not-found', 'There is no such subscription.');
      return applyLifecycle(tx, locked, event, deps.now(), deps.graceDays);
    });
    return result.ok ? ok(undefined) : fail('invalid-transition', result.reason);
  }

  /** Whether the upgrade's charge was already declined: the waiting plan was dropped and the old one kept. */
  async function upgradeDeclined(before: Subscription): Promise<boolean> {
    const after = await findSubscription(deps.db, before.id);
    return !!after && after.nextPlanId === null && after.planId === before.planId;
  }

  const reads = createBillingReads(deps);

  const service = {
    ...reads,

    /** One of the reader's own subscriptions (never another reader's). */
    owned,

    /** Whether the reader may start a checkout now: the refusals `startCheckout` would make, before any form is filled in. */
    async checkoutAvailability(userId: number): Promise<Result<void>> {
      if (!deps.checkoutGateway) return fail('no-gateway', 'Subscriptions are not on sale yet.');
      if (await reads.current(userId)) {
        return fail('already-subscribed', 'You already have a subscription. Change your plan from your subscription page.');
      }
      return ok(undefined);
    },

    /** Starts checkout: a subscription awaiting payment, and where to send the buyer. */
    async startCheckout(user: User, planSlug: string): Promise<{ subscriptionId: number; start: CheckoutStart }> {
      if (!deps.checkoutGateway)
        throw new DomainError('no-gateway', 'Subscriptions are not on sale yet: no payment gateway is configured.');
      const plan = await findActivePlanBySlug(deps.db, planSlug);
      if (!plan) throw new DomainError('unknown-plan', 'There is no such plan.');
      if (await reads.current(user.id))
        throw new DomainError('already-subscribed', 'You already have a subscription. Change your plan from your account page.');
      const gateway = gatewayFor(deps.checkoutGateway);
      const subscriptionId = await insertSubscription(deps.db, {
        userId: user.id,
        planId: plan.id,
        gateway: gateway.name,
        now: deps.now(),
      });
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
    },

    /** Applies verified webhook events. Idempotent; safe in any order. */
    applyEvents(gateway: GatewayName, events: BillingEvent[]): Promise<string[]> {
      return deps.db.transaction().execute((tx) => applyBillingEvents(tx, gateway, events, deps.now(), deps));
    },

    /** A verified webhook from a gateway: stored once per event id, then applied (through `applyEvents`). */
    receiveWebhookEvent(gateway: GatewayName, received: { eventId: string; eventType: string; events: BillingEvent[] }) {
      return receiveWebhookEvent(deps.db, { gateway, ...received }, (g, events) => service.applyEvents(g, events), deps.now);
    },

    /** The periodic sweep: notices, renewals, reconciliation, dunning and expiry (the billing sweep job). */
    runSweep: (): Promise<void> => runBillingSweep(deps),

    /** Sends one billing email (the billing email job). */
    sendEmail(job: BillingEmailJob): Promise<void> {
      return sendBillingEmail({ ...deps, paymentMethodUpdateUrl: (sub) => service.paymentMethodUpdateUrl(sub) }, job);
    },

    /** Applies again the stored webhooks whose processing failed (the billing sweep job). */
    applyStoredWebhooks(): Promise<void> {
      return applyStoredWebhooks(deps.db, (g, events) => service.applyEvents(g, events), deps.now);
    },

    /** Cancel anytime: the subscription runs to the end of the paid term; the reader can undo it until then. */
    async cancel(user: User, subscriptionId: number): Promise<Result<void>> {
      const sub = await owned(user, subscriptionId);
      const gateway = gatewayFor(sub.gateway);
      if (sub.gatewaySubscriptionId && sub.status === 'active' && !sub.cancelAtPeriodEnd && !gateway.finalCancellation) {
        await gateway.setCancelAtPeriodEnd(sub.gatewaySubscriptionId, true);
      }
      // A past-due subscription ends at once: the gateway must stop retrying, or a late retry would charge the reader.
      if (sub.gatewaySubscriptionId && sub.status === 'past-due') await gateway.cancelNow(sub.gatewaySubscriptionId);
      return lifecycle(sub, { type: 'cancel-at-period-end', at: deps.now() });
    },

    async undoCancel(user: User, subscriptionId: number): Promise<Result<void>> {
      const sub = await owned(user, subscriptionId);
      if (!sub.cancelAtPeriodEnd) return ok(undefined);
      // Refuse before telling the gateway: an ended subscription must not have its gateway side revived.
      const check = transition(sub, { type: 'undo-cancel', at: deps.now() });
      if (!check.ok) return fail('invalid-transition', check.reason);
      const gateway = gatewayFor(sub.gateway);
      if (gateway.finalCancellation) {
        if (await noticeSentAt(deps.db, sub, 'gateway-cancel')) {
          return fail(
            'invalid-transition',
            'Your cancellation has already gone to the payment gateway and cannot be undone; you can subscribe again when the period ends.',
          );
        }
      } else if (sub.gatewaySubscriptionId) {
        await gateway.setCancelAtPeriodEnd(sub.gatewaySubscriptionId, false);
      }
      return lifecycle(sub, { type: 'undo-cancel', at: deps.now() });
    },

    /**
     * What changing to `next` would do now, without doing it: a dearer plan starts at once, with the unused
     * part of the last payment credited against its price; a cheaper one takes over at the next renewal.
     * The account page shows this quote and `changePlan` charges exactly it.
     */
    async quoteChange(sub: Subscription, current: Plan, next: Plan): Promise<PlanChangeQuote> {
      if (next.price.minor <= current.price.minor) return { when: 'period-end', charge: 0, credit: 0, plan: next };
      const [last] = await listSubscriptionPayments(deps.db, sub.id);
      const credit = last ? unusedCredit(last.amountMinor - last.refundedMinor, last.periodStart, last.periodEnd, deps.now()) : 0;
      return { when: 'now', charge: Math.max(0, next.price.minor - credit), credit, plan: next };
    },

    /**
     * Plan change. The new plan waits in `nextPlanId` until it is paid for: an upgrade's charge takes it
     * over at once (a declined one drops it), a downgrade takes over at the next renewal. A gateway that
     * answers the upgrade's charge at once (the test gateway) may decline it: the reader is told, and stays.
     */
    async changePlan(user: User, subscriptionId: number, planSlug: string): Promise<Result<PlanChangeQuote>> {
      const sub = await owned(user, subscriptionId);
      if (sub.status !== 'active' || !sub.gatewaySubscriptionId)
        return fail('invalid-transition', 'Only an active subscription can change plan.');
      const [current, next] = await Promise.all([findPlan(deps.db, sub.planId), findActivePlanBySlug(deps.db, planSlug)]);
      if (!current || !next) return fail('unknown-plan', 'There is no such plan.');
      const gateway = gatewayFor(sub.gateway);
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
      const quote = await this.quoteChange(sub, current, next);
      await setPlan(deps.db, sub.id, sub.planId, next.id);
      const chargeNow = quote.when === 'now' ? { minor: quote.charge, currency: next.price.currency } : null;
      await gateway.changePlan({
        gatewaySubscriptionId: sub.gatewaySubscriptionId,
        plan: next,
        when: quote.when,
        chargeNow,
        subscriptionId: sub.id,
      });
      if (quote.when === 'now' && (await upgradeDeclined(sub))) {
        return fail(
          'invalid-transition',
          `The payment for ${next.name} was declined, so nothing was charged and you stay on ${current.name}. Update your payment method and try again.`,
        );
      }
      return ok(quote);
    },

    /**
     * Admin refund, full or partial, through the gateway; recorded at once with its credit note. More than
     * is left to refund (a second refund racing this one included) is refused before the gateway is asked.
     */
    async refund(paymentId: number, amountMinor: number, reason: string): Promise<Result<void>> {
      const payment = await findPayment(deps.db, paymentId);
      if (!payment) return fail('not-found', 'There is no such payment.');
      const refundable = payment.amountMinor - payment.refundedMinor;
      const invalid = () => fail('invalid-amount', `The refund must be between 1 paisa and the ${refundable} paise not yet refunded.`);
      if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > refundable) return invalid();
      // Held before the gateway is asked, released once its answer is recorded (or it fails).
      if (!(await reserveRefund(deps.db, payment.id, amountMinor))) return invalid();
      try {
        const { gatewayRefundId } = await gatewayFor(payment.gateway).refund({
          gatewayPaymentId: payment.gatewayPaymentId,
          amount: { minor: amountMinor, currency: payment.currency },
          reason,
        });
        await deps.db
          .transaction()
          .execute((tx) => recordRefund(tx, payment.id, payment.subscriptionId, gatewayRefundId, amountMinor, reason, deps.now(), deps));
      } finally {
        await releaseRefundReservation(deps.db, payment.id, amountMinor);
      }
      const sub = await findSubscription(deps.db, payment.subscriptionId);
      if (sub?.status === 'refunded' && sub.gatewaySubscriptionId)
        await gatewayFor(sub.gateway)
          .cancelNow(sub.gatewaySubscriptionId)
          .catch(() => undefined);
      return ok(undefined);
    },

    /** Where the reader can update the payment method, if the gateway offers a page. */
    async paymentMethodUpdateUrl(sub: Subscription): Promise<string | null> {
      if (!sub.gatewaySubscriptionId) return null;
      return gatewayFor(sub.gateway).paymentMethodUpdateUrl({
        gatewaySubscriptionId: sub.gatewaySubscriptionId,
        gatewayCustomerId: sub.gatewayCustomerId,
        returnUrl: `${deps.publicUrl}/account/subscription`,
      });
    },
  };
  return service;
}

export type BillingService = ReturnType<typeof createBillingService>;
