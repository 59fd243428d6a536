import type { Database, Queryable } from '../adapters/db/legacy.js';
import { createRazorpayGateway } from '../adapters/payments/razorpay.js';
import { createStripeGateway, stripeApiBase } from '../adapters/payments/stripe.js';
import { createTestGateway, type TestGatewayHosted } from '../adapters/payments/test-gateway.js';
import type { Config } from '../config/config.js';
import type { Keys } from '../config/secret.js';
import type { Enqueue } from '../domain/billing/events.js';
import type { GatewayName, PaymentGateway } from '../domain/billing/gateway.js';
import { DEFAULT_SUPPLIER, type SupplierDetails } from '../domain/billing/invoices.js';
import { createBillingService, type BillingDeps, type BillingService } from '../domain/billing/service.js';
import { enqueueJob } from '../jobs/queries.js';
import type { Billing } from '../context.js';

/** Supplier details for invoices: the `supplier` setting, else the demo's invented company. */
async function loadSupplier(db: Queryable): Promise<SupplierDetails> {
  const { rows } = await db.query<{ value: Partial<SupplierDetails> }>("select value from settings where key = 'supplier'");
  return { ...DEFAULT_SUPPLIER, ...(rows[0]?.value ?? {}) };
}

/** Builds the configured gateways and the billing service. */
export function createBilling(config: Config, db: Database, keys: Keys, publication: string, now: () => Date): Billing {
  const gateways: Partial<Record<GatewayName, PaymentGateway>> = {};
  let deliver: (rawBody: string, headers: Record<string, string>) => Promise<void> = async () => {
    throw new Error('test gateway webhooks are not connected yet');
  };
  let testGateway: TestGatewayHosted | null = null;
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
        async get(planId, priceMinor) {
          const { rows } = await db.query<{ gateway_plan_id: string }>(
            "select gateway_plan_id from gateway_plans where gateway = 'razorpay' and plan_id = $1 and price_minor = $2",
            [planId, priceMinor],
          );
          return rows[0]?.gateway_plan_id ?? null;
        },
        async put(planId, priceMinor, gatewayPlanId) {
          await db.query(
            "insert into gateway_plans (gateway, plan_id, price_minor, gateway_plan_id) values ('razorpay', $1, $2, $3) on conflict do nothing",
            [planId, priceMinor, gatewayPlanId],
          );
        },
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
    supplier: loadSupplier,
    enqueue,
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
