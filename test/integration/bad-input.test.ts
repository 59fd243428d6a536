import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, sessionCookie, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

/** A stack frame, a thrown error's name, or an internal module path: none may reach a reader. */
const LEAK = [/\bat .+\.(js|ts|mjs|cjs):\d+/, /\b\w*Error: /, /node_modules/, /\/src\/\w/, /FST_ERR/];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

describeEachEngine('bad input', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  let slug: string;
  let ipCounter = 0;
  const seen: { what: string; res: LightMyRequestResponse }[] = [];

  /** Every response goes through here, so the final checks cover all of them. */
  async function send(method: Method, url: string, options: { headers?: Record<string, string>; payload?: string } = {}) {
    // A fresh address each time: the network budget is not what these tests are about.
    const ip = `198.51.${100 + (++ipCounter >> 8)}.${ipCounter & 255}`;
    const { headers = {}, payload } = options;
    const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }), remoteAddress: ip });
    seen.push({ what: `${method} ${url.slice(0, 80)}`, res });
    return res;
  }
  const get = (url: string, headers: Record<string, string> = {}) => send('GET', url, { headers });

  function expectHtmlErrorPage(res: LightMyRequestResponse, status: number, what: string) {
    expect(res.statusCode, what).toBe(status);
    expect(res.headers['content-type'], what).toMatch(/^text\/html/);
    // The site's own page, with its navigation, not a bare framework error.
    expect(res.body, what).toMatch(/^<!doctype html><html lang="/);
    expect(res.body, what).toContain('class="masthead"');
    expect(res.body, what).toContain('href="/section/markets"');
    expect(res.body, what).toContain('<footer');
    expect(res.body, what).toMatch(/<h1>[^<]+<\/h1>/);
    expect(res.body, what).toContain('<a href="/">');
  }

  function expectJsonError(res: LightMyRequestResponse, status: number | RegExp, code?: string) {
    if (typeof status === 'number') expect(res.statusCode, res.body).toBe(status);
    else expect(String(res.statusCode), res.body).toMatch(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(Object.keys(body)).toEqual(['error']);
    expect(typeof body.error.message).toBe('string');
    expect(body.error.message.length).toBeGreaterThan(0);
    if (code) expect(body.error.code).toBe(code);
    return body.error;
  }

  async function storedState(): Promise<string> {
    const { rows } = await db().query<{ n: number; sum: string | null }>(
      `select count(*)::int as n, md5(coalesce(string_agg(a::text, E'\\n' order by a.id), '')) as sum from articles a`,
    );
    return JSON.stringify(rows[0]);
  }

  let before: string;

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    slug = (await createArticle(db(), { visibility: 'metered' })).slug;
    for (let i = 0; i < 3; i++) await createArticle(db(), { section: 'markets' });
    before = await storedState();
  });

  it('answers an unknown article with the site’s 404 page', async () => {
    const res = await get('/article/no-such-story');
    expectHtmlErrorPage(res, 404, 'unknown slug');
    expect(res.body).toContain('Page not found');
    expect(res.body).toContain('<meta name="robots" content="noindex">');
  });

  it('refuses slugs that cannot exist with a 4xx, never a 500', async () => {
    for (const url of [
      '/article/UPPER',
      '/article/a..b',
      '/article/%00',
      `/article/${'a'.repeat(300)}`,
      '/article/a%2Fb',
      '/article/-leading-dash',
      '/article/%20',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expectHtmlErrorPage(res, res.statusCode, url);
    }
  });

  it('answers a malformed percent-encoding with 400', async () => {
    expectHtmlErrorPage(await get('/article/%E0%A4%A'), 400, 'bad percent-encoding');
    expectHtmlErrorPage(await get('/section/%ZZ'), 400, 'bad percent-encoding in a section');
  });

  it('refuses page numbers that are not one positive number', async () => {
    for (const query of ['page=abc', 'page=0', 'page=-1', 'page=1.5', 'page=1&page=2', 'page=']) {
      expectHtmlErrorPage(await get(`/section/markets?${query}`), 400, query);
    }
  });

  it('answers a page past the end, and an unknown section, with 404', async () => {
    expectHtmlErrorPage(await get('/section/markets?before=1.1'), 404, 'a page past the oldest story');
    expectHtmlErrorPage(await get('/section/markets?before=1700000000000.9999999999'), 400, 'a cursor no page made');
    expectHtmlErrorPage(await get('/section/no-such-section'), 404, 'unknown section');
    expectHtmlErrorPage(await get('/section/no-such-section/feed.xml'), 404, 'unknown section feed');
  });

  it('still serves a page when links add tracking parameters', async () => {
    expect((await get('/section/markets?utm_source=newsletter')).statusCode).toBe(200);
    expect((await get(`/article/${slug}?utm_source=newsletter`)).statusCode).toBe(200);
    expect((await get('/?utm_source=newsletter')).statusCode).toBe(200);
  });

  it('answers API mistakes in JSON with a stable code', async () => {
    const missing = expectJsonError(await get('/api/v1/articles/nope'), 404, 'not-found');
    expect(missing.message).toMatch(/article/i);
    expectJsonError(await get('/api/v1/articles/UPPER'), 400, 'invalid-input');
    expectJsonError(await get('/api/v1/articles?limit=1000'), 400, 'invalid-input');
    expectJsonError(await get('/api/v1/articles?limit=abc'), 400, 'invalid-input');
    expectJsonError(await get('/api/v1/articles?offset=-5'), 400, 'invalid-input');
    expectJsonError(await get('/api/v1/articles?section=no-such-section'), 404, 'not-found');
    expectJsonError(await get('/api/v1/no-such-endpoint'), 404, 'not-found');
  });

  it('answers a garbled, oversized or tampered reader cookie with the paywall, not an error, and stores nothing', async () => {
    const cookies = [
      'mh_reader=garbage',
      `mh_reader=${'A'.repeat(8_000)}`,
      `mh_reader=r1.${'A'.repeat(22)}.${'B'.repeat(3_000)}`,
      'mh_reader=%E0%A4%A',
      'mh_reader=r1..',
      'mh_reader="\u0001\u007f"',
      `${'x'.repeat(100)}=${'y'.repeat(10_000)}; mh_reader=r1.x.y`,
      `mh_reader=r1.${'A'.repeat(22)}.${'A'.repeat(22)}`,
    ];
    for (const cookie of cookies) {
      const res = await get(`/article/${slug}`, { cookie });
      expect(res.statusCode, cookie.slice(0, 40)).toBe(200);
      expect(res.body, cookie.slice(0, 40)).toContain('data-reason="network-budget-exhausted"');
      expect(res.cookies, cookie.slice(0, 40)).toEqual([]);
    }
    // Cookies that are not there at all (empty value, a stray separator) are a reader without one.
    for (const cookie of [';;;==;mh_reader', 'mh_reader=']) {
      const res = await get(`/article/${slug}`, { cookie });
      expect(res.statusCode, cookie).toBe(200);
      expect(res.body, cookie).toContain('You have 9 free articles left this month.');
    }
  });

  it('refuses an oversized request body with 413 and JSON, not a 500', async () => {
    const big = JSON.stringify({ headline: 'x'.repeat(1024 * 1024) });
    expectJsonError(
      await send('POST', '/api/v1/articles', { payload: big, headers: { 'content-type': 'application/json' } }),
      413,
      'payload-too-large',
    );
  });

  it('refuses malformed JSON with a 4xx', async () => {
    for (const payload of ['{"headline": ', '{"a":1}garbage', '\u0000', '{"__proto__": {"x": 1}}']) {
      const res = await send('POST', '/api/v1/articles', { payload, headers: { 'content-type': 'application/json' } });
      expect(String(res.statusCode), payload).toMatch(/^4\d\d$/);
      expectJsonError(res, /^4\d\d$/);
    }
    const bad = await send('PUT', `/api/v1/articles/${slug}`, {
      payload: '{"headline": ',
      headers: { 'content-type': 'application/json' },
    });
    expectJsonError(bad, /^4\d\d$/);
  });

  it('answers a method a URL does not support with 404 or 405', async () => {
    for (const [method, url] of [
      ['DELETE', `/api/v1/articles/${slug}`],
      ['PUT', `/api/v1/articles/${slug}`],
      ['PATCH', '/api/v1/articles'],
    ] as const) {
      const res = await send(method, url, { payload: '{}', headers: { 'content-type': 'application/json' } });
      expect([404, 405], `${method} ${url}`).toContain(res.statusCode);
    }
    for (const [method, url] of [
      ['DELETE', `/article/${slug}`],
      ['PUT', '/section/markets'],
      ['PATCH', '/'],
      ['POST', '/feed.xml'],
    ] as const) {
      const res = await send(method, url);
      expect([404, 405], `${method} ${url}`).toContain(res.statusCode);
      expect(res.body, `${method} ${url}`).not.toMatch(/expired/i); // no "your form has expired" for a form that never was
    }
  });

  it('answers sitemaps for months that have none with 404, and nonsense with 4xx', async () => {
    expectHtmlErrorPage(await get('/sitemaps/articles-1800-01.xml'), 404, 'a month before the site');
    expectHtmlErrorPage(await get('/sitemaps/articles-2999-12.xml'), 404, 'a month to come');
    expectHtmlErrorPage(await get('/sitemaps/articles-2026-13.xml'), 404, 'no such month');
    for (const url of [
      '/sitemaps/articles-abcd.xml',
      '/sitemaps/articles-2026-1.xml',
      '/sitemaps/articles-2026.xml',
      '/sitemaps/articles-.xml',
      '/sitemaps/nope.xml',
    ]) {
      const res = await get(url);
      expect(String(res.statusCode), url).toMatch(/^4\d\d$/);
    }
  });

  it('answers odd input on every account and admin page with a 4xx, never a 500, and writes no session', async () => {
    const now = clock.now();
    await provisionUser(db(), { email: 'odd.reader@example.com', role: 'reader', password: 'an odd reader password' }, now);
    await provisionUser(db(), { email: 'odd.admin@example.com', role: 'admin', password: 'an odd admin password' }, now);
    const signedIn = (email: string, password: string) => sessionCookie(t.ctx, email, password);
    /** A cookie jar with a CSRF cookie and the token of its form, as a browser holds them. */
    const withCsrf = async (cookie: string) => {
      const page = await get('/reset', cookie ? { cookie } : {});
      const csrfCookie = page.cookies.find((c) => c.name === 'mh_csrf')?.value ?? '';
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      return { cookie: [cookie, `mh_csrf=${csrfCookie}`].filter(Boolean).join('; '), token };
    };
    const anonymous = await withCsrf('');
    const reader = await withCsrf(await signedIn('odd.reader@example.com', 'an odd reader password'));
    const admin = await withCsrf(await signedIn('odd.admin@example.com', 'an odd admin password'));
    const sessions = async () => Number((await db().query<{ n: number }>('select count(*)::int as n from sessions')).rows[0]?.n);
    const before = await sessions();

    const odd = [
      '%00',
      'a%00b%40example.com',
      '%FF%FE',
      '%ED%A0%80',
      '1e400',
      '-1',
      '0',
      '2147483648',
      '%C4%81',
      'x'.repeat(5000),
      '%0D%0ALocation:%20//evil',
    ];
    const expect4xx = (res: LightMyRequestResponse, what: string) => {
      expect(res.statusCode, `${what} → ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, what).toBeLessThan(500);
      expect(res.headers['content-type'], what).toMatch(/^text\/html/);
    };
    for (const value of odd) {
      for (const [who, url] of [
        [anonymous, `/login?next=${value}&notice=${value}`],
        [anonymous, `/register?next=${value}`],
        [anonymous, `/login/code?next=${value}`],
        [reader, `/account?notice=${value}`],
        [reader, `/account/devices?notice=${value}`],
      ] as const) {
        const res = await get(url, { cookie: who.cookie });
        expect(res.statusCode, url.slice(0, 80)).toBeLessThan(500);
        expect(res.headers.location ?? '', url.slice(0, 80)).toMatch(/^[\x21-\x7e]*$/);
      }
      for (const url of [`/login/link?token=${value}`, `/reset/confirm?token=${value}`]) expect4xx(await get(url), url.slice(0, 80));
      expect4xx(await get(`/admin/users?email=${value}`, { cookie: admin.cookie }), `admin search ${value.slice(0, 20)}`);
      expect4xx(await get(`/admin/users/${value}/export`, { cookie: admin.cookie }), `admin export ${value.slice(0, 20)}`);

      const forms: [typeof anonymous, string, string][] = [
        [anonymous, '/login', `email=${value}&password=${value}&next=${value}`],
        [anonymous, '/login/email', `email=${value}&next=${value}`],
        [anonymous, '/register', `name=${value}&email=${value}&password=${value}`],
        [anonymous, '/login/code', `email=${value}&code=${value}`],
        [anonymous, '/login/replace-device', `choiceToken=${value}&deviceId=${value}`],
        [anonymous, '/reset', `email=${value}`],
        [anonymous, '/reset/confirm', `token=${value}&password=${value}`],
        [anonymous, '/reset/confirm', `email=${value}&code=${value}&password=${value}`],
        [reader, '/account/password', `current=${value}&password=${value}`],
        [reader, '/account/delete', `confirm=${value}`],
        [reader, `/account/devices/${value}/sign-out`, ''],
        [admin, `/admin/users/${value}/delete`, `confirm=${value}`],
        [admin, '/admin/users/1/delete', `confirm=${value}`],
      ];
      for (const [who, url, fields] of forms) {
        const res = await send('POST', url, {
          headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: `_csrf=${who.token}&${fields}`,
        });
        expect4xx(res, `POST ${url.slice(0, 60)} ${fields.slice(0, 60)}`);
      }
    }
    // The same forms posted as JSON, with arrays and objects where text belongs.
    for (const url of ['/login', '/register', '/login/code', '/reset/confirm', '/login/replace-device']) {
      const payload = JSON.stringify({
        _csrf: anonymous.token,
        email: ['a@b.co', 'c@d.co'],
        password: { $ne: '' },
        code: 123456,
        deviceId: 1e300,
        next: ['/x'],
      });
      expect4xx(
        await send('POST', url, { headers: { cookie: anonymous.cookie, 'content-type': 'application/json' }, payload }),
        `JSON ${url}`,
      );
    }
    expect(await sessions()).toBe(before);
    // The reader and the admin are still signed in: nothing odd signed them out or deleted them.
    expect((await get('/account', { cookie: reader.cookie })).statusCode).toBe(200);
    expect((await get('/admin/users', { cookie: admin.cookie })).statusCode).toBe(200);
    expect4xx(await get('/admin/users?email=%00', { cookie: admin.cookie }), 'the NUL search');
  });

  it('leaves the stored articles exactly as they were', async () => {
    expect(await storedState()).toBe(before);
  });

  it('never answered with a 500 or showed internals', () => {
    expect(seen.length).toBeGreaterThan(40);
    for (const { what, res } of seen) {
      expect(res.statusCode, what).toBeLessThan(500);
      for (const pattern of LEAK) expect(res.body, `${what} leaks ${pattern}`).not.toMatch(pattern);
    }
  });

  it('sent the security headers on every answer, errors included', () => {
    const missing = seen.filter(
      ({ res }) =>
        !res.headers['content-security-policy'] ||
        res.headers['x-content-type-options'] !== 'nosniff' ||
        res.headers['cross-origin-resource-policy'] !== 'same-site' ||
        !String(res.headers['permissions-policy']).includes('camera=()'),
    );
    expect(missing.map(({ what, res }) => `${res.statusCode} ${what}`)).toEqual([]);
  });
});
