import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestDb } from '../support/raw-sql.js';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_ACCOUNTS, provisionUser } from '../../src/domain/accounts/provisioning.js';
import { seedBaseline } from '../../src/domain/content/seed.js';
import { prepareContent } from '../../src/main.js';
import { buildTestApp, cookiesFrom, fakeClock, type TestApp } from '../support/app.js';
import { createTestDatabase, describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { afterThisFile, tempDir } from '../support/temp.js';
import { startTestSmtpServer, type ReceivedEmail, type TestSmtpServer } from '../support/smtp-server.js';

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const PASSWORD = 'long enough passphrase';
let networks = 0;
let addresses = 0;
const newEmail = () => `reader${++addresses}-${Date.now()}@example.com`;

/** A browser: its own cookie jar, network (so rate limits of one test do not touch another) and User-Agent. */
function browser(app: FastifyInstance, ua = CHROME_LINUX, ip = `10.${++networks >> 8}.${networks & 255}.7`) {
  let csrf = '';
  const b = {
    jar: '',
    /** Headers every request of this browser sends (a proxy's X-Forwarded-For). */
    headers: {} as Record<string, string>,
    async send(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
      const headers: Record<string, string> = { 'user-agent': ua, ...b.headers };
      if (b.jar) headers.cookie = b.jar;
      if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await app.inject({
        method,
        url,
        headers,
        remoteAddress: ip,
        ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
      });
      // A cleared cookie comes back empty: drop it, as a browser would.
      b.jar = cookiesFrom(res, b.jar)
        .split('; ')
        .filter((c) => c && !c.endsWith('='))
        .join('; ');
      csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? csrf;
      return res;
    },
    get: (url: string) => b.send('GET', url),
    /** Posts a form with the CSRF token scraped from the last page (fetching one first if needed). */
    async post(url: string, fields: Record<string, string>, options: { csrf?: boolean } = {}) {
      if (options.csrf === false) return b.send('POST', url, fields);
      if (!csrf) await b.get('/reset');
      return b.send('POST', url, { _csrf: csrf, ...fields });
    },
  };
  return b;
}
type Browser = ReturnType<typeof browser>;

const linkPath = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};
const without = (body: string, ...values: string[]) =>
  values.reduce((text, v) => text.replaceAll(v, 'X'), body.replace(/name="_csrf" value="[^"]+"/g, ''));

describeEachEngine('account pages', (db, engine) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let smtp: TestSmtpServer;
  let t: TestApp;
  const used = new Set<ReceivedEmail>();

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await buildTestApp(db(), { now: clock.now, env: { SMTP_URL: smtp.url } });
  });
  afterAll(() => smtp.close());

  /** The next email to `to` not looked at yet, with its code and link. */
  async function nextEmail(to: string) {
    const m = await smtp.waitFor((message) => message.to.includes(to) && !used.has(message));
    used.add(m);
    const link = /(https?:\/\/\S+\/(?:login\/link|reset\/confirm)\?token=[\w%-]+)/.exec(m.text)?.[1];
    return { subject: m.subject, code: /^(\d{6})$/m.exec(m.text)?.[1] ?? '', link: link ? linkPath(link) : '' };
  }

  async function signUp(b: Browser, email: string, name = 'Asha Reader', password = PASSWORD) {
    expect((await b.post('/register', { name, email, password })).statusCode).toBe(200);
    const done = await b.post('/login/code', { email, code: (await nextEmail(email)).code });
    expect(done.statusCode).toBe(303);
  }

  const liveSessions = async (email: string) => {
    const { rows } = await db().query<{ n: number }>(
      'select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.email = $1 and s.revoked_at is null',
      [email],
    );
    return Number(rows[0]?.n);
  };
  const signedIn = async (b: Browser) => (await b.get('/account')).statusCode === 200;

  it('signs up with an emailed code and shows the account with the reader’s name', async () => {
    const b = browser(t.app);
    const email = newEmail();
    const form = await b.get('/register');
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.body).toMatch(/<label for="register-email">Email address<\/label>/);
    const res = await b.post('/register', { name: 'Asha Reader', email, password: PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your email');
    expect(res.body).toContain('action="/login/code"');
    expect([res.headers['set-cookie']].flat()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^mh_auth=[\w-]{40,}; Max-Age=900; Path=\/; HttpOnly; SameSite=Lax$/)]),
    );
    const done = await b.post('/login/code', { email, code: (await nextEmail(email)).code });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/');
    expect(String(done.headers['set-cookie'])).toMatch(/mh_session=[\w-]+;.*HttpOnly; SameSite=Lax/);
    expect(b.jar).not.toContain('mh_auth=');
    const account = await b.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Asha Reader');
    expect(account.body).toContain(email);
    expect(account.body).toContain('action="/logout"');
    const out = await b.post('/logout', {});
    expect([out.statusCode, out.headers.location]).toEqual([303, '/']);
    expect((await b.get('/account')).headers.location).toBe('/login?next=/account');
  });

  it('does the same work for an address with and without an account, and sends the email after answering', async () => {
    const known = newEmail();
    await signUp(browser(t.app), known);
    const unknown = newEmail();
    // A sent code's email is blanked once the job runner has sent it, so new emails are counted by job id, not by address.
    const challenges = async (email: string) =>
      (await db().query<{ n: number }>('select count(*)::int as n from auth_challenges where email = $1', [email])).rows[0]!.n;
    const lastJob = async () =>
      (await db().query<{ id: number }>("select coalesce(max(id), 0)::int as id from jobs where kind = 'notification'")).rows[0]!.id;
    const emailsSince = async (id: number) =>
      (await db().query<{ n: number }>("select count(*)::int as n from jobs where kind = 'notification' and id > $1", [id])).rows[0]!.n;
    for (const [path, form] of [
      ['/login/email', 'login'],
      ['/reset', 'reset'],
    ] as const) {
      const before = { known: await challenges(known), unknown: await challenges(unknown), job: await lastJob() };
      const sentBefore = smtp.messages.length;
      const a = browser(t.app);
      const b = browser(t.app);
      await a.get(form === 'login' ? '/login' : '/reset');
      await b.get(form === 'login' ? '/login' : '/reset');
      const [forKnown, forUnknown] = [await a.post(path, { email: known }), await b.post(path, { email: unknown })];
      expect([forKnown.statusCode, forUnknown.statusCode], path).toEqual([200, 200]);
      // The same page, but for the address and the form's own CSRF token.
      const page = (body: string, email: string) => body.replaceAll(email, 'X').replace(/name="_csrf" value="[^"]+"/g, '');
      expect(page(forKnown.body, known), path).toBe(page(forUnknown.body, unknown));
      // One challenge each and one queued email each: the same writes whether or not there is an account.
      expect((await challenges(known)) - before.known, path).toBe(1);
      expect((await challenges(unknown)) - before.unknown, path).toBe(1);
      expect(await emailsSince(before.job), path).toBe(2);
      // Nothing went out while the requests ran (the job runner sends them afterwards)…
      expect(smtp.messages.length - sentBefore, path).toBeLessThanOrEqual(2);
      // …and then the reader gets a code, the stranger only a pointer to sign up.
      expect((await nextEmail(known)).code, path).toMatch(/^\d{6}$/);
      const stranger = await nextEmail(unknown);
      expect([stranger.code, stranger.link], path).toEqual(['', '']);
    }
  });

  it('accepts an emailed link once, in the browser that asked, and returns to ?next=', async () => {
    const email = newEmail();
    await signUp(browser(t.app), email);
    const b = browser(t.app);
    await b.get('/login?next=/plans');
    expect((await b.post('/login/email', { email, next: '/plans' })).statusCode).toBe(200);
    const { link } = await nextEmail(email);
    const elsewhere = await browser(t.app).get(link);
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.body).toContain('type the 6-digit code from the email in the browser where you asked for it');
    const first = await b.get(link);
    expect([first.statusCode, first.headers.location]).toEqual([303, '/plans']);
    expect(await signedIn(b)).toBe(true);
    const replay = await b.get(link);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('has expired or was already used');
    expect(replay.body).toContain('action="/login/email"'); // a way forward, not a dead end
  });

  it('refuses an expired code, and the right code after five wrong ones', async () => {
    const email = newEmail();
    await signUp(browser(t.app), email);
    const b = browser(t.app);
    await b.post('/login/email', { email });
    const { code } = await nextEmail(email);
    clock.advance(11 * 60_000);
    const expired = await b.post('/login/code', { email, code });
    expect(expired.statusCode).toBe(400);
    expect(expired.body).toContain('has expired or was already used');

    await b.post('/login/email', { email });
    const fresh = (await nextEmail(email)).code;
    const wrong = fresh === '000000' ? '111111' : '000000';
    // Each try from another network of the same browser, so it is the code's own five tries that end it.
    const sameBrowser = () => Object.assign(browser(t.app), { jar: b.jar });
    for (let i = 0; i < 5; i++) {
      const res = await sameBrowser().post('/login/code', { email, code: wrong });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('That code is not right');
      expect(res.body).toContain(`value="${email}"`);
    }
    const right = await sameBrowser().post('/login/code', { email, code: fresh });
    expect(right.statusCode).toBe(400);
    expect(right.body).toContain('has expired or was already used');
    expect(await signedIn(b)).toBe(false);
  });

  it('signs in with a password, with the same answer for an unknown address and a wrong password', async () => {
    const email = newEmail();
    const a = browser(t.app);
    await signUp(a, email);
    const old = a.jar;
    const ok = await a.post('/login', { email, password: PASSWORD, next: '/plans' });
    expect([ok.statusCode, ok.headers.location]).toEqual([303, '/plans']);
    const before = browser(t.app);
    before.jar = old;
    expect(await signedIn(before)).toBe(false); // a new session id at sign-in; the old one ended
    const unknownEmail = newEmail();
    const unknown = await browser(t.app).post('/login', { email: unknownEmail, password: 'Secret pass 123' });
    const wrong = await browser(t.app).post('/login', { email, password: 'Secret pass 123' });
    expect(unknown.statusCode).toBe(400);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('That email and password do not match an account.');
    expect(without(wrong.body, email)).toBe(without(unknown.body, unknownEmail));
    expect(wrong.body).not.toContain('Secret pass 123');
    expect(wrong.body).toContain(`value="${email}"`);
  });

  it('does not reveal which addresses have accounts', async () => {
    const existing = newEmail();
    await signUp(browser(t.app), existing);
    for (const [url, fields] of [
      ['/register', { name: 'Someone', password: PASSWORD }],
      ['/login/email', {}],
      ['/reset', {}],
    ] as const) {
      const fresh = newEmail();
      const a = await browser(t.app).post(url, { ...fields, email: existing });
      const b = await browser(t.app).post(url, { ...fields, email: fresh });
      expect(a.statusCode, url).toBe(200);
      expect(b.statusCode, url).toBe(200);
      expect(without(a.body, existing), url).toBe(without(b.body, fresh));
    }
  });

  it('limits how often codes can be asked for (429 with Retry-After)', async () => {
    const b = browser(t.app);
    const email = newEmail();
    for (let i = 0; i < 5; i++) expect((await b.post('/login/email', { email })).statusCode).toBe(200);
    const limited = await b.post('/login/email', { email });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toContain('Too many requests');
    expect(limited.body).toContain(`value="${email}"`);
  });

  it('cannot be turned against a reader: failures on an attacker’s network leave the reader’s networks and devices alone', async () => {
    const email = newEmail();
    const laptop = browser(t.app);
    await signUp(laptop, email);
    expect(laptop.jar).toMatch(/(^|; )mh_device=d1\.[\w.-]+/);
    expect((await laptop.post('/logout', {})).statusCode).toBe(303);
    const A = '203.0.113.50';
    const attacker = browser(t.app, CHROME_LINUX, A);
    const answers: number[] = [];
    for (let i = 0; i < 20; i++) answers.push((await attacker.post('/login', { email, password: `a wrong guess ${i}` })).statusCode);
    expect(answers.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(answers.slice(5)).toEqual(Array.from({ length: 15 }, () => 429)); // the attacker’s network waits
    // The attacker asks for codes for the address too, and types wrong ones.
    expect((await attacker.post('/login/email', { email })).statusCode).toBe(200);
    await nextEmail(email);
    for (let i = 0; i < 6; i++) await attacker.post('/login/code', { email, code: String(100000 + i) });

    // The reader, on another network, in a browser they never used: password and code both work.
    const away = browser(t.app, SAFARI_IPHONE);
    expect((await away.post('/login', { email, password: PASSWORD })).statusCode).toBe(303);
    const byCode = browser(t.app);
    expect((await byCode.post('/login/email', { email })).statusCode).toBe(200);
    const { code } = await nextEmail(email);
    // Another code asked for by the attacker does not spoil the one the reader is about to type.
    expect((await attacker.post('/login/email', { email })).statusCode).toBe(200);
    await nextEmail(email);
    expect((await byCode.post('/login/code', { email, code })).statusCode).toBe(303);
    expect(await signedIn(byCode)).toBe(true);

    // On the attacker's very network, the reader's own laptop (a known device) still gets in, both ways.
    const home = browser(t.app, CHROME_LINUX, A);
    home.jar = laptop.jar;
    expect((await home.post('/login', { email, password: PASSWORD })).statusCode).toBe(303);
    expect(await signedIn(home)).toBe(true);
    await home.post('/logout', {});
    expect((await home.post('/login/email', { email })).statusCode).toBe(200);
    expect((await home.post('/login/code', { email, code: (await nextEmail(email)).code })).statusCode).toBe(303);
    expect(await signedIn(home)).toBe(true);

    // A forged or another account's device cookie is no way round the attacker's wait.
    const other = browser(t.app);
    await signUp(other, newEmail());
    const otherDevice = /mh_device=([^;]+)/.exec(other.jar)?.[1] ?? '';
    for (const cookie of [`mh_device=${otherDevice}`, `mh_device=${otherDevice.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`]) {
      const forged = browser(t.app, CHROME_LINUX, A);
      forged.jar = cookie;
      expect((await forged.post('/login', { email, password: PASSWORD })).statusCode, cookie).toBe(429);
    }
  });

  it('goes on to a next page whatever its characters, percent-encoded, after writing exactly one session', async () => {
    const email = newEmail();
    await signUp(browser(t.app), email);
    const before = await liveSessions(email);
    const b = browser(t.app);
    const res = await b.post('/login', { email, password: PASSWORD, next: '/ā' });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/%C4%81']);
    expect(await liveSessions(email)).toBe(before + 1);
    expect(await signedIn(b)).toBe(true);
    const cases: [string, string][] = [
      ['/ā ü?x=ß#top', '/%C4%81%20%C3%BC?x=%C3%9F#top'],
      ['/section/markets?page=2', '/section/markets?page=2'],
      ['/%E2%82%AC', '/%E2%82%AC'],
      ['/\u{1F4F0}', '/%F0%9F%93%B0'],
      ['/\u0085', '/%C2%85'],
    ];
    for (const [next, location] of cases) {
      const again = await b.get(`/login?next=${encodeURIComponent(next)}`);
      expect([again.statusCode, again.headers.location], next).toEqual([303, location]);
    }
    expect((await b.get('/login?next=%ED%A0%80')).headers.location).toMatch(/^[\x21-\x7e]+$/);
    expect(await liveSessions(email)).toBe(before + 1);
  });

  it('refuses a form without its CSRF token and changes nothing', async () => {
    const b = browser(t.app);
    const email = newEmail();
    await signUp(b, email);
    const count = smtp.messages.length;
    expect((await b.post('/login/email', { email }, { csrf: false })).statusCode).toBe(403);
    expect((await b.post('/account/delete', { confirm: 'DELETE' }, { csrf: false })).statusCode).toBe(403);
    expect((await b.post('/logout', {}, { csrf: false })).statusCode).toBe(403);
    expect(smtp.messages.length).toBe(count);
    expect(await signedIn(b)).toBe(true);
  });

  it('lists devices by readable name and signs one out at once', async () => {
    const email = newEmail();
    const laptop = browser(t.app, CHROME_LINUX);
    const phone = browser(t.app, SAFARI_IPHONE);
    await signUp(laptop, email);
    await phone.post('/login', { email, password: PASSWORD });
    const page = await laptop.get('/account/devices');
    expect(page.body).toContain('Chrome on Linux');
    expect(page.body).toContain('Safari on iOS');
    expect(page.body.match(/\(this device\)/g)).toHaveLength(1);
    const phoneId = /<p id="device-(\d+)"><strong>Safari on iOS/.exec(page.body)?.[1];
    const out = await laptop.post(`/account/devices/${phoneId}/sign-out`, {});
    expect([out.statusCode, out.headers.location]).toEqual([303, '/account/devices?notice=device-signed-out']);
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(laptop)).toBe(true);
    expect((await laptop.post('/account/devices/abc/sign-out', {})).statusCode).toBe(400);
    await phone.post('/login', { email, password: PASSWORD });
    expect((await laptop.post('/account/devices/sign-out-others', {})).statusCode).toBe(303);
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(laptop)).toBe(true);
  });

  it('changes the password with the current one and signs out the other devices', async () => {
    const email = newEmail();
    const a = browser(t.app);
    const b = browser(t.app, SAFARI_IPHONE);
    await signUp(a, email);
    await b.post('/login', { email, password: PASSWORD });
    expect((await a.get('/account/password')).body).toContain('<label for="current-password">Current password</label>');
    const wrong = await a.post('/account/password', { current: 'not my password', password: 'another fine passphrase' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Your current password is not right.');
    expect(wrong.body).not.toContain('another fine passphrase');
    const ok = await a.post('/account/password', { current: PASSWORD, password: 'another fine passphrase' });
    expect([ok.statusCode, ok.headers.location]).toEqual([303, '/account?notice=password-changed']);
    expect(await signedIn(a)).toBe(true);
    expect(await signedIn(b)).toBe(false);
  });

  describe('at the device limit', () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await buildTestApp(db(), { now: clock.now, env: { SMTP_URL: smtp.url, MASTHEAD_DEVICE_LIMIT: '2' } });
    });

    it('lets the reader choose a device to sign out, and signs that one out', async () => {
      const email = newEmail();
      const first = browser(limited.app);
      await signUp(first, email);
      const second = browser(limited.app, SAFARI_IPHONE);
      expect((await second.post('/login', { email, password: PASSWORD })).statusCode).toBe(303);
      const third = browser(limited.app);
      const choice = await third.post('/login', { email, password: PASSWORD, next: '/plans' });
      expect(choice.statusCode).toBe(200);
      expect(choice.body).toContain('You are signed in on too many devices');
      expect(choice.body.match(/Sign out this device and continue/g)).toHaveLength(2);
      const id = /<p id="device-(\d+)"><strong>Safari on iOS/.exec(choice.body)?.[1] ?? '';
      const token = /name="choiceToken" value="([^"]+)"/.exec(choice.body)?.[1] ?? '';
      // A device that is not one of the account's (an edited form): the choice is shown again, still usable.
      const wrong = await third.post('/login/replace-device', { choiceToken: token, deviceId: '2147483647', next: '/plans' });
      expect(wrong.statusCode).toBe(404);
      expect(wrong.body).toContain('That device is not signed in to your account.');
      expect(wrong.body.match(/Sign out this device and continue/g)).toHaveLength(2);
      expect(wrong.body).toContain(`name="choiceToken" value="${token}"`);
      expect(await signedIn(second)).toBe(true);
      const done = await third.post('/login/replace-device', { choiceToken: token, deviceId: id, next: '/plans' });
      expect([done.statusCode, done.headers.location]).toEqual([303, '/plans']);
      expect(await signedIn(third)).toBe(true);
      expect(await signedIn(second)).toBe(false);
      expect(await signedIn(first)).toBe(true);
      expect((await browser(limited.app).post('/login/replace-device', { choiceToken: token, deviceId: id })).statusCode).toBe(400);
    });

    it('never lets concurrent sign-ins exceed the limit', async () => {
      const email = newEmail();
      const b = browser(limited.app);
      await signUp(b, email);
      await b.post('/logout', {});
      const results = await Promise.all(
        Array.from({ length: 5 }, () => browser(limited.app).post('/login', { email, password: PASSWORD })),
      );
      expect(results.filter((r) => r.statusCode === 303)).toHaveLength(2);
      expect(results.filter((r) => r.body.includes('too many devices'))).toHaveLength(3);
      expect(await liveSessions(email)).toBe(2);
    });
  });

  it('resets a password from the emailed link and signs out every device', async () => {
    const email = newEmail();
    const a = browser(t.app);
    const b = browser(t.app, SAFARI_IPHONE);
    await signUp(a, email);
    await b.post('/login', { email, password: PASSWORD });
    expect((await a.post('/reset', { email })).statusCode).toBe(200);
    const { link } = await nextEmail(email);
    const form = await a.get(link);
    const token = /name="token" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const weak = await a.post('/reset/confirm', { token, password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('Use at least 8 characters.');
    const done = await a.post('/reset/confirm', { token, password: 'a brand new passphrase' });
    expect([done.statusCode, done.headers.location]).toEqual([303, '/login?notice=password-reset']);
    expect(await signedIn(a)).toBe(false);
    expect(await signedIn(b)).toBe(false);
    expect((await browser(t.app).post('/login', { email, password: PASSWORD })).statusCode).toBe(400);
    expect((await browser(t.app).post('/login', { email, password: 'a brand new passphrase' })).statusCode).toBe(303);
  });

  it('downloads the reader’s data as JSON', async () => {
    const b = browser(t.app);
    const email = newEmail();
    await signUp(b, email);
    const res = await b.get('/account/export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="account-data-\d{4}-\d\d-\d\d\.json"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json<{ account: { email: string } }>().account.email).toBe(email);
  });

  it('deletes an account, signing out everywhere; the address can sign up again as new', async () => {
    const email = newEmail();
    const a = browser(t.app);
    const b = browser(t.app, SAFARI_IPHONE);
    await signUp(a, email);
    await b.post('/login', { email, password: PASSWORD });
    const refused = await a.post('/account/delete', { confirm: 'delete please' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Type DELETE in capital letters to confirm.');
    const bye = await a.post('/account/delete', { confirm: 'DELETE' });
    expect(bye.statusCode).toBe(200);
    expect(bye.body).toContain('Your account has been deleted');
    expect(await signedIn(a)).toBe(false);
    expect(await signedIn(b)).toBe(false);
    const again = browser(t.app);
    await again.post('/register', { name: 'New Person', email });
    const mail = await nextEmail(email);
    expect(mail.subject).not.toMatch(/already have/i);
    expect((await again.post('/login/code', { email, code: mail.code })).statusCode).toBe(303);
    expect((await again.get('/account')).body).toContain('New Person');
  });

  it('checks every field, keeps the reader’s input (never the password) and only redirects on-site', async () => {
    const b = browser(t.app);
    const cases: [string, Record<string, string>, string][] = [
      ['/register', { name: 'Asha', email: 'not-an-email', password: 'hunter2 secret' }, 'Enter an email address like name@example.com.'],
      ['/register', { name: 'n'.repeat(101), email: 'ok@example.com' }, 'Use at most 100 characters.'],
      ['/register', { name: 'Asha', email: `${'e'.repeat(250)}@example.com` }, 'An email address has at most 254 characters.'],
      ['/register', { name: 'Asha', email: 'ok@example.com', password: 'p'.repeat(257) }, 'Use at most 256 characters.'],
      ['/login/code', { email: 'ok@example.com', code: '12345' }, 'The code is 6 digits'],
      ['/login/replace-device', { choiceToken: 'x'.repeat(43), deviceId: '-1' }, 'That choice is not valid.'],
    ];
    for (const [url, fields, message] of cases) {
      const res = await b.post(url, fields);
      expect(res.statusCode, url).toBe(400);
      expect(res.body, url).toContain(message);
      if (fields.email && fields.email.length < 200) expect(res.body, url).toContain(`value="${fields.email}"`);
      if (fields.password) expect(res.body, url).not.toContain(fields.password);
    }
    const invalid = await b.post('/register', { name: 'Asha', email: 'bad' });
    expect(invalid.body).toMatch(/aria-describedby="register-email-error" aria-invalid="true"/);
    expect(invalid.body).toContain('value="Asha"');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      expect((await b.get(`/login?next=${encodeURIComponent(next)}`)).body).toContain('name="next" value="/"');
    }
  });

  it('reads every form through its schema: tidied input, a message beside each field, the form shown again', async () => {
    const email = newEmail();
    await signUp(browser(t.app), email);
    const b = browser(t.app);
    // Addresses are trimmed and lower-cased, codes lose the spaces and dashes copied with them.
    const asked = await b.post('/login/email', { email: `  ${email.toUpperCase()} ` });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain(`<strong>${email}</strong>`);
    const { code } = await nextEmail(email);
    const spaced = `${code.slice(0, 3)} - ${code.slice(3)}`;
    expect((await b.post('/login/code', { email: email.toUpperCase(), code: spaced })).statusCode).toBe(303);
    expect(await signedIn(b)).toBe(true);

    const cases: [string, Record<string, string>, Record<string, string>][] = [
      [
        '/reset/confirm',
        { email: '', code: '12', password: 'a fine passphrase' },
        { email: 'Enter your email address.', code: 'The code is 6 digits, like 123456.' },
      ],
      ['/reset/confirm', { email, code: '123456', password: 'p'.repeat(257) }, { password: 'Use at most 256 characters.' }],
      ['/account/password', { current: '', password: '' }, { password: 'Enter your password.' }],
      ['/account/password', { current: PASSWORD, password: 'q'.repeat(300) }, { password: 'Use at most 256 characters.' }],
      ['/account/delete', { confirm: '' }, { confirm: 'Type DELETE to confirm.' }],
      ['/account/delete', { confirm: 'DELETE THIS ACCOUNT NOW' }, { confirm: 'Type DELETE to confirm.' }],
      ['/account/delete', { confirm: 'delete' }, { confirm: 'Type DELETE in capital letters to confirm.' }],
    ];
    for (const [url, fields, errors] of cases) {
      const res = await b.post(url, fields);
      expect(res.statusCode, url).toBe(400);
      expect(res.body, url).toContain('Please correct the fields marked below.');
      for (const [name, message] of Object.entries(errors)) {
        expect(res.body, `${url} ${name}`).toMatch(
          new RegExp(`<p class="field-error" id="[\\w-]+-error">${message.replace(/[.()]/g, '\\$&')}</p>`),
        );
      }
      for (const secret of [fields.password, fields.current].filter((v) => v && v.length > 3)) expect(res.body, url).not.toContain(secret);
    }
    expect((await b.post('/account/delete', { confirm: 'DELETE THIS ACCOUNT NOW' })).body).toContain('value="DELETE THIS ACCOUNT "');
    const noCurrent = await b.post('/account/password', { current: '', password: 'another fine passphrase' });
    expect(noCurrent.statusCode).toBe(400);
    expect(noCurrent.body).toContain('Enter your current password.');
    expect(await signedIn(b)).toBe(true);
    const badLink = await b.post('/reset/confirm', { token: 'not a token', password: 'a fine passphrase' });
    expect([badLink.statusCode, badLink.body.includes('That reset link is not valid. Ask for a new code.')]).toEqual([400, true]);
    const incomplete = await b.get('/login/link?token=short');
    expect([incomplete.statusCode, incomplete.body.includes('This link is not complete')]).toEqual([400, true]);
  });

  it('shows the outbox only in demo mode, and only to this machine', async () => {
    expect((await browser(t.app, CHROME_LINUX, '127.0.0.1').get('/dev/outbox')).statusCode).toBe(404);
    // A database of its own: the job runner of this file's other apps would otherwise send the email through
    // their mailer, not the demo's outbox (every instance of a real site has the same mail set-up).
    const demoDb = await createTestDatabase(engine);
    afterThisFile(() => demoDb.destroy());
    const demo = await buildTestApp(demoDb.db, { now: clock.now, env: { MASTHEAD_DEMO: 'true' } });
    const b = browser(demo.app, CHROME_LINUX, '127.0.0.1');
    const email = newEmail();
    await b.post('/login/email', { email });
    // The email is sent by the job runner once the request's work has committed.
    await vi.waitFor(async () => expect((await b.get('/dev/outbox')).body).toContain(email), { timeout: 5_000, interval: 20 });
    const page = await b.get('/dev/outbox');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Development page.');
    expect(page.body).toContain('<meta name="robots" content="noindex">');
    expect(page.body).toContain(email);
    expect(page.body).toContain('/register');
    expect((await browser(demo.app, CHROME_LINUX, '::1').get('/dev/outbox')).statusCode).toBe(200);
    // From any other address, the page does not exist, and shows nobody's codes.
    for (const ip of ['10.9.8.7', '192.168.1.20', '2001:db8::1']) {
      const elsewhere = await browser(demo.app, CHROME_LINUX, ip).get('/dev/outbox');
      expect(elsewhere.statusCode, ip).toBe(404);
      expect(elsewhere.body, ip).not.toContain(email);
    }
    // X-Forwarded-For counts only from a trusted proxy: behind one, the client's address decides.
    const proxied = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_DEMO: 'true', MASTHEAD_TRUSTED_PROXIES: '127.0.0.1' } });
    const outside = browser(proxied.app, CHROME_LINUX, '127.0.0.1');
    outside.headers['x-forwarded-for'] = '203.0.113.9';
    expect((await outside.get('/dev/outbox')).statusCode).toBe(404);
    expect((await browser(proxied.app, CHROME_LINUX, '127.0.0.1').get('/dev/outbox')).statusCode).toBe(200);
    const spoofed = browser(demo.app, CHROME_LINUX, '203.0.113.9');
    spoofed.headers['x-forwarded-for'] = '127.0.0.1';
    expect((await spoofed.get('/dev/outbox')).statusCode).toBe(404);
  });

  describe('demo accounts', () => {
    const demoConfig = () => loadConfig({ MASTHEAD_DATA: tempDir(), MASTHEAD_DEMO: 'true', LOG_LEVEL: 'silent' });
    const demoAddresses = DEMO_ACCOUNTS.map((a) => a.email);
    const countDemo = async (database: TestDb) =>
      Number(
        (await database.query<{ n: number }>('select count(*)::int as n from users where email = any($1)', [demoAddresses])).rows[0]?.n,
      );

    it('are created in an empty database, with their passwords printed', async () => {
      const fresh = await createTestDatabase(engine);
      try {
        await seedBaseline(fresh.db);
        await createArticle(fresh.db);
        const lines: string[] = [];
        await prepareContent(demoConfig(), fresh.db, (line) => lines.push(line));
        expect(await countDemo(fresh.db)).toBe(DEMO_ACCOUNTS.length);
        for (const a of DEMO_ACCOUNTS) expect(lines.join('\n')).toContain(`password: ${a.password}`);
      } finally {
        await fresh.destroy();
      }
    });

    it('are never added to a database that holds other accounts, and the start says why', async () => {
      const fresh = await createTestDatabase(engine);
      try {
        await seedBaseline(fresh.db);
        await createArticle(fresh.db);
        await provisionUser(fresh.db, { email: 'real.reader@example.com', role: 'reader', password: 'a real password' }, clock.now());
        const lines: string[] = [];
        await prepareContent(demoConfig(), fresh.db, (line) => lines.push(line));
        expect(await countDemo(fresh.db)).toBe(0);
        const said = lines.join('\n');
        expect(said).toContain('Demo accounts not created: this database already holds 1 other account(s)');
        for (const a of DEMO_ACCOUNTS) expect(said).not.toContain(a.password);
      } finally {
        await fresh.destroy();
      }
    });
  });
});
