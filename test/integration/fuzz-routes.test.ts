import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, sessionCookie, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

/** A stack frame, a thrown error's name, or an internal module path: none may reach anyone. */
const LEAK = [/\bat .+\.(js|ts|mjs|cjs):\d+/, /\b\w*Error: /, /node_modules/, /\/src\/\w/, /FST_ERR/];

/** Values attackers and broken clients send where ids, slugs, numbers, addresses and paths belong. */
const ODD = ['%00', '%FF%FE', '1e400', '-1', '99999999999999999999', '%C4%81', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(2_000), '%3Cscript%3E'];

/** What must not change, whatever the input: the tables that hold articles, accounts and money. */
const GUARDED = [
  'articles',
  'sections',
  'plans',
  'settings',
  'users',
  'subscriptions',
  'payments',
  'invoices',
  'refunds',
  'billing_profiles',
];

describeEachEngine('every route against odd input', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  let ip = 0;
  const answers: { what: string; res: LightMyRequestResponse }[] = [];

  const snapshot = async () => {
    const sums = await Promise.all(
      GUARDED.map(async (table) => {
        const { rows } = await db().query<{ sum: string }>(
          `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${table} t`,
        );
        return `${table}:${rows[0]?.sum}`;
      }),
    );
    return sums.join('\n');
  };

  const session = (email: string, password: string) => sessionCookie(t.ctx, email, password);

  /** A browser's cookie jar with its CSRF cookie, and the token its forms carry. */
  async function withCsrf(cookie: string) {
    const page = await t.app.inject({ url: '/login', headers: cookie ? { cookie } : {} });
    const csrf = page.cookies.find((c) => c.name === 'mh_csrf')?.value ?? '';
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return { cookie: [cookie, `mh_csrf=${csrf}`].filter(Boolean).join('; '), token };
  }

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_PAYMENT_GATEWAY: 'test' } });
    for (let i = 0; i < 3; i++) await createArticle(db());
    await provisionUser(db(), { email: 'fuzz.reader@example.com', role: 'reader', password: 'a fuzzing reader password' }, clock.now());
    await provisionUser(db(), { email: 'fuzz.admin@example.com', role: 'admin', password: 'a fuzzing admin password' }, clock.now());
  });

  it('answers every route, with odd params, query strings and bodies, as anyone, with no 5xx, no internals, and nothing stored changed', async () => {
    const who = {
      anonymous: await withCsrf(''),
      reader: await withCsrf(await session('fuzz.reader@example.com', 'a fuzzing reader password')),
      admin: await withCsrf(await session('fuzz.admin@example.com', 'a fuzzing admin password')),
    };
    const before = await snapshot();
    const routes = t.app.routeList.filter((r) => !r.methods.every((m) => m === 'HEAD'));
    expect(routes.length).toBeGreaterThan(40);

    for (const route of routes) {
      const fields = Object.keys((route.schema.body as { properties?: object } | undefined)?.properties ?? {});
      for (const value of ODD) {
        const url =
          route.url.replace(/:[A-Za-z]+(\([^)]*\))?/g, value) +
          `?next=${value}&before=${value}&limit=${value}&email=${value}&token=${value}`;
        for (const [name, as] of Object.entries(who)) {
          for (const method of route.methods.filter((m) => m !== 'HEAD')) {
            const form = [`_csrf=${as.token}`, ...fields.filter((f) => f !== '_csrf').map((f) => `${f}=${value}`)].join('&');
            const res = await t.app.inject({
              method: method as 'GET',
              url,
              headers: { cookie: as.cookie, ...(method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
              ...(method === 'GET' ? {} : { payload: form }),
              remoteAddress: `203.0.${113 + ((++ip >> 8) % 10)}.${ip & 255}`,
            });
            answers.push({ what: `${name} ${method} ${url.slice(0, 120)}`, res });
          }
        }
      }
    }

    const classes: Record<string, number> = {};
    for (const { res } of answers) classes[`${String(res.statusCode)[0]}xx`] = (classes[`${String(res.statusCode)[0]}xx`] ?? 0) + 1;
    const failures = answers.filter(({ res }) => res.statusCode >= 500).map(({ what, res }) => `${res.statusCode} ${what}`);
    expect(failures).toEqual([]);
    expect(classes['4xx'] ?? 0).toBeGreaterThan(answers.length / 2); // most odd input is refused…
    expect(classes['2xx'] ?? 0).toBeGreaterThan(0); // …while pages that ignore what they do not use still answer
    for (const { what, res } of answers) {
      for (const pattern of LEAK) expect(res.body, `${what} leaks ${pattern}`).not.toMatch(pattern);
      expect(res.headers.location ?? '', what).toMatch(/^[\x21-\x7e]*$/);
    }
    expect(await snapshot()).toBe(before);
  }, 600_000);
});
