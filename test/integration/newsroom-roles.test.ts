import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { Role } from '../../src/domain/accounts/model.js';
import { buildTestApp, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';

describeEachEngine('newsroom: who may reach which admin page', (db) => {
  let t: TestApp;
  const cookies: Partial<Record<Role | 'anonymous', string>> = { anonymous: '' };

  beforeAll(async () => {
    t = await buildTestApp(db());
    for (const role of ['reader', 'editor', 'business', 'admin'] as const) {
      await provisionUser(db(), { email: `${role}@example.com`, role, password: `the ${role} password` }, new Date());
      cookies[role] = await sessionCookie(t.ctx, `${role}@example.com`, `the ${role} password`);
    }
  });

  const status = async (who: keyof typeof cookies, url: string, method: 'GET' | 'POST' = 'GET') => {
    const cookie = cookies[who] ?? '';
    const res = await t.app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(method === 'POST' ? { payload: {} } : {}) });
    return res.statusCode;
  };

  it('hides the whole admin area from readers and visitors', async () => {
    for (const who of ['anonymous', 'reader'] as const) {
      for (const url of ['/admin', '/admin/articles', '/admin/articles/new', '/admin/payments', '/admin/users']) {
        expect(await status(who, url), `${who} ${url}`).toBe(404);
      }
      expect(await status(who, '/admin/articles/new', 'POST'), who).toBe(404);
    }
  });

  it('lets an editor write articles but not see payments, refund or find readers', async () => {
    expect(await status('editor', '/admin')).toBe(200);
    expect(await status('editor', '/admin/articles')).toBe(200);
    expect(await status('editor', '/admin/articles/new')).toBe(200);
    expect(await status('editor', '/admin/payments')).toBe(404);
    expect(await status('editor', '/admin/payments/1/refund', 'POST')).toBe(404);
    expect(await status('editor', '/admin/users')).toBe(404);
    const home = await t.app.inject({ url: '/admin', headers: { cookie: cookies.editor ?? '' } });
    expect(home.body).toContain('href="/admin/articles"');
    expect(home.body).not.toContain('href="/admin/payments"');
  });

  it('lets the business team see payments, refund and find readers, but not edit articles', async () => {
    expect(await status('business', '/admin/payments')).toBe(200);
    expect(await status('business', '/admin/users')).toBe(200);
    // Past the policy, the refund form is only stopped by its missing CSRF token.
    expect(await status('business', '/admin/payments/1/refund', 'POST')).toBe(403);
    expect(await status('business', '/admin/articles')).toBe(404);
    expect(await status('business', '/admin/articles/new')).toBe(404);
    expect(await status('business', '/admin/articles/new', 'POST')).toBe(404);
    const home = await t.app.inject({ url: '/admin', headers: { cookie: cookies.business ?? '' } });
    expect(home.body).toContain('href="/admin/payments"');
    expect(home.body).not.toContain('href="/admin/articles"');
  });

  it('lets an admin do both', async () => {
    for (const url of ['/admin/articles', '/admin/articles/new', '/admin/payments', '/admin/users'])
      expect(await status('admin', url), url).toBe(200);
  });

  it('offers each member of staff only admin pages that open for them, on every admin page', async () => {
    for (const role of ['editor', 'business', 'admin'] as const) {
      const home = await t.app.inject({ url: '/admin', headers: { cookie: cookies[role] ?? '' } });
      const links = [...new Set([...home.body.matchAll(/href="(\/admin\/[a-z-]+)"/g)].map((m) => m[1] ?? ''))];
      expect(links.length, role).toBeGreaterThan(0);
      for (const link of links) expect(await status(role, link), `${role} ${link}`).toBe(200);
      // The bar of areas is on the area pages too.
      const area = await t.app.inject({ url: links[0] ?? '', headers: { cookie: cookies[role] ?? '' } });
      expect(area.body).toContain('class="admin-nav"');
      for (const link of links) expect(area.body, `${role} ${link}`).toContain(`href="${link}"`);
    }
  });
});
