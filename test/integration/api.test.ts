import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/accounts/passwords.js';
import { insertUser } from '../../src/domain/accounts/users.js';
import { grantEntitlements } from '../../src/domain/entitlements/queries.js';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

const GATED = /secret\d+-[3-9]/; // paragraphs after the lead-in
const PASSWORD = 'correct horse battery';
const IPHONE = 'Ledger/2.1 (iPhone; CPU iPhone OS 17_4 like Mac OS X)';
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Ledger/2.1';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describeEachEngine('app API /api/v1', (db, engine) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  let smtp: TestSmtpServer;
  const metered: string[] = [];
  let premium: string;
  let ipCounter = 0;
  let userCounter = 0;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await buildTestApp(db(), { now: clock.now, env: { SMTP_URL: smtp.url } });
    for (let i = 0; i < 14; i++) metered.push((await createArticle(db())).slug);
    premium = (await createArticle(db(), { visibility: 'premium' })).slug;
  });
  afterAll(async () => {
    await t?.ctx.mailer.close();
    await smtp?.close();
  });

  /** Each test asks from its own network, so auth rate limits of one test do not reach another. */
  const newIp = () => `10.${engine === 'pglite' ? 1 : 2}.${++ipCounter}.9`;
  function api(method: 'GET' | 'POST' | 'DELETE', url: string, o: { token?: string; body?: unknown; raw?: string; ip?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined || o.raw !== undefined) headers['content-type'] ??= 'application/json';
    const payload = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    return t.app.inject({ method, url, headers, payload, remoteAddress: o.ip ?? '192.0.2.1' });
  }
  function expectError(res: LightMyRequestResponse, status: number, code: string): string {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json() as Json;
    expect(body.error.code, res.body).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    return body.error.message as string;
  }
  async function newUser(password: string | null = PASSWORD) {
    const email = `reader${++userCounter}@example.com`;
    const user = await insertUser(db(), { email, name: `Reader ${userCounter}`, passwordHash: password && (await hashPassword(password)), role: 'reader', verifiedAt: clock.now() });
    return { ...user, email };
  }
  async function signIn(email: string, ua = IPHONE, extra: Json = {}): Promise<Json> {
    const res = await api('POST', '/api/v1/auth/token', { body: { email, password: PASSWORD, app_name: 'Ledger', ...extra }, headers: { 'user-agent': ua } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const read = async (slug: string, token?: string) => (await api('GET', `/api/v1/articles/${slug}`, { token, ip: newIp() })).json() as Json;

  it('signs in with a password and returns a bearer token pair', async () => {
    const u = await newUser();
    const res = await api('POST', '/api/v1/auth/token', { body: { email: u.email.toUpperCase(), password: PASSWORD, device_name: 'Asha’s iPhone' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, user: { id: u.id, email: u.email, name: u.name, role: 'reader', email_verified: true } });
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
    const code = /\b(\d{6})\b/.exec(mail.subject)![1]!;
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
    const code = /\b(\d{6})\b/.exec((await smtp.waitFor((m) => m.to.includes(u.email))).subject)![1]!;
    const wrong = code === '000000' ? '111111' : '000000';
    expectError(await api('POST', '/api/v1/auth/code/verify', { body: { email: u.email, code: wrong, challenge_token }, ip }), 401, 'invalid-code');
    expect((await api('POST', '/api/v1/auth/code/verify', { body: { email: u.email, code, challenge_token }, ip })).statusCode).toBe(200);

    for (let i = 0; i < 4; i++) expect((await api('POST', '/api/v1/auth/code', { body: { email: u.email }, ip })).statusCode).toBe(202);
    const limited = await api('POST', '/api/v1/auth/code', { body: { email: u.email }, ip });
    expectError(limited, 429, 'rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rotates refresh tokens: the old pair stops working', async () => {
    const first = await signIn((await newUser()).email);
    const res = await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(res.statusCode, res.body).toBe(200);
    const second = res.json();
    expect(second).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expectError(await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: first.refresh_token } }), 401, 'invalid-token');
    expectError(await api('GET', '/api/v1/me', { token: first.access_token }), 401, 'invalid-token');
    expect((await api('GET', '/api/v1/me', { token: second.access_token })).statusCode).toBe(200);
    expectError(await api('POST', '/api/v1/auth/refresh', { body: { refresh_token: 'A'.repeat(43) } }), 401, 'invalid-token');
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
    });
    const denied = await read(premium, access_token);
    expect(denied.access).toMatchObject({ allowed: false, reason: 'subscription-required' });
    expect(denied.article.body_html).toBeNull();

    const startsAt = new Date('2026-11-01T00:00:00Z');
    const endsAt = new Date('2027-11-01T00:00:00Z');
    await grantEntitlements(db(), { userId: u.id, entitlements: ['premium'], source: 'test:complimentary', startsAt, endsAt });
    expect((await api('GET', '/api/v1/me', { token: access_token })).json().entitlements).toEqual([
      { entitlement: 'premium', source: 'test:complimentary', starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString() },
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
      const res = await read(metered[i]!, i % 2 ? b : a);
      expect(res.access, `read ${i + 1}`).toEqual({ allowed: true, reason: 'metered', reads_left: 9 - i });
    }
    for (const token of [a, b]) {
      const res = await read(metered[10]!, token);
      expect(res.access).toEqual({ allowed: false, reason: 'meter-exhausted', reads_left: 0 });
      expect(res.article.body_html).toBeNull();
    }
    expect((await read(metered[0]!, b)).access).toMatchObject({ allowed: true, reason: 'metered-reread' });
  });

  it('never lets concurrent reads from two devices pass the limit', async () => {
    const u = await newUser();
    const a = (await signIn(u.email, IPHONE)).access_token;
    const b = (await signIn(u.email, ANDROID)).access_token;
    for (let i = 0; i < 9; i++) expect((await read(metered[i]!, a)).access.allowed).toBe(true);
    const results = await Promise.all([9, 10, 11, 12, 13].flatMap((i) => [read(metered[i]!, a), read(metered[i]!, b)]));
    const opened = new Set(results.filter((r) => r.access.allowed).map((r) => r.article.slug));
    expect(opened.size).toBe(1);
    const { rows } = await db().query<{ n: number }>('select cardinality(article_ids) as n from reader_meters where user_id = $1', [u.id]);
    expect(rows[0]!.n).toBe(10);
  });

  it('lists devices and signs out another one', async () => {
    const u = await newUser();
    const a = await signIn(u.email, IPHONE, { device_name: 'Asha’s iPhone' });
    const b = await signIn(u.email, ANDROID);
    const list = (await api('GET', '/api/v1/me/devices', { token: a.access_token })).json().devices as Json[];
    expect(list).toHaveLength(2);
    const mine = list.find((d) => d.current)!;
    expect(mine).toMatchObject({ kind: 'app', name: 'Ledger (Asha’s iPhone) on iOS' });
    expect(mine.first_seen).toMatch(/^\d{4}-\d\d-\d\dT/);
    const other = list.find((d) => !d.current)!;
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

  it('answers 409 at the device limit and replaces a chosen device', async () => {
    const u = await newUser();
    const sessions = [];
    for (let i = 0; i < t.ctx.config.deviceLimit; i++) sessions.push(await signIn(u.email));
    const limit = await api('POST', '/api/v1/auth/token', { body: { email: u.email, password: PASSWORD } });
    expectError(limit, 409, 'device-limit-reached');
    const body = limit.json();
    expect(body.devices).toHaveLength(t.ctx.config.deviceLimit);
    expect(body.limit).toBe(t.ctx.config.deviceLimit);
    const victim = body.devices.at(-1).id;
    const replaced = await api('POST', '/api/v1/auth/replace-device', { body: { choice_token: body.choice_token, device_id: victim } });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect((await api('GET', '/api/v1/me', { token: replaced.json().access_token })).statusCode).toBe(200);
    const stillIn = await Promise.all(sessions.map(async (s) => (await api('GET', '/api/v1/me', { token: s.access_token })).statusCode));
    expect(stillIn.filter((s) => s === 401)).toHaveLength(1);
    expectError(await api('POST', '/api/v1/auth/replace-device', { body: { choice_token: body.choice_token, device_id: victim } }), 400, 'expired-code');
  });

  it('serves an OpenAPI 3.1 document of every /api/v1 route with the shared ErrorResponse', async () => {
    const res = await api('GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    const expected: Record<string, string[]> = {
      '/api/v1/auth/token': ['post'], '/api/v1/auth/code': ['post'], '/api/v1/auth/code/verify': ['post'],
      '/api/v1/auth/refresh': ['post'], '/api/v1/auth/revoke': ['post'], '/api/v1/auth/replace-device': ['post'],
      '/api/v1/me': ['get'], '/api/v1/me/devices': ['get'], '/api/v1/me/devices/{id}': ['delete'],
      '/api/v1/articles': ['get'], '/api/v1/articles/{slug}': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual(methods);
    for (const path of Object.keys(doc.paths)) expect(path).toMatch(/^\/api\/v1\//);
    const codes = doc.components.schemas.ErrorResponse.properties.error.properties.code.enum;
    for (const code of ['invalid-input', 'unauthorized', 'invalid-token', 'invalid-credentials', 'invalid-code', 'device-limit-reached', 'rate-limited', 'not-found']) expect(codes).toContain(code);
    for (const [ref, name] of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(doc.components.schemas[name!], ref).toBeDefined();
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"(?!#\/components\/schemas\/)/);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) {
        const what = `${method} ${path}`;
        expect(op.tags?.length, what).toBeGreaterThan(0);
        expect(op.summary, what).toBeTruthy();
        const ok = Object.keys(op.responses).find((s) => s.startsWith('2'))!;
        if (ok !== '204') expect(op.responses[ok].content['application/json'].schema, what).toBeDefined();
        const errors = Object.entries(op.responses as Record<string, Json>).filter(([s]) => s.startsWith('4'));
        expect(errors.length, what).toBeGreaterThan(0);
        for (const [, r] of errors) expect(r.content['application/json'].schema.$ref, what).toMatch(/^#\/components\/schemas\/(ErrorResponse|DeviceLimitResponse)$/);
      }
    }
  });

  it('answers bad input with 400 invalid-input naming the field, never a 500', async () => {
    const u = await newUser();
    const { access_token } = await signIn(u.email);
    const cases: [string, { body?: unknown; raw?: string }, RegExp][] = [
      ['/api/v1/auth/token', { body: { email: 'not-an-email', password: 'x' } }, /^body\/email must match format/],
      ['/api/v1/auth/token', { body: { email: `${'a'.repeat(250)}@example.com`, password: 'x' } }, /body\/email/],
      ['/api/v1/auth/token', { body: { email: u.email, password: 'p'.repeat(10_000) } }, /body\/password/],
      ['/api/v1/auth/token', { body: { email: u.email, password: PASSWORD, device_name: 'd'.repeat(61) } }, /body\/device_name/],
      ['/api/v1/auth/token', { body: { email: u.email, password: PASSWORD, app_name: 'tab\there' } }, /body\/app_name/],
      ['/api/v1/auth/token', {}, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { raw: '' }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { raw: '{"email": ' }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { body: [] }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { body: 'email' }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { raw: 'null' }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { body: { email: 12345, password: PASSWORD } }, /body\/email must be string/],
      ['/api/v1/auth/token', { body: { email: u.email, password: 12345678 } }, /body\/password must be string/],
      ['/api/v1/auth/token', { body: { email: [u.email], password: PASSWORD } }, /body\/email must be string/],
      ['/api/v1/auth/token', { body: { email: u.email } }, /^body\/password is required$/],
      ['/api/v1/auth/token', { body: { email: u.email, password: PASSWORD, role: 'admin' } }, /^body\/role is not allowed$/],
      ['/api/v1/auth/code', { body: { email: u.email, next: '/x' } }, /^body\/next is not allowed$/],
      ['/api/v1/auth/code/verify', { body: { email: u.email, code: '12ab56', challenge_token: 'c'.repeat(43) } }, /body\/code/],
      ['/api/v1/auth/code/verify', { body: { email: u.email, code: 123456, challenge_token: 'c'.repeat(43) } }, /body\/code must be string/],
      ['/api/v1/auth/code/verify', { body: { email: u.email, code: '123456', challenge_token: 'short' } }, /body\/challenge_token/],
      ['/api/v1/auth/refresh', { body: {} }, /^body\/refresh_token is required$/],
      ['/api/v1/auth/refresh', { body: { refresh_token: null } }, /body\/refresh_token must be string/],
      ['/api/v1/auth/replace-device', { body: { choice_token: 'c'.repeat(43), device_id: '5' } }, /body\/device_id must be integer/],
      ['/api/v1/auth/replace-device', { body: { choice_token: 'c'.repeat(43), device_id: 1.5 } }, /body\/device_id must be integer/],
    ];
    for (const [url, options, message] of cases) {
      const res = await api('POST', url, { ...options, ip: newIp() });
      const what = `${url} ${options.raw ?? JSON.stringify(options.body)}`.slice(0, 120);
      expect(res.statusCode, `${what} → ${res.body}`).toBe(400);
      expect(expectError(res, 400, 'invalid-input'), what).toMatch(message);
    }
    const form = await api('POST', '/api/v1/auth/token', { raw: `email=${u.email}&password=x`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectError(form, 415, 'unsupported-media-type');
    expectError(await api('DELETE', `/api/v1/me/devices/${'9'.repeat(30)}`, { token: access_token }), 400, 'invalid-input');
    expectError(await api('GET', '/api/v1/me', { headers: { authorization: 'Basic abc' } }), 401, 'invalid-token');
  });
});
