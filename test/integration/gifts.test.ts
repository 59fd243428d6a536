import { expect, it } from 'vitest';
import { TEST_SIGNATURE_HEADER, signTestWebhook } from '../../src/adapters/payments/test-gateway.js';
import { exportAccountData } from '../../src/domain/accounts/data-rights.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { User } from '../../src/domain/accounts/model.js';
import { splitGstInclusive } from '../../src/domain/billing/gst.js';
import { addTerm } from '../../src/domain/billing/lifecycle.js';
import { formatDate } from '../../src/web/views/format.js';
import { cookiesFrom, sessionCookie } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { bodyWithParagraphs, createArticle } from '../support/factories.js';
import { DAY, HOUR, useBilling } from './billing-harness.js';

const PASSWORD = 'a long gift passphrase';
const GATED = /giftpara-[3-6]/; // paragraphs after the lead-in
const PROFILE = {
  name: 'Asha Buyer',
  address_line1: '12 Example Marg',
  address_line2: '',
  city: 'Mumbai',
  state: '27',
  pin: '400013',
  gstin: '',
};
const ZONE = 'Asia/Kolkata';

/**
 * Gift subscriptions end to end on the test gateway: bought with a one-time payment (invoice with GST to the
 * buyer), emailed on the chosen day, redeemed once by whoever opens the link first, refunded.
 */
describeEachEngine('gift subscriptions', (get) => {
  const h = useBilling(get);
  let sequence = 0;

  /** A reader with a password, signed in: a browser with its cookies, posting forms with the last CSRF token seen. */
  async function person(label: string) {
    const email = `${label}-${++sequence}-${Date.now().toString(36)}@example.in`;
    const { user } = await provisionUser(h.db, { email, role: 'reader', name: `${label} ${sequence}`, password: PASSWORD }, h.clock.now());
    let jar = await sessionCookie(h.ctx, email, PASSWORD);
    let csrf = '';
    const send = async (method: 'GET' | 'POST', url: string, fields?: Record<string, string>) => {
      const headers: Record<string, string> = { cookie: jar };
      if (fields) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await h.app.inject({
        method,
        url,
        headers,
        ...(fields ? { payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString() } : {}),
      });
      jar = cookiesFrom(res, jar);
      csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? csrf;
      return res;
    };
    return {
      user,
      email,
      get: (url: string) => send('GET', url),
      post: (url: string, fields: Record<string, string>) => send('POST', url, fields),
    };
  }
  type Person = Awaited<ReturnType<typeof person>>;

  const giftRow = async (buyerId: number) =>
    (
      await h.db.query<{ id: number; status: string; emailed_at: Date | null; redeemed_by: number | null; token_hash: string | null }>(
        'select id, status, emailed_at, redeemed_by, token_hash from gifts where buyer_id = $1 order by id desc limit 1',
        [buyerId],
      )
    ).rows[0];
  const giftLink = (to: string) => {
    const emails = h.smtp.messages.filter((m) => m.to.includes(to));
    const token = /\/gift\/redeem\/([A-Za-z0-9_-]{43})/.exec(emails.at(-1)?.text ?? '')?.[1];
    return { emails, token };
  };

  /** The buyer fills in the gift form, pays on the test gateway's page and comes back. Returns the gift id. */
  async function buyGift(buyer: Person, fields: Record<string, string> = {}, plan = 'smart-quarterly'): Promise<number> {
    await buyer.get(`/gift/${plan}`);
    const order = await buyer.post(`/gift/${plan}`, {
      recipient_email: 'friend@example.org',
      recipient_name: 'Ravi Friend',
      message: 'Happy birthday! Read well.',
      deliver: 'now',
      deliver_on: '',
      ...PROFILE,
      ...fields,
    });
    expect(order.statusCode, order.body).toBe(303);
    const checkout = String(order.headers.location);
    expect(checkout).toMatch(/^\/test-gateway\/checkout\/chk_/);
    const page = await buyer.get(checkout);
    expect(page.body).toContain('once (nothing renews)');
    expect(page.body).not.toContain('decline_renewals');
    const paid = await buyer.post(checkout, { choice: 'card' });
    expect(paid.statusCode).toBe(303);
    const back = await buyer.get(String(paid.headers.location));
    expect(back.body).toContain('Your gift is paid');
    return (await giftRow(buyer.user.id))!.id;
  }

  it('buy → pay once → GST invoice to the buyer → gift emailed on the chosen day → redeemed by another address → premium opens for the term', async () => {
    const premium = (await createArticle(h.db, { visibility: 'premium', body: bodyWithParagraphs(6, 'giftpara') })).slug;
    const plans = await h.app.inject({ url: '/plans' });
    expect(plans.body).toContain('href="/gift/smart-quarterly">Give as a gift</a>');

    const buyer = await person('buyer');
    // Delivery on a day three days ahead (IST), at 08:00 there.
    const day = new Date(h.clock.now().getTime() + 3 * DAY).toISOString().slice(0, 10);
    const giftId = await buyGift(buyer, { deliver: 'date', deliver_on: day, recipient_email: 'ravi@example.org' });

    // One payment of the gift kind, no subscription, no mandate; invoice to the buyer with CGST+SGST (Maharashtra).
    const payments = (
      await h.db.query<{ kind: string; subscription_id: number | null; amount_minor: number }>(
        'select kind, subscription_id, amount_minor from payments where gift_id = $1',
        [giftId],
      )
    ).rows;
    expect(payments).toEqual([{ kind: 'gift', subscription_id: null, amount_minor: 90000 }]);
    expect(await h.count('subscriptions where user_id = $1', [buyer.user.id])).toBe(0);
    const [invoice, ...others] = await h.invoices(buyer.user.id);
    expect(others).toEqual([]);
    const gst = splitGstInclusive(90000, '27', '27');
    expect(invoice).toMatchObject({
      kind: 'invoice',
      totalMinor: 90000,
      taxableMinor: gst.taxable,
      cgstMinor: gst.cgst,
      sgstMinor: gst.sgst,
      igstMinor: 0,
      placeOfSupply: '27',
    });
    expect(gst.cgst).toBeGreaterThan(0);
    expect(invoice!.recipient.name).toBe('Asha Buyer');
    expect(invoice!.description).toContain('Smart Quarterly digital subscription, 3 months, bought as a gift');

    await h.runJobs();
    const receipt = h.emails(buyer.user).find((m) => m.subject.startsWith('Receipt for your gift'));
    expect(receipt?.text).toContain(invoice!.number);
    expect(receipt?.text).toContain('Ravi Friend (ravi@example.org)');
    // Not before its day.
    expect(giftLink('ravi@example.org').emails).toEqual([]);
    expect((await buyer.get('/account/gifts')).body).toMatch(/Paid, to be emailed on/);

    h.clock.advance(3 * DAY);
    await h.runJobs();
    const { emails, token } = giftLink('ravi@example.org');
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).toContain('has given you Smart Quarterly');
    expect(emails[0]!.text).toContain('Happy birthday! Read well.');
    expect(token).toBeDefined();
    // Only the hash is stored.
    const stored = await giftRow(buyer.user.id);
    expect(stored!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.token_hash).not.toContain(token!);
    expect((await buyer.get('/account/gifts')).body).toContain(`Paid, emailed on ${formatDate(h.clock.now(), ZONE)}`);

    // The recipient reads under another address: not redeemed, the premium story stays shut.
    const recipient = await person('recipient');
    const shut = await recipient.get(`/article/${premium}`);
    expect(shut.body).toContain('data-reason="subscription-required"');
    expect(shut.body).not.toMatch(GATED);

    const page = await recipient.get(`/gift/redeem/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Smart Quarterly');
    expect(page.body).toContain('Happy birthday! Read well.');
    expect(page.body).toContain(buyer.user.name);
    // Looking redeems nothing.
    expect(await h.entitlements(recipient.user.id)).toEqual([]);

    const redeemedAt = h.clock.now();
    const redeemed = await recipient.post(`/gift/redeem/${token}`, {});
    expect(redeemed.statusCode, redeemed.body).toBe(200);
    expect(redeemed.body).toContain('Your gift is redeemed');
    expect(await h.entitlements(recipient.user.id)).toContain('premium');
    const grants = (
      await h.db.query<{ source: string; ends_at: Date }>('select source, ends_at from entitlement_grants where user_id = $1', [
        recipient.user.id,
      ])
    ).rows;
    expect(new Set(grants.map((g) => g.source))).toEqual(new Set([`gift:${giftId}`]));
    expect(grants[0]!.ends_at).toEqual(addTerm(redeemedAt, { count: 3, unit: 'month' }, ZONE));

    const open = await recipient.get(`/article/${premium}`);
    expect(open.body).not.toContain('data-reason="subscription-required"');
    expect(open.body).toMatch(GATED);
    const account = await recipient.get('/account');
    expect(/<tr data-entitlement="premium">.*?<\/tr>/.exec(account.body)?.[0]).toContain('a gift');
    expect((await buyer.get('/account')).body).toContain('<a href="/account/gifts">Gifts you have given</a>');
    expect((await buyer.get('/account/gifts')).body).toContain(`Redeemed on ${formatDate(redeemedAt, ZONE)}`);

    // Once only: another reader gets "already redeemed" and nothing.
    const late = await person('late');
    const seen = await late.get(`/gift/redeem/${token}`);
    expect(seen.statusCode).toBe(409);
    await late.get('/account');
    const again = await late.post(`/gift/redeem/${token}`, {});
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already been redeemed');
    expect(await h.entitlements(late.user.id)).toEqual([]);

    // The term ends: the story shuts again.
    h.clock.advance(100 * DAY);
    expect((await recipient.get(`/article/${premium}`)).body).toContain('data-reason="subscription-required"');
  });

  it('30 readers redeem one gift at once: exactly one gets it', async () => {
    const buyer = await person('buyer');
    const giftId = await buyGift(buyer, { recipient_email: 'crowd@example.org' });
    await h.runJobs();
    const { token } = giftLink('crowd@example.org');
    const readers: User[] = [];
    for (let i = 0; i < 30; i++) readers.push(await h.reader());
    const results = await Promise.all(readers.map((r) => h.ctx.billing.gifts.redeem(r, token!)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === 'conflict')).toHaveLength(29);
    const holders = (
      await h.db.query<{ user_id: number }>('select distinct user_id from entitlement_grants where source = $1', [`gift:${giftId}`])
    ).rows;
    expect(holders).toHaveLength(1);
    expect((await giftRow(buyer.user.id))!.redeemed_by).toBe(holders[0]!.user_id);
  });

  it('a replayed or redelivered payment event makes one payment, one invoice, one receipt and one gift email', async () => {
    const buyer = await person('buyer');
    const held: string[] = [];
    h.ctx.billing.connectWebhooks(async (body) => void held.push(body));
    await buyer.get('/gift/super-saver');
    const order = await buyer.post('/gift/super-saver', {
      recipient_email: 'twice@example.org',
      recipient_name: 'Twice',
      message: '',
      deliver: 'now',
      deliver_on: '',
      ...PROFILE,
    });
    await buyer.post(String(order.headers.location), { choice: 'upi' });
    const paid = held.find((b) => JSON.parse(b).type === 'order.paid')!;
    const event = JSON.parse(paid) as { id: string };
    const deliver = (body: string) =>
      h.app.inject({
        method: 'POST',
        url: '/webhooks/test',
        payload: body,
        headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: signTestWebhook(body, h.ctx.keys.webhook, h.clock.now()) },
      });
    // The same delivery 10 times, and 10 replays under new event ids, all at once.
    const bodies = [
      ...Array<string>(10).fill(paid),
      ...Array.from({ length: 10 }, (_, i) => JSON.stringify({ ...event, id: `${event.id}-replay-${i}` })),
    ];
    const answers = await Promise.all(bodies.map(deliver));
    expect(answers.every((a) => a.statusCode < 300)).toBe(true);
    const giftId = (await giftRow(buyer.user.id))!.id;
    expect(await h.count('payments where gift_id = $1', [giftId])).toBe(1);
    expect(await h.count('invoices where user_id = $1', [buyer.user.id])).toBe(1);
    await h.runJobs();
    expect(h.emails(buyer.user).filter((m) => m.subject.startsWith('Receipt for your gift'))).toHaveLength(1);
    expect(giftLink('twice@example.org').emails).toHaveLength(1);
    const [invoice] = await h.invoices(buyer.user.id);
    expect(invoice!.totalMinor).toBe(390000);
  });

  it('bad input is refused beside the field with a 400, and nothing is bought', async () => {
    const buyer = await person('buyer');
    await buyer.get('/gift/smart-quarterly');
    const base = { recipient_email: 'ok@example.org', recipient_name: 'Ok', message: '', deliver: 'now', deliver_on: '', ...PROFILE };
    const yesterday = new Date(h.clock.now().getTime() - DAY).toISOString().slice(0, 10);
    const cases: [Record<string, string>, string, string][] = [
      [{ deliver: 'date', deliver_on: yesterday }, 'gift-deliver-error', 'The date has passed'],
      [{ deliver: 'date', deliver_on: '2099-01-01' }, 'gift-deliver-error', 'up to a year ahead'],
      [{ deliver: 'date', deliver_on: '2026-02-30' }, 'gift-deliver-error', 'Enter a date like'],
      [{ recipient_email: 'not-an-email' }, 'gift-email-error', 'Enter an email address like'],
      [{ recipient_email: '' }, 'gift-email-error', 'Enter the email address'],
      [{ recipient_name: '' }, 'gift-name-error', 'Enter the name'],
      [{ message: 'x'.repeat(501) }, 'gift-message-error', '500 characters or fewer'],
      [{ message: 'x'.repeat(6000) }, 'gift-message-error', '500 characters or fewer'],
      [{ pin: '12' }, 'billing-pin-error', 'PIN code'],
    ];
    for (const [fields, id, message] of cases) {
      const res = await buyer.post('/gift/smart-quarterly', { ...base, ...fields });
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.body).toMatch(new RegExp(`id="${id}">[^<]*${message}`));
    }
    // A message of exactly 500 characters is fine.
    const fine = await buyer.post('/gift/smart-quarterly', { ...base, message: 'y'.repeat(500) });
    expect(fine.statusCode).toBe(303);
    expect(await h.count("gifts where buyer_id = $1 and status = 'paid'", [buyer.user.id])).toBe(0);
    // Links that name no gift: 404.
    expect((await buyer.get('/gift/redeem/short')).statusCode).toBe(404);
    expect((await buyer.get(`/gift/redeem/${'A'.repeat(43)}`)).statusCode).toBe(404);
    expect((await buyer.post(`/gift/redeem/${'A'.repeat(43)}`, {})).statusCode).toBe(404);
    expect((await buyer.get('/gift/no-such-plan')).statusCode).toBe(404);
  });

  it('an unpaid gift has no link; a refunded one stops working and takes back what it gave', async () => {
    const buyer = await person('buyer');
    await buyer.get('/gift/smart-quarterly');
    const order = await buyer.post('/gift/smart-quarterly', {
      recipient_email: 'later@example.org',
      recipient_name: 'Later',
      message: '',
      deliver: 'now',
      deliver_on: '',
      ...PROFILE,
    });
    await buyer.post(String(order.headers.location), { choice: 'abandon' });
    await h.runJobs();
    expect(giftLink('later@example.org').emails).toEqual([]);
    expect((await giftRow(buyer.user.id))!.status).toBe('awaiting-payment');

    const giftId = await buyGift(buyer, { recipient_email: 'refund@example.org' });
    await h.runJobs();
    const { token } = giftLink('refund@example.org');
    const recipient = await h.reader();
    expect((await h.ctx.billing.gifts.redeem(recipient, token!)).ok).toBe(true);
    expect(await h.entitlements(recipient.id)).toContain('premium');
    const payment = (await h.db.query<{ id: number }>('select id from payments where gift_id = $1', [giftId])).rows[0]!;
    h.clock.advance(HOUR);
    expect((await h.ctx.billing.service.refund(payment.id, 90000, 'changed their mind')).ok).toBe(true);
    expect((await giftRow(buyer.user.id))!.status).toBe('refunded');
    expect(await h.entitlements(recipient.id)).toEqual([]);
    expect((await h.invoices(buyer.user.id)).map((i) => i.kind)).toEqual(['invoice', 'credit-note']);
    expect((await buyer.get('/account/gifts')).body).toContain('Refunded');
  });

  it('the buyer sends the gift again or to another address: a new link, and the old one stops working', async () => {
    const buyer = await person('buyer');
    const giftId = await buyGift(buyer, { recipient_email: 'first@example.org' });
    await h.runJobs();
    const first = giftLink('first@example.org').token!;
    await buyer.get('/account/gifts');
    const changed = await buyer.post(`/account/gifts/${giftId}/recipient`, { email: 'second@example.org' });
    expect(changed.statusCode).toBe(303);
    await h.runJobs();
    const second = giftLink('second@example.org').token!;
    expect(second).not.toBe(first);
    expect((await buyer.get(`/gift/redeem/${first}`)).statusCode).toBe(404);
    expect((await buyer.get(`/gift/redeem/${second}`)).statusCode).toBe(200);
    const bad = await buyer.post(`/account/gifts/${giftId}/recipient`, { email: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(`id="gift-${giftId}-email-error"`);
    // The buyer's data export lists it, with the address it goes to now.
    const exported = await exportAccountData(h.db, buyer.user.id, h.clock.now());
    expect(exported?.gifts_given).toEqual([
      expect.objectContaining({ plan: 'Smart Quarterly', recipient_email: 'second@example.org', status: 'paid' }),
    ]);
    // Another reader's gift is not theirs to change.
    const other = await person('other');
    await other.get('/account');
    expect((await other.post(`/account/gifts/${giftId}/resend`, {})).statusCode).toBe(404);
  });
});
