import type { Money } from './money.js';
import type { Plan } from './plans.js';

/**
 * The payment-gateway port. Implemented by the built-in test gateway, Razorpay and Stripe
 * (src/adapters/payments/). Domain code speaks only this language; vendor objects never leave the adapter.
 */
export type GatewayName = 'test' | 'razorpay' | 'stripe';

/** Each gateway as staff and readers are told its name. */
export const GATEWAY_NAMES: Readonly<Record<GatewayName, string>> = { test: 'the test gateway', razorpay: 'Razorpay', stripe: 'Stripe' };

export interface CheckoutRequest {
  /** Our subscription id: the gateway echoes it back (notes / metadata / client_reference_id). */
  subscriptionId: number;
  plan: Plan;
  customer: { userId: number; email: string; name: string };
  /** Where the buyer comes back after paying or abandoning. Contains our subscription id. */
  returnUrl: string;
  cancelUrl: string;
}

export interface CheckoutStart {
  /**
   * Where to send the buyer's browser: the gateway's hosted page (an origin in `checkoutOrigins`), a path on
   * this site (the test gateway), or null when `checkoutForm` must be rendered (Razorpay Checkout).
   */
  redirectUrl: string | null;
  /** Gateway's subscription id when known at this point (Razorpay creates it up front). */
  gatewaySubscriptionId: string | null;
  gatewayCustomerId: string | null;
  /** Gateway's checkout session id (Stripe), for reconciliation. */
  gatewayCheckoutId: string | null;
  /** Parameters for an embedded checkout script (Razorpay: key, subscription_id, …). */
  checkoutForm: Record<string, string> | null;
}

/** A one-time payment (a gift): no mandate, no renewal. The gateway echoes `reference` back in its payment event. */
export interface OneTimePaymentRequest {
  /** Our reference for what is paid for (`gift:<id>`), carried in the gateway's notes / metadata. */
  reference: string;
  /** What the buyer sees on the gateway's page, e.g. "Gift: Smart Quarterly (3 months)". */
  description: string;
  amount: Money;
  customer: { userId: number; email: string; name: string };
  /** Where the buyer comes back after paying or abandoning. */
  returnUrl: string;
  cancelUrl: string;
}

export interface OneTimePaymentStart {
  /** The gateway's hosted page (an origin in `checkoutOrigins`) or a path on this site (the test gateway). */
  redirectUrl: string;
  /** The gateway's order / checkout session id, kept for reconciliation. */
  gatewayOrderId: string;
}

/** What happened at the gateway, normalised. Every event names the gateway's ids so it can be matched. */
export type BillingEvent =
  | {
      type: 'checkout-completed';
      subscriptionId: number;
      gatewaySubscriptionId: string;
      gatewayCustomerId: string | null;
      occurredAt: Date;
    }
  | {
      type: 'payment-captured';
      /** Our subscription id when the gateway carries it (notes/metadata); otherwise matched by gateway id. */
      subscriptionId: number | null;
      gatewaySubscriptionId: string;
      gatewayPaymentId: string;
      amount: Money;
      /** The paid period, when the gateway says it; else the domain extends by the plan's term. */
      periodStart: Date | null;
      periodEnd: Date | null;
      /** "Visa •••• 4242", "UPI AutoPay (name@bank)": as the gateway describes the method. */
      paymentMethod: string | null;
      occurredAt: Date;
    }
  | {
      /** A one-time payment (`startOneTimePayment`) was captured. */
      type: 'one-time-payment-captured';
      /** The reference we gave (`gift:<id>`). */
      reference: string;
      gatewayOrderId: string;
      gatewayPaymentId: string;
      amount: Money;
      paymentMethod: string | null;
      occurredAt: Date;
    }
  | {
      type: 'payment-failed';
      subscriptionId: number | null;
      gatewaySubscriptionId: string;
      gatewayPaymentId: string | null;
      reason: string;
      occurredAt: Date;
    }
  | {
      /** The gateway will not renew it any more (cancelled, completed); what was paid for still runs out. */
      type: 'subscription-ended';
      subscriptionId: number | null;
      gatewaySubscriptionId: string;
      occurredAt: Date;
    }
  | {
      /** A subscription whose renewal had failed is active again at the gateway (Razorpay `halted` → `active`). */
      type: 'subscription-reactivated';
      subscriptionId: number | null;
      gatewaySubscriptionId: string;
      /** The gateway's current cycle, which it will charge from now on. */
      periodStart: Date;
      periodEnd: Date;
      occurredAt: Date;
    }
  | {
      /** Renewals paused (`subscription-paused`) or resumed at the gateway, by the publisher or the payer. */
      type: 'subscription-paused' | 'subscription-resumed';
      subscriptionId: number | null;
      gatewaySubscriptionId: string;
      occurredAt: Date;
    }
  | {
      type: 'payment-method-changed';
      subscriptionId: number | null;
      gatewaySubscriptionId: string;
      /** As the gateway describes the new method. */
      paymentMethod: string;
      occurredAt: Date;
    }
  | {
      type: 'refund-processed';
      gatewayPaymentId: string;
      gatewayRefundId: string;
      amount: Money;
      /** The reason given when the refund was asked for, when the gateway carries it back. */
      reason?: string | undefined;
      occurredAt: Date;
    }
  | {
      /** A refund reported earlier (or not yet) failed at the gateway: the money stayed with the publisher. */
      type: 'refund-failed';
      gatewayPaymentId: string;
      gatewayRefundId: string;
      amount: Money;
      reason: string;
      occurredAt: Date;
    }
  | {
      /** The reader's bank disputed a payment (a chargeback); `outcome` is set once the dispute is closed. */
      type: 'payment-disputed';
      gatewayPaymentId: string;
      gatewayDisputeId: string;
      amount: Money;
      reason: string;
      outcome: 'open' | 'won' | 'lost';
      occurredAt: Date;
    }
  | {
      /** The bank asks the reader to confirm a charge (3-D Secure, e-mandate authentication) on `url`. */
      type: 'payment-action-required';
      subscriptionId: number | null;
      gatewaySubscriptionId: string;
      gatewayPaymentId: string;
      url: string;
      occurredAt: Date;
    }
  | {
      /** Cancel-at-period-end switched on or off at the gateway (its customer portal or dashboard). */
      type: 'cancel-scheduled';
      subscriptionId: number | null;
      gatewaySubscriptionId: string;
      cancelAtPeriodEnd: boolean;
      occurredAt: Date;
    }
  | {
      /** The price was changed at the gateway, not through Masthead: only noted in the webhook log. */
      type: 'price-changed-at-gateway';
      subscriptionId: number | null;
      gatewaySubscriptionId: string;
      gatewayPriceId: string;
      occurredAt: Date;
    };

/**
 * The gateway would not move this subscription to another plan, for a reason the reader can act on (Razorpay
 * updates no subscription paid by UPI or e-mandate, and only the offer of one paid by a domestic card). The
 * plan can then be changed only by a new subscription, which the reader authorises.
 */
export interface PlanChangeRefused {
  refused: 'payment-method';
  /** The gateway's own words, for the log. */
  message: string;
}

export type WebhookParse =
  | { ok: true; eventId: string; eventType: string; events: BillingEvent[] }
  | { ok: false; reason: 'bad-signature' | 'stale' | 'malformed'; message: string };

/** The gateway's own view of a subscription, for reconciliation. */
export interface GatewaySubscriptionState {
  status: 'pending' | 'active' | 'past-due' | 'cancelled' | 'ended';
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /** Captured payments the gateway knows for this subscription, newest first (at most a few). */
  payments: Extract<BillingEvent, { type: 'payment-captured' }>[];
}

export interface PaymentGateway {
  readonly name: GatewayName;
  /**
   * True when a scheduled cancellation cannot be undone at the gateway (Razorpay). The gateway is told when the
   * reader cancels (a failed call is sent again by the sweep), and the reader cannot undo it.
   */
  readonly finalCancellation?: boolean;
  /**
   * True for a gateway that charges a renewal only when asked (`requestRenewal`: the test gateway). Others
   * charge on their own schedule, and a renewal they have not reported yet is still in flight until
   * `RENEWAL_CONFIRMATION_MS` after the period end.
   */
  readonly renewsOnRequest?: boolean;
  /**
   * The origins of the hosted pages `startCheckout` sends the reader to. The checkout form's page allows
   * them as form targets (CSP `form-action`): a browser checks every redirect after a form is sent, so
   * without them the hand-off to the gateway is blocked.
   */
  readonly checkoutOrigins?: readonly string[];
  /**
   * The gateway's own plan for `plan` at its current price (a Razorpay plan, a Stripe Price), with its id: the one
   * stored for that price (table `gateway_plans`), else created through the gateway's API and stored. Checkout and
   * plan changes use the same one. A gateway that charges without plans of its own (the test gateway) has none.
   */
  preparePlan?(plan: Plan): Promise<string>;
  startCheckout(request: CheckoutRequest): Promise<CheckoutStart>;
  /**
   * Starts a one-time payment (a gift): no mandate, nothing renews. Its capture arrives as a
   * `one-time-payment-captured` event. A gateway without it cannot sell gifts, and the site offers none.
   */
  startOneTimePayment?(request: OneTimePaymentRequest): Promise<OneTimePaymentStart>;
  /** Verifies the signature on the raw body (never re-serialised JSON) and normalises the event. */
  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>, now: Date): WebhookParse;
  /**
   * For gateways that do not charge the mandate on their own schedule (the test gateway), asks for the
   * renewal charge; the outcome arrives as a webhook. Razorpay and Stripe charge automatically: no-op.
   */
  requestRenewal(input: { gatewaySubscriptionId: string; amount: Money; subscriptionId: number; periodEnd: Date }): Promise<void>;
  /** Cancel at period end (true) or undo that (false). */
  setCancelAtPeriodEnd(gatewaySubscriptionId: string, cancel: boolean): Promise<void>;
  /** Ends the gateway subscription now (after a full refund, or when it expired on our side). */
  cancelNow(gatewaySubscriptionId: string): Promise<void>;
  /**
   * Closes what a checkout that was never paid left at the gateway (the test gateway's hosted checkout,
   * Razorpay's created subscription, Stripe's checkout session), so a late payment cannot revive it.
   * Closing something already closed is not an error.
   */
  cancelCheckout(ids: { gatewaySubscriptionId: string | null; gatewayCheckoutId: string | null }): Promise<void>;
  /**
   * The same checkout again, when it can still be paid (a second "Subscribe" press, another tab); null when
   * it cannot, and then the domain closes it and starts a new one. Gateways without it always start anew.
   */
  resumeCheckout?(
    request: CheckoutRequest & { gatewaySubscriptionId: string | null; gatewayCheckoutId: string | null },
  ): Promise<CheckoutStart | null>;
  /**
   * Moves the gateway subscription to another plan: at once with `chargeNow` (upgrade), or from the next renewal.
   * Resolves with nothing once the gateway took the change, or with a refusal it documents (an expected outcome).
   */
  changePlan(input: {
    gatewaySubscriptionId: string;
    plan: Plan;
    when: 'now' | 'period-end';
    chargeNow: Money | null;
    subscriptionId: number;
    // `void`: a gateway that never refuses (the test gateway, Stripe) keeps its plain `Promise<void>`.
    // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  }): Promise<void | PlanChangeRefused>;
  refund(input: { gatewayPaymentId: string; amount: Money; reason: string }): Promise<{ gatewayRefundId: string }>;
  /**
   * The id our payment carries (`gatewayPaymentId`) for another id of the same payment at the gateway
   * (Stripe: the PaymentIntent or Charge a Dashboard refund or a dispute names); null when it is none of ours.
   */
  resolvePaymentId?(reference: string): Promise<string | null>;
  /**
   * What the gateway will really charge now for an immediate move to `plan` (its own proration), when it can
   * say; `changePlan` then charges exactly this. Gateways without it are charged our own quote.
   */
  previewPlanChange?(input: { gatewaySubscriptionId: string; plan: Plan }): Promise<{ charge: Money; credit: Money } | null>;
  fetchSubscription(gatewaySubscriptionId: string): Promise<GatewaySubscriptionState>;
  /**
   * For gateways whose subscription id is only known once checkout completes (Stripe): the subscription a
   * completed checkout created, so a lost `checkout completed` webhook can be repaired; null while unpaid.
   */
  findCheckoutSubscription?(gatewayCheckoutId: string): Promise<{ gatewaySubscriptionId: string; gatewayCustomerId: string | null } | null>;
  /** A page where the reader updates the payment method (Stripe portal, Razorpay subscription link), if any. */
  paymentMethodUpdateUrl(input: {
    gatewaySubscriptionId: string;
    gatewayCustomerId: string | null;
    returnUrl: string;
  }): Promise<string | null>;
}

/** A gateway with plans of its own, made through its API (`preparePlan`). */
export type PlanMakingGateway = PaymentGateway & Required<Pick<PaymentGateway, 'preparePlan'>>;

export const makesPlans = (gateway: PaymentGateway | undefined): gateway is PlanMakingGateway => gateway?.preparePlan !== undefined;
