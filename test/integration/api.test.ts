import { afterAll, beforeAll, expect, it } from 'vitest';
import { grantEntitlements } from '../../src/domain/entitlements/queries.js';
import { buildTestApp, sessionCookie, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { ANDROID, apiClient, codeIn, IPHONE, PASSWORD, type Json } from './api-client.js';

const GATED = /secret\d+-[3-9]/; // paragraphs after the lead-in

describeEachEngine('app API /api/v1', (db, engine) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  let smtp: TestSmtpServer;
  const metered: string[] = [];
  let premium: string;
  const { api, expectError, newIp, newUser, signIn } = apiClient(() => t, db, clock.now, engine);

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await buildTestApp(db(), { now: clock.now, env: { SMTP_URL: smtp.url } });
    for (let i = 0; i < 14; i++) metered.push((await createArticle(db())).slug);
    premium = (await createArticle(db(), { visibility: 'premium' })).slug;
  });
  afterAll(async () => {
    await t.ctx.mailer.close();
    await smtp.close();
  });

  /** The i-th metered article. */
  const meteredSlug = (i: number): string => {
    const found = metered[i];
    if (found === undefined) throw new Error(`no metered article ${i}`);
    return found;
  };
  const read = async (slug: string, token?: string) => (await api('GET', `/api/v1/articles/${slug}`, { token, ip: newIp() })).json<Json>();

  it('signs in with a password and returns a bearer token pair', async () => {
    const u = await newUser();
    const res = await api('POST', '/api/v1/auth/token', {
      body: { email: u.email.toUpperCase(), password: PASSWORD, device_name: 'Asha’s iPhone' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      user: { id: u.id, email: u.email, name: u.name, role: 'reader', email_verified: true },
    });
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(body.refresh_token).not.toBe(body.access_token);
    expect((await api('GET', '/api/v1/me', { token: body.access_token })).json().user.email).toBe(u.email);

    const ip = newIp();
    const wrong = await api('POST', '/api/v1/auth/token', { body: { email: u.email, password: 'not the password' }, ip });
    const unknown = await api('POST', '/api/v1/auth/token', { body: { email: 'nobody@example.com', password: PASSWORD }, ip });
    expect(expectError(wrong, 401, 'invalid-credentials')).toBe(expectError(unknown, 401, 'invalid-credentials'));
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);
    expectError(await api('GET', '/api/v1/me'), 401, 'unauthorized');
  });

  it('signs in with a code emailed through SMTP, bound to the challenge token', async () => {
    const u = await newUser(null);
    const ip = newIp();
    const asked = await api('POST', '/api/v1/auth/code', { body: { email: u.email }, ip });
    expect(asked.statusCode, asked.body).toBe(202);
    const { challenge_token } = asked.json();
    const mail = await smtp.waitFor((m) => m.to.includes(u.email));
    const code = codeIn(mail.subject);
    expect(mail.text).toContain(code);

    const verify = (body: Json) => api('POST', '/api/v1/auth/code/verify', { body: { email: u.email, ...body }, ip });
    expectError(await verify({ code, challenge_token: 'x'.repeat(43) }), 400, 'wrong-browser');
    const ok = await verify({ code, challenge_token });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ token_type: 'Bearer', user: { email: u.email } });
    expectError(await verify({ code, challenge_token }), 401, 'invalid-code'); // single use

    // An address without an account gets the same answer (and an email saying so, to that address only).
    const none = await api('POST', '/api/v1/auth/code', { body: { email: 'nobody-here@example.com' }, ip });
    expect(none.statusCode).toBe(202);
    expect(Object.keys(none.json())).toEqual(['challenge_token']);
  });

  it('refuses a wrong code, then still accepts the right one; rate-limits code requests with Retry-After', async () => {
    const u = await newUser();
    const ip = newIp();
    const { challenge_token } = (await api('POST', '/api/v1/auth/code', { body: { email: u.email }, ip })).json();
    const code = codeIn((await smtp.waitFor((m) => m.to.includes(u.email))).subject);
    const wrong = code === '000000' ? '111111' : '000000';
    expectError(
      await api('POST', '/api/v1/auth/code/verify', { body: { email: u.email, code: wrong, challenge_token }, ip }),
      401,
      'invalid-code',
    );
    expect((await api('POST', '/api/v1/auth/code/verify', { body: { email: u.email, code, challenge_token }, ip })).statusCode).toBe(200);

    for (let i = 0; i < 4; i++) expect((await api('POST', '/api/v1/auth/code', { body: { email: u.email }, ip })).statusCode).toBe(202);
    const limited = await api('POST', '/api/v1/auth/code', { body: { email: u.email }, ip });
    expectError(limited, 429, 'rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps a reader’s sign-in open on their network whatever an attacker does on another', async () => {
    const u = await newUser();
    const attacker = newIp();
    const answers: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await api('POST', '/api/v1/auth/token', { body: { email: u.email, password: `wrong guess ${i}` }, ip: attacker });
      answers.push(res.statusCode);
    }
    expect(answers).toEqual([...Array.from({ length: 5 }, () => 401), ...Array.from({ length: 15 }, () => 429)]);
    const home = newIp();
    expect((await api('POST', '/api/v1/auth/token', { body: { email: u.email, password: PASSWORD }, ip: home })).statusCode).toBe(200);
    const asked = await api('POST', '/api/v1/auth/code', { body: { email: u.email }, ip: home });
    const code = codeIn((await smtp.waitFor((m) => m.to.includes(u.email))).subject);
    const verified = await api('POST', '/api/v1/auth/code/verify', {
      body: { email: u.email, code, challenge_token: asked.json().challenge_token },
      ip: home,
    });
    expect(verified.statusCode, verified.body).toBe(200);
  });

  it('rotates refresh tokens: the old pair stops working', async () => {
    const first = await signIn((await newUser()).email);
    const res = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(res.statusCode, res.body).toBe(200);
    const second = res.json();
    expect(second).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expectError(await api('GET', '/api/v1/me', { token: first.access_token }), 401, 'invalid-token');
    expect((await api('GET', '/api/v1/me', { token: second.access_token })).statusCode).toBe(200);
    expectError(await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: 'A'.repeat(43) } }), 401, 'invalid-token');
    // An unknown token changes nothing; the pair in use still works.
    expect((await api('GET', '/api/v1/me', { token: second.access_token })).statusCode).toBe(200);
    // The old refresh token is refused (and, being a replay, ends the session: next test).
    expectError(await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: first.refresh_token } }), 401, 'invalid-token');
  });

  it('revokes the device’s session when a refresh token that was already exchanged comes back', async () => {
    const u = await newUser();
    const stolen = await signIn(u.email, IPHONE);
    const other = await signIn(u.email, ANDROID);
    const legit = (await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: stolen.refresh_token } })).json();
    const newer = (await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: legit.refresh_token } })).json();
    expect((await api('GET', '/api/v1/me', { token: newer.access_token })).statusCode).toBe(200);
    // The copy of the first refresh token is replayed: refused, and the whole session ends.
    expectError(await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: stolen.refresh_token } }), 401, 'invalid-token');
    expectError(await api('GET', '/api/v1/me', { token: newer.access_token }), 401, 'invalid-token');
    expectError(await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: newer.refresh_token } }), 401, 'invalid-token');
    // The reader signs in again on that device; their other devices were not touched.
    expect((await api('GET', '/api/v1/me', { token: other.access_token })).statusCode).toBe(200);
    const again = await signIn(u.email, IPHONE);
    expect((await api('GET', '/api/v1/me', { token: again.access_token })).statusCode).toBe(200);
    const devices = (await api('GET', '/api/v1/me/devices', { token: again.access_token })).json().devices as Json[];
    expect(devices).toHaveLength(2);
  });

  it('revokes: the token fails on the very next request, and so does its refresh token', async () => {
    const s = await signIn((await newUser()).email);
    const res = await api('POST', '/api/v1/auth/revoke', { token: s.access_token });
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');
    expectError(await api('GET', '/api/v1/me', { token: s.access_token }), 401, 'invalid-token');
    expectError(await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: s.refresh_token } }), 401, 'invalid-token');
  });

  it('expires the access token after an hour; the refresh token still works', async () => {
    const s = await signIn((await newUser()).email);
    clock.advance(59 * 60 * 1000);
    expect((await api('GET', '/api/v1/me', { token: s.access_token })).statusCode).toBe(200);
    clock.advance(61 * 1000);
    expectError(await api('GET', '/api/v1/me', { token: s.access_token }), 401, 'invalid-token');
    const fresh = (await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: s.refresh_token } })).json();
    expect((await api('GET', '/api/v1/me', { token: fresh.access_token })).statusCode).toBe(200);
    clock.set('2026-11-24T10:00:00Z');
  });

  it('shows entitlements on /me, and they open premium articles through the API', async () => {
    const u = await newUser();
    const { access_token } = await signIn(u.email);
    expect((await api('GET', '/api/v1/me', { token: access_token })).json()).toEqual({
      user: { id: u.id, email: u.email, name: u.name, role: 'reader', email_verified: true },
      entitlements: [],
      abilities: {
        subscribe: true,
        view_newsroom: false,
        edit_articles: false,
        view_payments: false,
        refund: false,
        manage_readers: false,
      },
    });
    const denied = await read(premium, access_token);
    expect(denied.access).toMatchObject({ allowed: false, reason: 'subscription-required' });
    expect(denied.article.body_html).toBeNull();

    const startsAt = new Date('2026-11-01T00:00:00Z');
    const endsAt = new Date('2027-11-01T00:00:00Z');
    await grantEntitlements(db(), { userId: u.id, entitlements: ['premium', 'devices'], source: 'test:complimentary', startsAt, endsAt });
    const times = { source: 'test:complimentary', starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString() };
    expect((await api('GET', '/api/v1/me', { token: access_token })).json().entitlements).toEqual([
      { entitlement: 'devices', name: 'All your devices', allowance: 5, ...times },
      { entitlement: 'premium', name: 'Premium stories', allowance: null, ...times },
    ]);
    const allowed = await read(premium, access_token);
    expect(allowed.access).toEqual({ allowed: true, reason: 'entitled', reads_left: null });
    expect(allowed.article.body_html).toMatch(GATED);
    const anonymous = await read(premium);
    expect(anonymous.access.allowed).toBe(false);
    expect(JSON.stringify(anonymous)).not.toMatch(GATED);
  });

  it('meters a registered reader per account across two devices: 10 in total, then denied on either', async () => {
    const u = await newUser();
    const a = (await signIn(u.email, IPHONE)).access_token;
    const b = (await signIn(u.email, ANDROID)).access_token;
    for (let i = 0; i < 10; i++) {
      const res = await read(meteredSlug(i), i % 2 ? b : a);
      expect(res.access, `read ${i + 1}`).toEqual({ allowed: true, reason: 'metered', reads_left: 9 - i });
    }
    for (const token of [a, b]) {
      const res = await read(meteredSlug(10), token);
      expect(res.access).toEqual({ allowed: false, reason: 'meter-exhausted', reads_left: 0 });
      expect(res.article.body_html).toBeNull();
    }
    expect((await read(meteredSlug(0), b)).access).toMatchObject({ allowed: true, reason: 'metered-reread' });
  });

  it('never lets concurrent reads from two devices pass the limit', async () => {
    const u = await newUser();
    const a = (await signIn(u.email, IPHONE)).access_token;
    const b = (await signIn(u.email, ANDROID)).access_token;
    for (let i = 0; i < 9; i++) expect((await read(meteredSlug(i), a)).access.allowed).toBe(true);
    const results = await Promise.all([9, 10, 11, 12, 13].flatMap((i) => [read(meteredSlug(i), a), read(meteredSlug(i), b)]));
    const opened = new Set(results.filter((r) => r.access.allowed).map((r) => r.article.slug));
    expect(opened.size).toBe(1);
    const { rows } = await db().query<{ n: number }>('select cardinality(article_ids) as n from reader_meters where user_id = $1', [u.id]);
    expect(rows[0]?.n).toBe(10);
  });

  it('lists devices and signs out another one', async () => {
    const u = await newUser();
    const a = await signIn(u.email, IPHONE, { device_name: 'Asha’s iPhone' });
    const b = await signIn(u.email, ANDROID);
    const list = (await api('GET', '/api/v1/me/devices', { token: a.access_token })).json().devices as Json[];
    expect(list).toHaveLength(2);
    const mine: Json = list.find((d) => d.current) ?? {};
    expect(mine).toMatchObject({ kind: 'app', name: 'Ledger (Asha’s iPhone) on iOS' });
    expect(list.map((d) => d.abilities)).toEqual([{ sign_out: true }, { sign_out: true }]);
    expect(mine.first_seen).toMatch(/^\d{4}-\d\d-\d\dT/);
    const other: Json = list.find((d) => !d.current) ?? {};
    expect((await api('DELETE', `/api/v1/me/devices/${other.id}`, { token: a.access_token })).statusCode).toBe(204);
    expectError(await api('GET', '/api/v1/me', { token: b.access_token }), 401, 'invalid-token');
    expect((await api('GET', '/api/v1/me/devices', { token: a.access_token })).json().devices).toHaveLength(1);
    expectError(await api('DELETE', `/api/v1/me/devices/${other.id}`, { token: a.access_token }), 404, 'not-found');
    // Another account's device is not found either, and stays signed in.
    const stranger = await signIn((await newUser()).email);
    const theirs = (await api('GET', '/api/v1/me/devices', { token: stranger.access_token })).json().devices[0].id;
    expectError(await api('DELETE', `/api/v1/me/devices/${theirs}`, { token: a.access_token }), 404, 'not-found');
    expect((await api('GET', '/api/v1/me', { token: stranger.access_token })).statusCode).toBe(200);
    expectError(await api('DELETE', '/api/v1/me/devices/abc', { token: a.access_token }), 400, 'invalid-input');
  });

  it('chooses the credential by the route Fastify matched: a session cookie never reaches the API, however the path is spelt', async () => {
    const u = await newUser();
    const cookie = await sessionCookie(t.ctx, u.email, PASSWORD);
    expect((await t.app.inject({ url: '/account', headers: { cookie } })).statusCode).toBe(200);
    for (const url of ['/api/v1/me', '/%61pi/v1/me', '/api/v1/%6De', '/%61%70%69/v1/me/devices']) {
      const res = await api('GET', url, { headers: { cookie } });
      expectError(res, 401, 'unauthorized');
      expect(res.headers['www-authenticate'], url).toMatch(/^Bearer/);
    }
    // A state change on the API, spelt so the raw URL does not start with /api/: no cookie sign-out, no CSRF page.
    const revoke = await api('POST', '/%61pi/v1/auth/revoke', { headers: { cookie } });
    expectError(revoke, 401, 'unauthorized');
    expect((await t.app.inject({ url: '/account', headers: { cookie } })).statusCode).toBe(200);
  });

  it('answers a bearer token that does not work with 401 invalid-token, even where a token is optional', async () => {
    const slug = meteredSlug(0);
    const s = await signIn((await newUser()).email);
    await api('POST', '/api/v1/auth/revoke', { token: s.access_token });
    for (const authorization of ['Bearer garbage', `Bearer ${'A'.repeat(43)}`, `Bearer ${s.access_token}`, 'Basic YTpi']) {
      for (const url of [`/api/v1/articles/${slug}`, '/api/v1/articles']) {
        const res = await api('GET', url, { headers: { authorization }, ip: newIp() });
        expectError(res, 401, 'invalid-token');
        expect(res.headers['www-authenticate'], `${authorization} ${url}`).toMatch(/^Bearer/);
        expect(res.body).not.toMatch(GATED);
      }
    }
    // Without a token the article is read as an anonymous reader, as before.
    expect((await api('GET', `/api/v1/articles/${slug}`, { ip: newIp() })).statusCode).toBe(200);
    // Routes that take no token ignore a stale one: an app can still refresh with its old header attached.
    const fresh = await signIn((await newUser()).email);
    const refreshed = await api('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: fresh.refresh_token },
      headers: { authorization: 'Bearer garbage' },
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
  });

  it('tells an admin’s app what an admin may do', async () => {
    const u = await newUser();
    await db().query(`update users set role = 'admin' where id = $1`, [u.id]);
    const { access_token } = await signIn(u.email);
    expect((await api('GET', '/api/v1/me', { token: access_token })).json().abilities).toEqual({
      subscribe: true,
      view_newsroom: true,
      edit_articles: true,
      view_payments: true,
      refund: true,
      manage_readers: true,
    });
  });

  it('answers 409 at the device limit and replaces a chosen device', async () => {
    const u = await newUser();
    const sessions = [];
    for (let i = 0; i < t.ctx.config.deviceLimit; i++) sessions.push(await signIn(u.email));
    const limit = await api('POST', '/api/v1/auth/token', { body: { email: u.email, password: PASSWORD } });
    expectError(limit, 409, 'device-limit-reached');
    const body = limit.json();
    expect(body.devices).toHaveLength(t.ctx.config.deviceLimit);
    for (const d of body.devices as Json[]) expect(d.abilities).toEqual({ sign_out: true });
    expect(body.limit).toBe(t.ctx.config.deviceLimit);
    const victim = body.devices.at(-1).id;
    // A device that is not one of the account's: refused, and the choice stays open for the right one.
    const stranger = await signIn((await newUser()).email);
    const theirs = (await api('GET', '/api/v1/me/devices', { token: stranger.access_token })).json().devices[0].id;
    for (const device_id of [theirs, 2_147_483_647]) {
      expectError(
        await api('POST', '/api/v1/auth/replace-device', { body: { choice_token: body.choice_token, device_id } }),
        404,
        'not-found',
      );
    }
    expect((await api('GET', '/api/v1/me', { token: stranger.access_token })).statusCode).toBe(200);
    const replaced = await api('POST', '/api/v1/auth/replace-device', { body: { choice_token: body.choice_token, device_id: victim } });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect((await api('GET', '/api/v1/me', { token: replaced.json().access_token })).statusCode).toBe(200);
    const stillIn = await Promise.all(sessions.map(async (s) => (await api('GET', '/api/v1/me', { token: s.access_token })).statusCode));
    expect(stillIn.filter((s) => s === 401)).toHaveLength(1);
    expectError(
      await api('POST', '/api/v1/auth/replace-device', { body: { choice_token: body.choice_token, device_id: victim } }),
      400,
      'expired-code',
    );
  });
});
