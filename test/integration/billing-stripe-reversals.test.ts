import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { User } from '../../src/domain/accounts/model.js';
import { addTerm } from '../../src/domain/billing/lifecycle.js';
import { sessionCookie } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { modelStripe } from '../support/fake-stripe-model.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { stripeEvent, stripeSample } from '../support/stripe-fixtures.js';
import { DAY, T0, startBilling, type Harness } from './billing-harness.js';

const SECRET = 'whsec_masthead_reversals';
const t = Math.floor(new Date(T0).getTime() / 1000);
const periodEnd = Math.floor(addTerm(new Date(T0), { count: 3, unit: 'month' }).getTime() / 1000);

/**
 * What Stripe reports after a payment: refunds made in the Dashboard, refunds that fail, disputes, charges
 * the bank wants confirmed, Customer Portal cancellations and the real price of an upgrade. Webhooks start
 * from Stripe's sample objects (test/fixtures/stripe/) and go through the real endpoint, signed.
 */
describeEachEngine('Stripe refunds, disputes and changes made at Stripe', (get) => {
  let smtp: TestSmtpServer;
  let api: FakeStripe;
  let h: Harness;
  let stripe: ReturnType<typeof modelStripe>;
  let n = 0;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    api = await startFakeStripe();
  });
  afterAll(async () => {
    await smtp.close();
    await api.close();
  });
  afterEach(() => h.close());

  async function start() {
    h = await startBilling(get(), smtp, {
      env: {
        MASTHEAD_PAYMENT_GATEWAY: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_masthead',
        STRIPE_WEBHOOK_SECRET: SECRET,
        STRIPE_API_URL: `http://127.0.0.1:${api.apiBase.port}`,
      },
    });
    api.reset();
    stripe = modelStripe(api, h.clock.now);
    api.on('POST', /^\/v1\/checkout\/sessions$/, () => ({
      body: { id: `cs_test_${++n}`, object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs', customer: null },
    }));
  }

  /** Delivers Stripe events as Stripe signs them; each must be acknowledged. */
  async function deliver(...events: Record<string, unknown>[]) {
    for (const event of events) {
      const payload = JSON.stringify(event, null, 2);
      const timestamp = Math.floor(h.clock.now().getTime() / 1000);
      const res = await h.app.inject({
        method: 'POST',
        url: '/webhooks/stripe',
        payload,
        headers: {
          'content-type': 'application/json',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp }),
        },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
  }
  const logNote = async (eventId: unknown) =>
    (await h.db.query<{ last_error: string | null }>('select last_error from webhook_events where event_id = $1', [eventId])).rows[0]
      ?.last_error;

  /** `invoice.paid` for a subscription's period, shaped like the sample invoice (API 2025-03-31+: `parent`). */
  const invoicePaid = (invoice: string, gatewaySubscriptionId: string, metadata: object, start: number, end: number) =>
    stripeEvent(
      'invoice.paid',
      stripeSample('invoice', {
        id: invoice,
        status: 'paid',
        amount_paid: 90_000,
        amount_due: 90_000,
        currency: 'inr',
        subscription: null,
        status_transitions: { paid_at: start, finalized_at: start, marked_uncollectible_at: null, voided_at: null },
        parent: { type: 'subscription_details', subscription_details: { subscription: gatewaySubscriptionId, metadata } },
        lines: {
          object: 'list',
          has_more: false,
          data: [
            {
              id: `il_${invoice}`,
              parent: {
                type: 'subscription_item_details',
                subscription_item_details: { subscription: gatewaySubscriptionId, proration: false },
              },
              period: { start, end },
            },
          ],
        },
      }),
      { created: start },
    );

  /** A signed-in reader whose Stripe subscription `sub_<id>` is paid for a quarter by `in_<id>`. */
  async function subscribed() {
    const email = `stripe-${++n}-${Date.now().toString(36)}@example.in`;
    const password = 'a reader passphrase';
    const { user } = await provisionUser(get(), { email, role: 'reader', name: 'Asha Stripe', password }, h.clock.now());
    const { subscriptionId: id } = await h.ctx.billing.service.startCheckout(user, 'smart-quarterly');
    const metadata = { masthead_subscription_id: String(id), masthead_publication: h.ctx.site.publicationName };
    const invoice = `in_test${id}x${n}`;
    const gatewaySubscriptionId = `sub_test${id}x${n}`;
    const paid = stripe.paid(invoice, 90_000);
    await deliver(invoicePaid(invoice, gatewaySubscriptionId, metadata, t, periodEnd));
    const sub = stripeSample('subscription', {
      id: gatewaySubscriptionId,
      status: 'active',
      cancel_at_period_end: false,
      cancel_at: null,
      schedule: null,
      metadata,
      items: {
        object: 'list',
        data: [
          { id: `si_${id}`, quantity: 1, current_period_end: periodEnd, price: { id: 'price_checkout', object: 'price', metadata: {} } },
        ],
      },
    });
    api.on('GET', new RegExp(`^/v1/subscriptions/${gatewaySubscriptionId}$`), () => ({ body: sub }));
    api.on('DELETE', new RegExp(`^/v1/subscriptions/${gatewaySubscriptionId}$`), () => ({ body: { ...sub, status: 'canceled' } }));
    expect(await h.sub(id)).toMatchObject({ status: 'active', gatewaySubscriptionId });
    // Signed in afresh for each page: the clock may have moved past a session's life.
    const page = async (url: string) => {
      const cookie = await sessionCookie(h.ctx, email, password);
      const res = await h.app.inject({ url, headers: { cookie } });
      expect(res.statusCode).toBe(200);
      return res.body.replaceAll('&#39;', "'");
    };
    return { user, id, paid, sub, metadata, page };
  }

  const invoiceKinds = async (user: User) => (await h.invoices(user.id)).map((i) => [i.kind, i.totalMinor]);
  const payment = async (id: number) => (await h.payments(id))[0]!;

  it('a refund made in the Dashboard (naming the charge and PaymentIntent) is matched to the invoice it paid', async () => {
    await start();
    const { user, id, paid } = await subscribed();
    const { refund, events } = stripe.dashboardRefund(paid.invoice, 90_000);
    await deliver(...events); // pending: nothing yet
    expect((await payment(id)).refundedMinor).toBe(0);
    await deliver(...stripe.settle(refund.id as string, 'succeeded'));
    expect((await payment(id)).refundedMinor).toBe(90_000);
    expect(await invoiceKinds(user)).toEqual([
      ['invoice', 90_000],
      ['credit-note', 90_000],
    ]);
    expect((await h.sub(id)).status).toBe('refunded');
    expect(await h.entitlements(user.id)).toEqual([]);
    // The refund named the PaymentIntent; Stripe was asked which invoice it paid.
    expect(api.calls('GET', '/v1/invoice_payments')[0]?.query['payment[payment_intent]']).toEqual([paid.paymentIntent]);
  });

  it('a refund that names only the charge is matched through the charge', async () => {
    await start();
    const { id, paid } = await subscribed();
    const refund = stripeSample('refund', {
      id: 're_charge_only',
      amount: 30_000,
      currency: 'inr',
      charge: paid.charge,
      payment_intent: null,
    });
    await deliver(stripeEvent('refund.updated', refund, { created: t + 60 }));
    expect((await payment(id)).refundedMinor).toBe(30_000);
    expect(api.calls('GET', `/v1/charges/${paid.charge}`)).toHaveLength(1);
  });

  it('a refund that fails after it was recorded stops counting, gets a debit note, and gives access back; once', async () => {
    await start();
    const { user, id, page } = await subscribed();
    h.clock.advance(DAY);
    const { id: paymentId } = await payment(id);
    expect((await h.ctx.billing.service.refund(paymentId, 90_000, 'Reader asked')).ok).toBe(true);
    expect((await h.sub(id)).status).toBe('refunded');
    const [created] = api.calls('POST', '/v1/refunds');
    expect(created?.form.payment_intent).toMatch(/^pi_/);
    const refundId = (await h.db.query<{ id: string }>('select gateway_refund_id as id from refunds')).rows[0]!.id;
    expect(stripe.refund(refundId)).toMatchObject({ status: 'pending' }); // recorded at once, while Stripe still processes it
    const failed = stripe.settle(refundId, 'failed');
    await deliver(...failed);
    expect((await payment(id)).refundedMinor).toBe(0);
    const documents = await h.invoices(user.id);
    expect(documents.map((i) => [i.kind, i.totalMinor])).toEqual([
      ['invoice', 90_000],
      ['credit-note', 90_000],
      ['debit-note', 90_000],
    ]);
    const [invoice, credit, debit] = documents;
    expect(debit!.number).toMatch(/^DN\/\d{4}\/\d+$/);
    expect(debit!.original?.number).toBe(invoice!.number);
    expect(debit!.description).toContain(`Reverses credit note ${credit!.number}`);
    expect([debit!.taxableMinor, debit!.cgstMinor, debit!.sgstMinor, debit!.igstMinor]).toEqual([
      credit!.taxableMinor,
      credit!.cgstMinor,
      credit!.sgstMinor,
      credit!.igstMinor,
    ]);
    expect(await h.sub(id)).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, currentPeriodEnd: new Date(periodEnd * 1000) });
    expect(await h.entitlements(user.id)).toContain('premium');
    expect(await logNote(failed[1]!.id)).toBeNull(); // the second report of the same failure changed nothing
    expect(await logNote(failed[0]!.id)).toContain('debit note');
    expect(await page('/account/subscription')).toContain('Debit note');
    // Delivered again, or a stale "succeeded" for it: nothing changes.
    const before = await h.count('invoices');
    await deliver(stripeEvent('refund.updated', { ...stripe.refund(refundId), status: 'succeeded' }, { created: t }));
    expect([await h.count('invoices'), (await payment(id)).refundedMinor]).toEqual([before, 0]);
  });

  it('a refund that fails before it is recorded is kept as failed: a late "succeeded" never counts it', async () => {
    await start();
    const { id, paid } = await subscribed();
    const { refund } = stripe.dashboardRefund(paid.invoice, 90_000);
    const [updated, failed] = stripe.settle(refund.id as string, 'failed');
    await deliver(failed!);
    await deliver(stripeEvent('refund.updated', { ...refund, status: 'succeeded' }, { created: t }));
    expect((await payment(id)).refundedMinor).toBe(0);
    expect((await h.sub(id)).status).toBe('active');
    await deliver(updated!);
    expect(await h.count('invoices')).toBe(1);
  });

  it('a dispute shows on the admin payments page; lost, it ends access with a credit note; won, nothing changes', async () => {
    await start();
    const lost = await subscribed();
    const won = await subscribed();
    await deliver(stripe.dispute(lost.paid.invoice, 'needs_response'), stripe.dispute(won.paid.invoice, 'needs_response'));
    const payments = await h.ctx.billing.service.recentPayments();
    expect(payments.map((p) => p.dispute?.status)).toEqual(['open', 'open']);
    const adminEmail = `admin-${++n}@example.in`;
    await provisionUser(get(), { email: adminEmail, role: 'admin', name: 'Admin', password: 'an admin passphrase' }, h.clock.now());
    const adminPage = await h.app.inject({
      url: '/admin/payments',
      headers: { cookie: await sessionCookie(h.ctx, adminEmail, 'an admin passphrase') },
    });
    expect(adminPage.body.match(/Disputed by the bank \(fraudulent\)/g)).toHaveLength(2);
    expect((await h.sub(lost.id)).status).toBe('active');

    await deliver(stripe.dispute(lost.paid.invoice, 'lost'), stripe.dispute(won.paid.invoice, 'won'));
    expect(await invoiceKinds(lost.user)).toEqual([
      ['invoice', 90_000],
      ['credit-note', 90_000],
    ]);
    expect((await h.sub(lost.id)).status).toBe('refunded');
    expect(await h.entitlements(lost.user.id)).toEqual([]);
    expect(await invoiceKinds(won.user)).toEqual([['invoice', 90_000]]);
    expect((await h.sub(won.id)).status).toBe('active');
    // A late "created" never reopens a closed dispute; a repeat "lost" refunds nothing twice.
    await deliver(stripe.dispute(lost.paid.invoice, 'needs_response'), stripe.dispute(lost.paid.invoice, 'lost'));
    const after = await h.ctx.billing.service.recentPayments();
    expect(after.map((p) => [p.dispute?.status, p.refundedMinor]).sort()).toEqual([
      ['lost', 90_000],
      ['won', 0],
    ]);
    expect(await h.count('refunds')).toBe(1);
  });

  it('payment_action_required: the reader is emailed the hosted page and the account page links to it, without past due', async () => {
    await start();
    const { user, id, page, metadata, sub } = await subscribed();
    h.clock.advance(89 * DAY);
    const url = 'https://invoice.stripe.com/i/acct_1/test_confirm';
    const renewal = stripeSample('invoice', {
      id: 'in_renewal_action',
      status: 'open',
      amount_due: 90_000,
      amount_paid: 0,
      currency: 'inr',
      hosted_invoice_url: url,
      billing_reason: 'subscription_cycle',
      parent: { type: 'subscription_details', subscription_details: { subscription: sub.id, metadata } },
    });
    const event = stripeEvent('invoice.payment_action_required', renewal, { created: Math.floor(h.clock.now().getTime() / 1000) });
    await deliver(event, { ...event, id: `${String(event.id)}_again` });
    await h.runJobs();
    const mails = h.emails(user).filter((m) => m.subject.includes('confirm'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Your bank asks you to confirm your payment to ${h.ctx.site.publicationName}`);
    expect(mails[0]!.html).toContain(url);
    expect((await h.sub(id)).status).toBe('active');
    const account = await page('/account/subscription');
    expect(account).toContain('Your bank asks you to confirm this payment.');
    expect(account).toContain(`href="${url}"`);
    // Confirmed and paid: the notice goes.
    const end = Math.floor(addTerm(new Date(periodEnd * 1000), { count: 3, unit: 'month' }).getTime() / 1000);
    await deliver(invoicePaid('in_renewal_action', String(sub.id), metadata, periodEnd, end));
    expect(await page('/account/subscription')).not.toContain('Your bank asks you to confirm this payment.');
  });

  it('cancel at period end switched in the Customer Portal is followed, both ways; a Dashboard price change is noted', async () => {
    await start();
    const { id, sub } = await subscribed();
    const updated = (over: Record<string, unknown>, previous: Record<string, unknown>) =>
      stripeEvent('customer.subscription.updated', { ...sub, ...over }, { created: t + 100, previousAttributes: previous });
    await deliver(updated({ cancel_at_period_end: true }, { cancel_at_period_end: false }));
    expect((await h.sub(id)).cancelAtPeriodEnd).toBe(true);
    await deliver(updated({ cancel_at_period_end: false }, { cancel_at_period_end: true }));
    expect((await h.sub(id)).cancelAtPeriodEnd).toBe(false);
    const priced = updated(
      { items: { object: 'list', data: [{ id: 'si_x', price: { id: 'price_dashboard', object: 'price', metadata: {} } }] } },
      { items: { object: 'list', data: [] } },
    );
    await deliver(priced);
    expect(await logNote(priced.id)).toContain('price_dashboard outside Masthead');
    expect((await h.sub(id)).status).toBe('active');
  });

  it('an upgrade shows the amount Stripe will charge, and is made with the previewed proration date', async () => {
    await start();
    const { page, user, id, sub } = await subscribed();
    api.on('POST', /^\/v1\/prices$/, () => ({ body: { id: 'price_yearly', object: 'price' } }));
    api.on('POST', new RegExp(`^/v1/subscriptions/${String(sub.id)}$`), () => ({ body: sub }));
    stripe.setPreview({ amountDue: 183_456, credit: 86_544 });
    const body = await page('/account/subscription/change');
    expect(body).toContain('₹1,834.56');
    const [previewCall] = api.calls('POST', '/v1/invoices/create_preview');
    expect(previewCall?.form).toMatchObject({
      'subscription_details[items][0][price]': 'price_yearly',
      'subscription_details[proration_behavior]': 'always_invoice',
    });
    expect(body).toContain('₹865.44');
    // The reader confirms a little later: Stripe still prorates to the moment the page showed.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await h.ctx.billing.service.changePlan(user, id, 'smart-essential')).ok).toBe(true);
    const previews = api.calls('POST', '/v1/invoices/create_preview').map((c) => c.form['subscription_details[proration_date]']);
    expect(new Set(previews).size).toBe(1);
    const [update] = api.calls('POST', `/v1/subscriptions/${String(sub.id)}`);
    expect(update?.form).toMatchObject({
      'items[0][price]': 'price_yearly',
      proration_behavior: 'always_invoice',
      proration_date: previewCall?.form['subscription_details[proration_date]'],
    });
  });
});
