import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { Role } from '../../src/domain/accounts/model.js';
import { splitGstInclusive } from '../../src/domain/billing/gst.js';
import { addTerm, unusedCredit } from '../../src/domain/billing/lifecycle.js';
import { runBillingSweep } from '../../src/domain/billing/sweep.js';
import { formatMoney } from '../../src/domain/billing/money.js';
import { formatDate } from '../../src/web/views/format.js';
import { buildTestApp, cookiesFrom, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

const PASSWORD = 'long enough passphrase';
let networks = 0;
let addresses = 0;
const newEmail = (who: string) => `${who}${++addresses}-${Date.now()}@example.com`;
const inr = (minor: number) => formatMoney({ minor, currency: 'INR' });
/** A redirect's target as a path, whether the app answered with an absolute URL or not. */
const pathOf = (location: unknown) => {
  const u = new URL(String(location), 'http://localhost');
  return u.pathname + u.search;
};

/** A browser: its own cookie jar and network; posts forms with the CSRF token of the last page it saw. */
function browser(app: FastifyInstance) {
  const ip = `10.9.${++networks & 255}.7`;
  let csrf = '';
  const b = {
    jar: '',
    async send(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
      const headers: Record<string, string> = {};
      if (b.jar) headers.cookie = b.jar;
      if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await app.inject({
        method,
        url,
        headers,
        remoteAddress: ip,
        ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
      });
      b.jar = cookiesFrom(res, b.jar);
      // Tests read text as a person would: the apostrophes the templates escape read as apostrophes.
      Object.defineProperty(res, 'body', { value: res.body.replaceAll('&#39;', "'"), configurable: true });
      csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? csrf;
      return res;
    },
    get: (url: string) => b.send('GET', url),
    async post(url: string, fields: Record<string, string>) {
      if (!csrf) await b.get('/login');
      return b.send('POST', url, { _csrf: csrf, ...fields });
    },
  };
  return b;
}
type Browser = ReturnType<typeof browser>;
const invoiceIds = (body: string) => [...body.matchAll(/href="\/account\/invoices\/(\d+)"/g)].map((m) => m[1]!);

const DETAILS = {
  name: 'Asha Reader',
  address_line1: '12 Park Street',
  address_line2: 'Flat 4',
  city: 'Mumbai',
  state: '27',
  pin: '400013',
  gstin: '',
};

describeEachEngine('billing pages', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  let premium: { slug: string; lastParagraph: string };

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_PAYMENT_GATEWAY: 'test' } });
    const article = await createArticle(db(), { visibility: 'premium' });
    premium = { slug: article.slug, lastParagraph: article.body.split('\n\n').at(-1)!.slice(0, 20) };
  });

  async function signIn(role: Role = 'reader', who = 'reader') {
    const email = newEmail(who);
    await provisionUser(db(), { email, role, name: 'Asha Reader', password: PASSWORD }, clock.now());
    const b = browser(t.app);
    await b.get('/login');
    const res = await b.post('/login', { email, password: PASSWORD, next: '/' });
    expect(res.statusCode).toBe(303);
    return Object.assign(b, { email });
  }

  const day = (d: Date) => formatDate(d, t.ctx.policy.timeZone);
  const readsInFull = async (b: Browser) => {
    const res = await b.get(`/article/${premium.slug}`);
    return { full: res.body.includes(premium.lastParagraph), ads: res.body.includes('class="ad-slot"') };
  };
  /** Buys a plan through the test gateway's hosted page; returns where the gateway sent the browser back. */
  async function checkout(b: Browser, plan: string, choice: string, details = DETAILS) {
    const start = await b.post(`/subscribe/${plan}`, details);
    expect(start.statusCode).toBe(303);
    const gatewayPage = pathOf(start.headers.location);
    expect(gatewayPage).toMatch(/^\/test-gateway\/checkout\/chk_/);
    const page = await b.get(gatewayPage);
    expect(page.statusCode).toBe(200);
    const done = await b.post(gatewayPage, { choice });
    expect(done.statusCode).toBe(303);
    return { page, next: pathOf(done.headers.location) };
  }
  const payments = async (email: string) =>
    (
      await db().query<{ id: number; kind: string; amount_minor: number; period_start: Date; period_end: Date }>(
        'select p.id, p.kind, p.amount_minor, p.period_start, p.period_end from payments p join users u on u.id = p.user_id where u.email = $1 order by p.id',
        [email],
      )
    ).rows;

  let reader: Browser & { email: string };
  let subscriptionId = '';
  let invoiceId = '';
  let upgrade = { paymentId: 0, charge: 0 };

  it('sends anonymous buyers to sign in, and unknown plans to 404', async () => {
    const anonymous = browser(t.app);
    const res = await anonymous.get('/subscribe/smart-quarterly');
    expect([res.statusCode, res.headers.location]).toEqual([303, '/login?next=/subscribe/smart-quarterly']);
    expect((await anonymous.get('/login?next=/subscribe/smart-quarterly')).body).toContain(
      'href="/register?next=%2Fsubscribe%2Fsmart-quarterly"',
    );
    expect((await anonymous.get('/subscribe/no-such-plan')).statusCode).toBe(404);
    expect((await anonymous.get('/test-gateway/checkout/chk_doesnotexist')).statusCode).toBe(404);
    expect(
      (
        await anonymous.post('/checkout/razorpay/callback', {
          razorpay_payment_id: 'pay_1',
          razorpay_subscription_id: 'sub_1',
          razorpay_signature: 'ab',
        })
      ).statusCode,
    ).toBe(404);
  });

  it('shows the plan and its renewal terms, and keeps the details when the PIN is wrong', async () => {
    reader = await signIn();
    const before = await readsInFull(reader);
    expect(before).toEqual({ full: false, ads: true });
    const form = await reader.get('/subscribe/smart-quarterly');
    expect(form.statusCode).toBe(200);
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.body).toContain('₹300/Month');
    expect(form.body).toContain('Billed ₹900 every 3 months');
    expect(form.body).toContain('Renews automatically every 3 months at ₹900');
    expect(form.body).toContain('Cancel anytime');
    expect(form.body).toContain('<option value="29">Karnataka</option>');
    expect(form.body).toContain('value="Asha Reader"'); // prefilled from the account
    const bad = await reader.post('/subscribe/smart-quarterly', { ...DETAILS, pin: '012345', gstin: '27AAACT0000D1Z8' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('A PIN code is 6 digits and does not start with 0');
    expect(bad.body).toContain('This is not a valid GSTIN');
    expect(bad.body).toContain('value="012345"');
    expect(bad.body).toContain('value="12 Park Street"');
    expect(bad.body).toContain('<option value="27" selected>Maharashtra</option>');
    expect(bad.body).toMatch(/id="billing-pin"[^>]*aria-invalid="true"/);
    expect(
      (await db().query('select 1 from subscriptions s join users u on u.id = s.user_id where u.email = $1', [reader.email])).rowCount,
    ).toBe(0);
  });

  it('buys through the test gateway and unlocks premium stories without ads', async () => {
    const { page, next } = await checkout(reader, 'smart-quarterly', 'card');
    expect(page.body).toContain('TEST GATEWAY — no real money moves');
    expect(page.body).toContain('class="test-gateway-banner"');
    expect(page.body).toContain('₹900');
    expect(page.body).toContain(reader.email);
    for (const label of [
      'Pay with test card •••• 4242',
      'Pay with test UPI AutoPay',
      'Decline payment',
      'Abandon and go back',
      'Make future renewals fail (to try dunning)',
    ]) {
      expect(page.body).toContain(label);
    }
    expect(next).toMatch(/^\/subscribe\/complete\?subscription=\d+$/);
    subscriptionId = /subscription=(\d+)/.exec(next)![1]!;
    const done = await reader.get(next);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain("You're subscribed");
    expect(done.body).toContain('Ad-free reading');
    expect(await readsInFull(reader)).toEqual({ full: true, ads: false });
    const again = await reader.get('/subscribe/super-saver');
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('You already have a subscription');
    expect(again.body).toContain('href="/account/subscription"');
    // The saved billing details prefill the next checkout form.
    const profile = await db().query<{ pin: string }>(
      'select b.pin from billing_profiles b join users u on u.id = b.user_id where u.email = $1',
      [reader.email],
    );
    expect(profile.rows[0]!.pin).toBe('400013');
  });

  it('shows the subscription, its renewal, method and a GST invoice that agree to the paisa', async () => {
    const [payment] = await payments(reader.email);
    expect(payment!.amount_minor).toBe(90_000);
    const account = await reader.get('/account/subscription');
    expect(account.statusCode).toBe(200);
    expect(account.headers['cache-control']).toBe('no-store');
    expect(account.body).toContain('Smart Quarterly (₹900 every 3 months)');
    expect(account.body).toContain('<dd class="subscription-status">Active</dd>');
    expect(account.body).toContain(`${day(new Date('2027-02-24T10:00:00Z'))}: ₹900`);
    expect(account.body).toContain('Test card •••• 4242');
    expect(account.body).toMatch(/href="http:\/\/localhost:\d+\/test-gateway\/mandate\/sub_[\w-]+">Update payment method/);
    expect(invoiceIds(account.body)).toHaveLength(1);
    invoiceId = invoiceIds(account.body)[0]!;
    expect(account.body).toContain(`<td class="num">${inr(payment!.amount_minor)}</td>`);
    expect((await reader.get('/account')).body).toContain('href="/account/subscription"');

    const invoice = await reader.get(`/account/invoices/${invoiceId}`);
    expect(invoice.statusCode).toBe(200);
    const split = splitGstInclusive(90_000, '27', '27');
    expect(invoice.body).toContain('Maharashtra (27)');
    expect(invoice.body).toContain(`CGST @ 9%</th><td class="num">${inr(split.cgst)}`);
    expect(invoice.body).toContain(`SGST @ 9%</th><td class="num">${inr(split.sgst)}`);
    expect(invoice.body).not.toContain('IGST');
    expect(invoice.body).toContain(`Total</th><td class="num">${inr(payment!.amount_minor)}</td>`);
    expect(split.taxable + split.cgst + split.sgst).toBe(payment!.amount_minor);
    const pdf = await reader.get(`/account/invoices/${invoiceId}.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="invoice-DL-2627-\d{6}\.pdf"$/);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('cancels at the end of the term with access kept, and undoes it', async () => {
    const end = day(new Date('2027-02-24T10:00:00Z'));
    const confirm = await reader.get('/account/subscription/cancel');
    expect(confirm.body).toContain(`You keep access until ${end}`);
    expect((await reader.post('/account/subscription/cancel', { subscription: subscriptionId })).headers.location).toBe(
      '/account/subscription?notice=cancelled',
    );
    const cancelled = await reader.get('/account/subscription');
    expect(cancelled.body).toContain(`<dd class="subscription-status">Cancels on ${end}</dd>`);
    expect(cancelled.body).not.toContain('Next renewal');
    expect(cancelled.body).toContain('Undo cancellation');
    expect((await readsInFull(reader)).full).toBe(true);
    expect((await reader.post('/account/subscription/undo-cancel', { subscription: subscriptionId })).headers.location).toBe(
      '/account/subscription?notice=resumed',
    );
    const resumed = await reader.get('/account/subscription');
    expect(resumed.body).toContain('<dd class="subscription-status">Active</dd>');
    expect(resumed.body).toContain('Next renewal');
  });

  it('upgrades at once, charging the new price less the unused credit, everywhere the same', async () => {
    clock.advance(20 * 24 * 3600 * 1000); // within the 30-day idle limit of the session
    const [initial] = await payments(reader.email);
    const credit = unusedCredit(initial!.amount_minor, new Date(initial!.period_start), new Date(initial!.period_end), clock.now());
    const charge = 390_000 - credit;
    expect(credit).toBeGreaterThan(0);
    const options = await reader.get('/account/subscription/change');
    expect(options.statusCode).toBe(200);
    expect(options.body).toContain(`₹3,900 less ${inr(credit)} credit: you pay <strong>${inr(charge)}</strong> now`);
    expect(options.body).toMatch(/data-plan="smart-essential"[\s\S]*?Starts today/); // ₹2,700 is dearer than ₹900 too
    const changed = await reader.post('/account/subscription/change', { subscription: subscriptionId, plan: 'super-saver' });
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain(
      `We charged <strong class="charged">${inr(charge)}</strong> after <strong class="credit">${inr(credit)}</strong> credit`,
    );
    const rows = await payments(reader.email);
    expect(rows.map((p) => [p.kind, p.amount_minor])).toEqual([
      ['initial', 90_000],
      ['upgrade', charge],
    ]);
    upgrade = { paymentId: rows[1]!.id, charge };
    const account = await reader.get('/account/subscription');
    expect(account.body).toContain('Super Saver (₹3,900 every 2 years)');
    // The new two-year term starts today.
    expect(account.body).toContain(`class="next-renewal">${day(addTerm(clock.now(), { count: 2, unit: 'year' }))}: ₹3,900</dd>`);
    const ids = invoiceIds(account.body);
    expect(ids).toHaveLength(2);
    expect(account.body).toContain(`<td class="num">${inr(charge)}</td>`);
    const invoice = await reader.get(`/account/invoices/${ids[0]}`);
    expect(invoice.body).toContain(`Total</th><td class="num">${inr(charge)}</td>`);
    const total = await db().query<{ total_minor: number }>('select total_minor from invoices where payment_id = $1', [upgrade.paymentId]);
    expect(total.rows[0]!.total_minor).toBe(charge);
  });

  it('schedules a cheaper plan for the end of the term, and can keep the current one', async () => {
    const sub = await db().query<{ current_period_end: Date }>('select current_period_end from subscriptions where id = $1', [
      Number(subscriptionId),
    ]);
    const end = day(new Date(sub.rows[0]!.current_period_end));
    const options = await reader.get('/account/subscription/change');
    expect(options.body).toMatch(
      new RegExp(`data-plan="smart-quarterly"[\\s\\S]*?Switches on ${end}, then ₹900 every 3 months. Nothing is charged today.`),
    );
    const down = await reader.post('/account/subscription/change', { subscription: subscriptionId, plan: 'smart-quarterly' });
    expect(down.body).toContain(`Your plan switches on ${end}`);
    const account = await reader.get('/account/subscription');
    expect(account.body).toContain('Super Saver (₹3,900 every 2 years)');
    expect(account.body).toContain(`class="next-renewal">${end}: ₹900 for Smart Quarterly (your plan changes then)`);
    expect((await payments(reader.email)).length).toBe(2); // nothing charged
    const keep = await reader.post('/account/subscription/change', { subscription: subscriptionId, plan: 'super-saver' });
    expect(keep.body).toContain("You're staying on Super Saver");
    expect((await reader.get('/account/subscription')).body).toContain(`class="next-renewal">${end}: ₹3,900</dd>`);
  });

  it('tells a declined buyer the payment did not go through, without access; IGST for another State', async () => {
    const other = await signIn('reader', 'decliner');
    const { next } = await checkout(other, 'smart-essential', 'decline', { ...DETAILS, state: '29', city: 'Bengaluru', pin: '560001' });
    expect(next).toMatch(/^\/subscribe\/complete\?subscription=\d+&declined=1$/);
    const page = await other.get(next);
    expect(page.body).toContain('The payment did not go through');
    expect(page.body).toContain('href="/subscribe/smart-essential"');
    expect(await readsInFull(other)).toEqual({ full: false, ads: true });
    // Trying again with the saved details, and paying by UPI this time: IGST, since Karnataka is not the supplier's State.
    expect((await other.get('/subscribe/smart-essential')).body).toContain('<option value="29" selected>Karnataka</option>');
    const paid = await checkout(other, 'smart-essential', 'upi', { ...DETAILS, state: '29', city: 'Bengaluru', pin: '560001' });
    expect((await other.get(paid.next)).body).toContain("You're subscribed");
    const account = await other.get('/account/subscription');
    expect(account.body).toContain('Test UPI AutoPay');
    const invoice = await other.get(`/account/invoices/${invoiceIds(account.body)[0]}`);
    expect(invoice.body).toContain(`IGST @ 18%</th><td class="num">${inr(splitGstInclusive(270_000, '27', '29').igst)}`);
    expect(invoice.body).not.toContain('CGST');
    expect(invoice.body).toContain('Total</th><td class="num">₹2,700</td>');
  });

  it("hides one reader's subscription, invoices and PDFs from another", async () => {
    const stranger = await signIn('reader', 'stranger');
    expect((await stranger.get(`/subscribe/complete?subscription=${subscriptionId}`)).statusCode).toBe(404);
    expect((await stranger.get(`/account/invoices/${invoiceId}`)).statusCode).toBe(404);
    expect((await stranger.get(`/account/invoices/${invoiceId}.pdf`)).statusCode).toBe(404);
    expect((await stranger.post('/account/subscription/cancel', { subscription: subscriptionId })).statusCode).toBe(404);
    const own = await stranger.get('/account/subscription');
    expect(own.body).toContain('You do not have a subscription');
    expect(own.body).not.toContain('Test card');
    expect((await browser(t.app).get(`/account/invoices/${invoiceId}`)).headers.location).toBe(
      `/login?next=/account/invoices/${invoiceId}`,
    );
    // An editor is staff but handles no payments: the invoice does not exist for them either (policy viewInvoice).
    const editor = await signIn('editor', 'editor');
    expect((await editor.get(`/account/invoices/${invoiceId}`)).statusCode).toBe(404);
    // An admin who handles payments and refunds may see any reader's invoice, as HTML and PDF.
    const admin = await signIn('admin', 'admin');
    const seen = await admin.get(`/account/invoices/${invoiceId}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain('Asha Reader');
    expect((await admin.get(`/account/invoices/${invoiceId}.pdf`)).headers['content-type']).toBe('application/pdf');
  });

  it('lets only admins refund; a full refund issues a credit note and ends access', async () => {
    expect((await reader.get('/admin/payments')).statusCode).toBe(404);
    expect((await browser(t.app).get('/admin/payments')).statusCode).toBe(404);
    expect((await reader.post(`/admin/payments/${upgrade.paymentId}/refund`, { amount: '1', reason: 'x' })).statusCode).toBe(404);
    const admin = await signIn('admin', 'admin');
    const list = await admin.get('/admin/payments');
    expect(list.statusCode).toBe(200);
    const row = new RegExp(`<tr data-payment="${upgrade.paymentId}"[\\s\\S]*?</tr>`).exec(list.body)![0];
    expect(row).toContain(reader.email);
    expect(row).toContain('Super Saver');
    expect(row).toContain(`<td class="num amount">${inr(upgrade.charge)}</td>`);
    expect(row).toMatch(/DL\/2627\/\d{6}/);
    const commas = await admin.post(`/admin/payments/${upgrade.paymentId}/refund`, { amount: '3,000', reason: 'Requested' });
    expect(commas.statusCode).toBe(400);
    expect(commas.body).toContain('Enter rupees with at most 2 decimals and no commas');
    expect(commas.body).toContain('value="3,000"');
    const tooMuch = await admin.post(`/admin/payments/${upgrade.paymentId}/refund`, { amount: '4000.00', reason: 'Requested' });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.body).toContain(`Refund at most ${inr(upgrade.charge)}`);
    const noReason = await admin.post(`/admin/payments/${upgrade.paymentId}/refund`, { amount: '1', reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    const rupees = `${Math.floor(upgrade.charge / 100)}.${String(upgrade.charge % 100).padStart(2, '0')}`;
    const refunded = await admin.post(`/admin/payments/${upgrade.paymentId}/refund`, { amount: rupees, reason: 'Reader asked' });
    expect([refunded.statusCode, refunded.headers.location]).toEqual([303, '/admin/payments?notice=refunded']);
    const after = await admin.get('/admin/payments?notice=refunded');
    expect(after.body).toContain('The refund is recorded and its credit note issued.');
    const refundedRow = new RegExp(`<tr data-payment="${upgrade.paymentId}"[\\s\\S]*?</tr>`).exec(after.body)![0];
    expect(refundedRow).toContain(`<td class="num refunded">${inr(upgrade.charge)}</td>`);
    expect(refundedRow).toMatch(/Credit note CN\/2627\/\d{6}/);
    expect(refundedRow).toContain('Refunded in full');
    const account = await reader.get('/account/subscription');
    expect(account.body).toContain('<dd class="subscription-status">Refunded</dd>');
    expect(account.body).toContain('Credit note');
    expect(account.body).toContain(`−${inr(upgrade.charge)}`);
    expect(await readsInFull(reader)).toEqual({ full: false, ads: true });
  });

  it('brings the reader back to the story that sent them to the plans, through sign-in and the gateway', async () => {
    const b = browser(t.app);
    const story = `/article/${premium.slug}`;
    const from = encodeURIComponent(story);
    const paywall = await b.get(story);
    expect(paywall.body).toContain(`href="/plans?from=${from}"`);
    const plans = await b.get(`/plans?from=${from}`);
    expect(plans.body).toContain(`href="/subscribe/super-saver?from=${from}"`);
    // Anything but a path on this site is not kept: the plans link nowhere else.
    expect((await b.get('/plans?from=//evil.example/x')).body).toContain('href="/subscribe/super-saver"');

    // Not signed in yet: the plan (and the story) survive signing in.
    const chosen = await b.get(`/subscribe/super-saver?from=${from}`);
    expect([chosen.statusCode, chosen.headers.location]).toEqual([
      303,
      `/login?next=/subscribe/super-saver%3Ffrom%3D${encodeURIComponent(from)}`,
    ]);
    const email = newEmail('returning');
    await provisionUser(db(), { email, role: 'reader', name: 'Ravi Reader', password: PASSWORD }, clock.now());
    await b.get(String(chosen.headers.location));
    const signedIn = await b.post('/login', { email, password: PASSWORD, next: `/subscribe/super-saver?from=${from}` });
    expect([signedIn.statusCode, signedIn.headers.location]).toEqual([303, `/subscribe/super-saver?from=${from}`]);
    const form = await b.get(String(signedIn.headers.location));
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Subscribe: Super Saver');

    const { next } = await checkout(Object.assign(b, { email }), 'super-saver', 'card');
    const done = await b.get(next);
    expect(done.body).toContain("You're subscribed");
    expect(done.body).toContain(`<a class="button" href="${story}">Continue reading your story</a>`);
    expect((await b.get(story)).body).toContain(premium.lastParagraph);
    // The story is forgotten once it has been offered: a later visit to the page links to the front page.
    expect((await b.get(next)).body).not.toContain('Continue reading your story');
  });
});

/** A stand-in for Razorpay's REST API: creating a plan and a subscription is all checkout needs. */
async function startFakeRazorpay(): Promise<{ url: string; close: () => Promise<void> }> {
  let seq = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      const id = (p: string) => `${p}_${String(++seq).padStart(14, '0')}`;
      const reply =
        req.url === '/v1/plans'
          ? { id: id('plan'), entity: 'plan', ...body }
          : req.url === '/v1/subscriptions'
            ? { id: id('sub'), entity: 'subscription', status: 'created', short_url: 'https://rzp.io/i/x', ...body }
            : null;
      res
        .writeHead(reply ? 200 : 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(reply ?? { error: { code: 'BAD_REQUEST_ERROR', description: 'no route' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describeEachEngine('Razorpay checkout page', (db) => {
  const KEY_SECRET = 'razorpay-key-secret-for-tests';
  let t: TestApp;
  let api: Awaited<ReturnType<typeof startFakeRazorpay>>;

  beforeAll(async () => {
    api = await startFakeRazorpay();
    t = await buildTestApp(db(), {
      env: {
        MASTHEAD_PAYMENT_GATEWAY: 'razorpay',
        RAZORPAY_KEY_ID: 'rzp_test_key',
        RAZORPAY_KEY_SECRET: KEY_SECRET,
        RAZORPAY_WEBHOOK_SECRET: 'whsec',
        RAZORPAY_API_URL: api.url,
      },
    });
  });
  afterAll(() => api.close());

  it('renders Razorpay’s form checkout under a policy that allows only its script, and checks the callback signature', async () => {
    const email = newEmail('razor');
    await provisionUser(db(), { email, role: 'reader', name: 'Ravi Buyer', password: PASSWORD }, new Date());
    const b = browser(t.app);
    await b.get('/login');
    await b.post('/login', { email, password: PASSWORD });
    expect((await b.get('/test-gateway/checkout/chk_abcdefghijkl')).statusCode).toBe(404);
    const page = await b.post('/subscribe/super-saver', DETAILS);
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain('script-src https://checkout.razorpay.com');
    expect(csp).toContain('frame-src https://api.razorpay.com https://checkout.razorpay.com');
    expect(csp).toContain("form-action 'self'");
    expect(page.body).toMatch(
      /<form action="\/checkout\/razorpay\/callback" method="POST" class="razorpay-checkout">\s*<script src="https:\/\/checkout.razorpay.com\/v1\/checkout.js" data-key="rzp_test_key" data-subscription_id="(sub_\d+)"[^>]* data-name="[^"]+"[^>]* data-prefill.email="[^"]+"/,
    );
    expect(page.body).not.toContain('data-callback_url');
    const gatewaySub = /data-subscription_id="(sub_\d+)"/.exec(page.body)![1]!;
    const paymentId = 'pay_29QQoUBi66xm2f';
    const signature = createHmac('sha256', KEY_SECRET).update(`${paymentId}|${gatewaySub}`).digest('hex');
    const forged = await b.post('/checkout/razorpay/callback', {
      razorpay_payment_id: paymentId,
      razorpay_subscription_id: gatewaySub,
      razorpay_signature: '0'.repeat(64),
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('We could not confirm this payment');
    const ok = await b.post('/checkout/razorpay/callback', {
      razorpay_payment_id: paymentId,
      razorpay_subscription_id: gatewaySub,
      razorpay_signature: signature,
    });
    expect(ok.statusCode).toBe(303);
    const complete = await b.get(String(ok.headers.location));
    expect(complete.body).toContain('Confirming your payment…');
    expect(complete.body).toContain('<meta http-equiv="refresh" content="3">');
    // The ordinary pages keep the strict policy.
    expect(String((await b.get('/account/subscription')).headers['content-security-policy'])).toContain("script-src 'none'");
  });
});

describeEachEngine('checkout without a payment gateway', (db) => {
  it('says subscriptions are not on sale yet, with a page rather than an outage', async () => {
    const t = await buildTestApp(db());
    const email = newEmail('early');
    await provisionUser(db(), { email, role: 'reader', name: 'Early Bird', password: PASSWORD }, new Date());
    const b = browser(t.app);
    await b.get('/login');
    await b.post('/login', { email, password: PASSWORD });
    for (const res of [await b.get('/subscribe/smart-quarterly'), await b.post('/subscribe/smart-quarterly', DETAILS)]) {
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('Subscriptions are not on sale yet');
    }
    expect((await b.get('/test-gateway/checkout/chk_abcdefghijkl')).statusCode).toBe(404);
    expect((await b.get('/account/subscription')).body).toContain('You do not have a subscription');
  });
});

describeEachEngine('dunning on the subscription page', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_PAYMENT_GATEWAY: 'test' } });
  });

  async function signIn(email: string) {
    const b = browser(t.app);
    await b.get('/login');
    expect((await b.post('/login', { email, password: PASSWORD })).statusCode).toBe(303);
    return b;
  }

  it('shows a failed renewal with access until the end of grace, and recovers through the mandate page', async () => {
    const email = newEmail('dunning');
    await provisionUser(db(), { email, role: 'reader', name: 'Dev Dunning', password: PASSWORD }, clock.now());
    let b = await signIn(email);
    const start = await b.post('/subscribe/smart-quarterly', DETAILS);
    const gatewayPage = pathOf(start.headers.location);
    await b.get(gatewayPage);
    const paid = await b.post(gatewayPage, { choice: 'upi', decline_renewals: '1' });
    expect((await b.get(pathOf(paid.headers.location))).body).toContain('re subscribed');
    const end = new Date('2027-02-24T10:00:00Z');
    // The pre-debit notice two days ahead, then the renewal at the end of the term, which the mandate declines.
    clock.set(new Date(end.getTime() - 48 * 3600 * 1000));
    await runBillingSweep(t.ctx.billing.deps);
    clock.set(new Date(end.getTime() + 3600 * 1000));
    await runBillingSweep(t.ctx.billing.deps);

    b = await signIn(email); // the old session idled out over the quarter
    const graceEnd = formatDate(new Date(end.getTime() + 7 * 24 * 3600 * 1000), t.ctx.policy.timeZone);
    const account = await b.get('/account/subscription');
    expect(account.body).toContain(`<dd class="subscription-status">Payment failed — access until ${graceEnd}</dd>`);
    expect(account.body).toContain('Your last renewal payment failed');
    expect(account.body).not.toContain('Cancel subscription');
    const mandateUrl = pathOf(/href="([^"]+\/test-gateway\/mandate\/[^"]+)">Update payment method/.exec(account.body)![1]);
    const mandate = await b.get(mandateUrl);
    expect(mandate.body).toContain('TEST GATEWAY — no real money moves');
    expect(mandate.body).toContain('Test UPI AutoPay');
    expect(mandate.body).toContain('A renewal is unpaid');
    const updated = await b.post(mandateUrl, { method: 'card' });
    expect([updated.statusCode, updated.headers.location]).toEqual([303, '/account/subscription?notice=method-updated']);
    const recovered = await b.get('/account/subscription?notice=method-updated');
    expect(recovered.body).toContain('Your payment method has been updated.');
    expect(recovered.body).toContain('<dd class="subscription-status">Active</dd>');
    expect(recovered.body).toContain('Test card •••• 4242');
    expect(recovered.body).toContain(
      `class="next-renewal">${formatDate(new Date('2027-05-24T10:00:00Z'), t.ctx.policy.timeZone)}: ₹900</dd>`,
    );
    expect(invoiceIds(recovered.body)).toHaveLength(2);
  });
});
