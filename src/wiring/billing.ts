import type { Database } from '../adapters/db/legacy.js';
import { createRazorpayGateway } from '../adapters/payments/razorpay.js';
import { createStripeGateway, stripeApiBase } from '../adapters/payments/stripe.js';
import { createTestGateway } from '../adapters/payments/test-gateway.js';
import { renderInvoicePdf } from '../adapters/pdf/invoice-pdf.js';
import type { Config } from '../config/config.js';
import type { Keys } from '../config/secret.js';
import type { Enqueue } from '../domain/billing/events.js';
import type { GatewayName, PaymentGateway } from '../domain/billing/gateway.js';
import { findGatewayPlanId, saveGatewayPlanId } from '../domain/billing/plan-queries.js';
import type { FindReader } from '../domain/billing/readers.js';
import type { TestGatewayPages } from '../domain/billing/test-gateway-pages.js';
import { createBillingService, type BillingDeps, type BillingService } from '../domain/billing/service.js';
import { enqueueJob } from '../jobs/queries.js';
import type { Billing } from '../context.js';

/** Builds the configured gateways and the billing service. */
export function createBilling(
  config: Config,
  db: Database,
  keys: Keys,
  publication: string,
  now: () => Date,
  findReader: FindReader,
): Billing {
  const gateways: Partial<Record<GatewayName, PaymentGateway>> = {};
  let deliver: (rawBody: string, headers: Record<string, string>) => Promise<void> = async () => {
    throw new Error('test gateway webhooks are not connected yet');
  };
  let testGateway: TestGatewayPages | null = null;
  if (config.paymentGateway === 'test') {
    const test = createTestGateway({
      db,
      secret: keys.webhook,
      publicUrl: config.publicUrl,
      now,
      deliver: (raw, headers) => deliver(raw, headers),
    });
    gateways.test = test.gateway;
    testGateway = test.hosted;
  }
  let verifyRazorpayCheckout: Billing['verifyRazorpayCheckout'] = null;
  if (config.razorpay) {
    const razorpay = createRazorpayGateway({
      keyId: config.razorpay.keyId,
      keySecret: config.razorpay.keySecret,
      webhookSecret: config.razorpay.webhookSecret,
      apiBaseUrl: config.razorpay.apiUrl ?? undefined,
      publication,
      callbackUrl: `${config.publicUrl}/checkout/razorpay/callback`,
      planIds: {
        get: (planId, priceMinor) => findGatewayPlanId(db, 'razorpay', planId, priceMinor),
        put: (planId, priceMinor, gatewayPlanId) => saveGatewayPlanId(db, 'razorpay', planId, priceMinor, gatewayPlanId),
      },
    });
    gateways.razorpay = razorpay;
    verifyRazorpayCheckout = (input) => razorpay.verifyCheckoutSignature(input);
  }
  if (config.stripe) {
    gateways.stripe = createStripeGateway({
      secretKey: config.stripe.secretKey,
      webhookSecret: config.stripe.webhookSecret,
      publication,
      apiBase: stripeApiBase(config.stripe.apiUrl),
    });
  }
  const enqueue: Enqueue = async (tx, job) => {
    await enqueueJob(tx, { kind: job.kind, payload: job.payload, uniqueKey: job.uniqueKey, runAt: job.runAt ?? now(), now: now() });
  };
  const deps: BillingDeps = {
    db,
    gateways,
    checkoutGateway: config.paymentGateway,
    publicUrl: config.publicUrl,
    now,
    graceDays: config.graceDays,
    enqueue,
    findReader,
    renderInvoicePdf: (invoice) => renderInvoicePdf(invoice),
  };
  return {
    service: createBillingService(deps),
    deps,
    gateways,
    testGateway,
    verifyRazorpayCheckout,
    connectWebhooks(fn) {
      deliver = fn;
    },
  };
}
