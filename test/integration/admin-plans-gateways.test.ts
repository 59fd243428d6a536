import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { adminForms } from '../support/admin-forms.js';
import { sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { startFakeRazorpay, type FakeRazorpay } from '../support/fake-razorpay.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { startBilling, type Harness } from './billing-harness.js';

/** What the plans made here give (the editor's checkboxes). */
const GIVES = ['premium', 'archive', 'ad-free'];

/**
 * "Create on Razorpay" / "Create on Stripe" in the plans editor: the app with both gateways configured against
 * their stand-in APIs (test/support/fake-razorpay.ts, fake-stripe.ts), checkouts going to the one under test.
 */
describeEachEngine('plans editor: gateway plans created through the gateway’s API', (get) => {
  let smtp: TestSmtpServer;
  let rzp: FakeRazorpay;
  let stripe: FakeStripe;
  let h: Harness;
  let sequence = 0;
  /** The audit log's last entry before the test. */
  let auditFrom = 0;
  const { post } = adminForms(() => ({ app: h.app, ctx: h.ctx }) as TestApp);

  beforeAll(async () => {
    [smtp, rzp, stripe] = await Promise.all([startTestSmtpServer(), startFakeRazorpay(), startFakeStripe()]);
  });
  afterAll(async () => {
    await Promise.all([smtp.close(), rzp.close(), stripe.close()]);
  });
  afterEach(() => h.close());

  /** The app with Razorpay and Stripe configured; new checkouts go to `checkout`. */
  async function start(checkout: 'razorpay' | 'stripe') {
    h = await startBilling(get(), smtp, {
      env: {
        MASTHEAD_PAYMENT_GATEWAY: checkout,
        RAZORPAY_KEY_ID: 'rzp_test_masthead',
        RAZORPAY_KEY_SECRET: 'key-secret-for-tests',
        RAZORPAY_WEBHOOK_SECRET: 'razorpay-webhook-secret',
        RAZORPAY_API_URL: rzp.url,
        STRIPE_SECRET_KEY: 'sk_test_masthead',
        STRIPE_WEBHOOK_SECRET: 'whsec_masthead_plans',
        STRIPE_API_URL: `http://127.0.0.1:${stripe.apiBase.port}`,
      },
    });
    auditFrom =
      (
        await h.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirst()
      )?.id ?? 0;
    stripe.reset();
    stripe.on('POST', /^\/v1\/checkout\/sessions$/, () => ({
      body: { id: `cs_test_${++sequence}`, object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs', customer: null },
    }));
  }
  const staff = async (role: 'business' | 'editor') => {
    const email = `${role}-gw-${++sequence}@example.com`;
    await provisionUser(h.db, { email, role, password: `the ${role} password` }, h.clock.now());
    return sessionCookie(h.ctx, email, `the ${role} password`);
  };
  const planIdOf = async (slug: string) =>
    (await h.db.selectFrom('plans').select('id').where('slug', '=', slug).where('active', '=', true).executeTakeFirstOrThrow()).id;
  /** One plan's section of the editor, as the business team sees it. */
  const editorSection = async (cookie: string, slug: string) => {
    const page = await h.app.inject({ url: '/admin/plans', headers: { cookie } });
    return new RegExp(`data-plan="${slug}"[^]*?</section>`).exec(page.body)?.[0] ?? '';
  };
  const stored = async () => (await h.db.selectFrom('gateway_plans').selectAll().execute()).map((r) => [r.gateway, r.gateway_plan_id]);
  const auditActions = async () =>
    (
      await h.db
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('area', '=', 'plans')
        .where('id', '>', auditFrom)
        .orderBy('id')
        .execute()
    ).map((r) => [r.action, r.after]);
  const rzpPlans = () => rzp.calls('POST', /^\/v1\/plans$/);

  it('Create on Razorpay makes the Razorpay plan at the plan’s price and term once; the editor shows it and checkout subscribes to it', async () => {
    await start('razorpay');
    const business = await staff('business');
    const quarterly = await planIdOf('smart-quarterly');
    const before = await editorSection(business, 'smart-quarterly');
    expect(before).toContain('>Create on Razorpay</button>');
    expect(before).toContain('>Create on Stripe</button>');
    expect(before).not.toContain('Create on the test gateway');

    const plansBefore = rzpPlans().length;
    const created = await post(business, '/admin/plans', `/admin/plans/${quarterly}/gateway-plan`, { gateway: 'razorpay' });
    expect(created.statusCode, created.body).toBe(303);
    expect(created.headers.location).toBe('/admin/plans?notice=gateway-created');
    const made = rzpPlans().slice(plansBefore);
    expect(made.map((c) => c.body)).toEqual([
      expect.objectContaining({ period: 'monthly', interval: 3, item: expect.objectContaining({ amount: 90_000, currency: 'INR' }) }),
    ]);
    const razorpayPlan = await (async () => {
      const rows = await stored();
      expect(rows).toHaveLength(1);
      return rows[0]![1]!;
    })();
    expect(razorpayPlan).toMatch(/^plan_/);
    const after = await editorSection(business, 'smart-quarterly');
    expect(after).toContain(`razorpay <code>${razorpayPlan}</code>`);
    expect(after).not.toContain('Create on Razorpay');
    expect(after).toContain('>Create on Stripe</button>');
    expect(await auditActions()).toEqual([['create-gateway-plan', { razorpay: razorpayPlan }]]);

    // Pressed again (a second tab, a double submit): the stored plan is reused and said so.
    const again = await post(business, '/admin/plans', `/admin/plans/${quarterly}/gateway-plan`, { gateway: 'razorpay' });
    expect(again.headers.location).toBe('/admin/plans?notice=gateway-known');
    const notice = await h.app.inject({ url: again.headers.location!, headers: { cookie: business } });
    expect(notice.body).toContain('nothing new was created');
    expect(rzpPlans().length).toBe(plansBefore + 1);
    expect(await stored()).toEqual([['razorpay', razorpayPlan]]);

    // A reader's checkout subscribes to that plan instead of creating another.
    const reader = await h.reader();
    const subsBefore = rzp.calls('POST', /^\/v1\/subscriptions$/).length;
    await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    expect(rzp.calls('POST', /^\/v1\/subscriptions$/).slice(subsBefore)[0]?.body).toMatchObject({ plan_id: razorpayPlan });
    expect(rzpPlans().length).toBe(plansBefore + 1);
  });

  it('Create on Stripe makes the Price at the plan’s price and term once, and checkout sells that Price', async () => {
    await start('stripe');
    const business = await staff('business');
    const yearly = await planIdOf('smart-essential');
    const created = await post(business, '/admin/plans', `/admin/plans/${yearly}/gateway-plan`, { gateway: 'stripe' });
    expect(created.statusCode, created.body).toBe(303);
    const prices = stripe.calls('POST', '/v1/prices');
    expect(prices).toHaveLength(1);
    expect(prices[0]?.form).toMatchObject({
      unit_amount: '270000',
      currency: 'inr',
      tax_behavior: 'inclusive',
      'recurring[interval]': 'year',
      'recurring[interval_count]': '1',
      'product_data[name]': 'Smart Essential',
    });
    const rows = await stored();
    expect(rows).toEqual([['stripe', expect.stringMatching(/^price_/)]]);
    const price = rows[0]![1]!;
    expect(await editorSection(business, 'smart-essential')).toContain(`stripe <code>${price}</code>`);
    expect(await auditActions()).toEqual([['create-gateway-plan', { stripe: price }]]);

    expect((await post(business, '/admin/plans', `/admin/plans/${yearly}/gateway-plan`, { gateway: 'stripe' })).headers.location).toBe(
      '/admin/plans?notice=gateway-known',
    );
    await h.ctx.billing.service.startCheckout(await h.reader(), 'smart-essential');
    expect(stripe.calls('POST', '/v1/checkout/sessions')[0]?.form['line_items[0][price]']).toBe(price);
    expect(stripe.calls('POST', '/v1/prices')).toHaveLength(1);
  });

  it('a gateway that fails gets a message on the editor page and nothing is stored', async () => {
    await start('razorpay');
    const business = await staff('business');
    const quarterly = await planIdOf('smart-quarterly');

    rzp.fail('POST', /^\/v1\/plans$/);
    const down = await post(business, '/admin/plans', `/admin/plans/${quarterly}/gateway-plan`, { gateway: 'razorpay' });
    expect(down.statusCode).toBe(502);
    expect(down.body).toContain('Razorpay did not create the plan, and nothing was stored');
    expect(down.body).toContain('HTTP 500');
    expect(down.body).toContain('data-plan="smart-quarterly"'); // the editor itself, with the message

    stripe.on('POST', /^\/v1\/prices$/, () => ({
      status: 400,
      body: { error: { type: 'invalid_request_error', message: 'Stripe refused the price for this test.' } },
    }));
    const refused = await post(business, '/admin/plans', `/admin/plans/${quarterly}/gateway-plan`, { gateway: 'stripe' });
    expect(refused.statusCode).toBe(502);
    expect(refused.body).toContain('Stripe did not create the plan, and nothing was stored: Stripe refused the price for this test.');

    expect(await stored()).toEqual([]);
    expect(await auditActions()).toEqual([]);
    const section = await editorSection(business, 'smart-quarterly');
    expect(section).toContain('Gateway plans: none yet');
    expect(section).toContain('>Create on Razorpay</button>');
  });

  it('a term change forgets the gateway plan made for the old term; the next one bills the new term', async () => {
    await start('razorpay');
    const business = await staff('business');
    const slug = `monthly-${sequence}`;
    await post(business, '/admin/plans', '/admin/plans', {
      name: 'Monthly',
      slug,
      termCount: '1',
      termUnit: 'month',
      entitlement: GIVES,
      price: '400',
    });
    const id = await planIdOf(slug);
    await post(business, '/admin/plans', `/admin/plans/${id}/gateway-plan`, { gateway: 'razorpay' });
    expect(await stored()).toHaveLength(1);

    const edit = await post(business, '/admin/plans', `/admin/plans/${id}`, {
      name: 'Monthly',
      termCount: '2',
      termUnit: 'month',
      entitlement: GIVES,
      price: '400',
    });
    expect(edit.statusCode).toBe(303);
    expect(await stored()).toEqual([]);
    expect(await editorSection(business, slug)).toContain('>Create on Razorpay</button>');

    const plansBefore = rzpPlans().length;
    await post(business, '/admin/plans', `/admin/plans/${id}/gateway-plan`, { gateway: 'razorpay' });
    expect(rzpPlans().slice(plansBefore)[0]?.body).toMatchObject({ period: 'monthly', interval: 2, item: { amount: 40_000 } });
  });

  it('an editor cannot create gateway plans, and a gateway not configured is refused', async () => {
    await start('stripe');
    const editor = await staff('editor');
    const quarterly = await planIdOf('smart-quarterly');
    const plansBefore = rzpPlans().length;
    const denied = await h.app.inject({
      method: 'POST',
      url: `/admin/plans/${quarterly}/gateway-plan`,
      headers: { cookie: editor },
      payload: { gateway: 'razorpay' },
    });
    expect(denied.statusCode).toBe(404);
    expect(rzpPlans().length).toBe(plansBefore);
    expect(await stored()).toEqual([]);

    const business = await staff('business');
    const test = await post(business, '/admin/plans', `/admin/plans/${quarterly}/gateway-plan`, { gateway: 'test' });
    expect(test.statusCode).toBe(400);
    expect(await stored()).toEqual([]);
  });
});
