import { findGatewayPlanId, saveGatewayPlanId } from '../../domain/billing/plan-queries.js';
import type { GatewayName, PaymentGateway } from '../../domain/billing/gateway.js';
import type { TestGatewayPages } from '../../domain/billing/test-gateway-pages.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Db } from '../../domain/ports/database.js';
import type { GatewayPlanIdStore } from './gateway-plan-ids.js';
import { createTestGateway } from './test-gateway.js';

/** What the configured payment gateways need, as plain values (the composition root reads them from the config). */
export interface PaymentGatewayOptions {
  db: Db;
  /** The gateway new checkouts use; the test gateway is built only when it is this one. */
  checkoutGateway: GatewayName | null;
  razorpay: { keyId: string; keySecret: string; webhookSecret: string; apiUrl: string | null } | null;
  stripe: { secretKey: string; webhookSecret: string; apiUrl: string | null } | null;
  publicUrl: string;
  /** The publisher's time zone as it is now: the test gateway counts terms on its calendar, as billing does. */
  timeZone: () => string;
  /** The publication's name as it is now: shown on Razorpay's checkout. */
  publication: () => string;
  /**
   * Stripe's metadata tag for this publication's objects (events tagged with another are ignored): fixed when first
   * stored, so renaming the publication never makes its own subscriptions look foreign.
   */
  publicationTag: string;
  /** Signs the test gateway's webhooks. */
  testWebhookSecret: Buffer;
  now: Clock;
}

export interface PaymentGateways {
  gateways: Partial<Record<GatewayName, PaymentGateway>>;
  /** The test gateway's hosted pages, when it is on. */
  testGateway: TestGatewayPages | null;
  /** The Razorpay checkout callback check, when Razorpay is configured. */
  verifyRazorpayCheckout: ((input: { paymentId: string; subscriptionId: string; signature: string }) => boolean) | null;
  /** Connects the test gateway's webhook delivery to the running app (set once the app exists). */
  connectWebhooks(deliver: (rawBody: string, headers: Record<string, string>) => Promise<void>): void;
}

/** The gateway's plan ids in the table the plans editor shows (`gateway_plans`). */
const storedIn = (db: Db, gateway: GatewayName): GatewayPlanIdStore => ({
  get: (planId, priceMinor) => findGatewayPlanId(db, gateway, planId, priceMinor),
  put: (planId, priceMinor, gatewayPlanId) => saveGatewayPlanId(db, gateway, planId, priceMinor, gatewayPlanId),
});

/**
 * Builds the configured gateways: the built-in test gateway, Razorpay and Stripe, each only when configured. A
 * gateway's SDK is loaded only then: a site that does not take its payments neither loads nor holds it.
 */
export async function createPaymentGateways(options: PaymentGatewayOptions): Promise<PaymentGateways> {
  const { db } = options;
  const gateways: Partial<Record<GatewayName, PaymentGateway>> = {};
  let deliver: (rawBody: string, headers: Record<string, string>) => Promise<void> = async () => {
    throw new Error('test gateway webhooks are not connected yet');
  };
  let testGateway: TestGatewayPages | null = null;
  if (options.checkoutGateway === 'test') {
    const test = createTestGateway({
      db,
      secret: options.testWebhookSecret,
      publicUrl: options.publicUrl,
      timeZone: options.timeZone,
      now: options.now,
      deliver: (raw, headers) => deliver(raw, headers),
    });
    gateways.test = test.gateway;
    testGateway = test.hosted;
  }
  let verifyRazorpayCheckout: PaymentGateways['verifyRazorpayCheckout'] = null;
  if (options.razorpay) {
    const { createRazorpayGateway } = await import('./razorpay.js');
    const razorpay = createRazorpayGateway({
      keyId: options.razorpay.keyId,
      keySecret: options.razorpay.keySecret,
      webhookSecret: options.razorpay.webhookSecret,
      apiBaseUrl: options.razorpay.apiUrl ?? undefined,
      publication: options.publication,
      callbackUrl: `${options.publicUrl}/checkout/razorpay/callback`,
      planIds: storedIn(db, 'razorpay'),
    });
    gateways.razorpay = razorpay;
    verifyRazorpayCheckout = (input) => razorpay.verifyCheckoutSignature(input);
  }
  if (options.stripe) {
    const { createStripeGateway, stripeApiBase } = await import('./stripe.js');
    gateways.stripe = createStripeGateway({
      secretKey: options.stripe.secretKey,
      webhookSecret: options.stripe.webhookSecret,
      publication: options.publicationTag,
      apiBase: stripeApiBase(options.stripe.apiUrl),
      priceIds: storedIn(db, 'stripe'),
    });
  }
  return {
    gateways,
    testGateway,
    verifyRazorpayCheckout,
    connectWebhooks(fn) {
      deliver = fn;
    },
  };
}
