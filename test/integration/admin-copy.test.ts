import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { adminForms } from '../support/admin-forms.js';
import { buildTestApp, cookiesFrom, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

describeEachEngine('copy templates: preview with real figures, checks that name the problem, live on the site', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  let business = '';
  let editor = '';
  const { post } = adminForms(() => t);
  const PAGE = '/admin/copy/paywall.meter_exhausted';

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_FREE_LIMIT: '3' } });
    for (const role of ['business', 'editor'] as const) {
      await provisionUser(db(), { email: `${role}@example.com`, role, password: `the ${role} password` }, new Date());
    }
    business = await sessionCookie(t.ctx, 'business@example.com', 'the business password');
    editor = await sessionCookie(t.ctx, 'editor@example.com', 'the editor password');
  });

  const get = (url: string, cookie = business) => t.app.inject({ url, headers: cookie ? { cookie } : {} });

  it('lists every reader-facing message by group', async () => {
    const res = await get('/admin/copy');
    expect(res.statusCode).toBe(200);
    for (const text of ['Paywall', 'Emails', 'Meter countdown', 'article.wire_disclaimer', 'email.pre_debit.body'])
      expect(res.body).toContain(text);
  });

  it('previews a template with the free limit in force and the cheapest per-month price', async () => {
    const text = 'Only {free_limit} free stories a month.';
    const res = await get(`${PAGE}/preview?text=${encodeURIComponent(text)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, text: 'Only 3 free stories a month.' });
    const from = await get(`/admin/copy/paywall.plans_from/preview?text=${encodeURIComponent('From {per_month} a month.')}`);
    expect(from.json()).toEqual({ ok: true, text: 'From ₹162 a month.' });
    const premium = await get(`/admin/copy/paywall.premium/preview?text=${encodeURIComponent('For {publication} readers.')}`);
    expect(premium.json()).toEqual({ ok: true, text: `For ${t.ctx.site.publicationName} readers.` });
    // Without JavaScript: the Preview button renders the same on the page, and saves nothing.
    const page = await post(business, PAGE, PAGE, { text, action: 'preview' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<p class="notice" id="preview" role="status" aria-live="polite">Only 3 free stories a month.</p>');
    expect((await get('/admin/copy')).body).not.toContain('Only {free_limit}');
  });

  it('refuses an unknown variable, a missing one and bad syntax, naming each, and keeps what was typed', async () => {
    const unknown = await post(business, PAGE, PAGE, { text: 'You read {freelimit} stories.', action: 'save' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('{freelimit} is not a variable here: use {free_limit}');
    expect(unknown.body).toContain('You read {freelimit} stories.</textarea>');

    const missing = await post(business, PAGE, PAGE, { text: 'You have read your free stories.', action: 'save' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('{free_limit} is missing');

    const broken = await post(business, PAGE, PAGE, { text: 'You read {free_limit', action: 'save' });
    expect(broken.statusCode).toBe(400);
    expect(broken.body).toContain('The template does not parse: a { is not closed with }');

    const preview = await get(`${PAGE}/preview?text=${encodeURIComponent('{{free_limit}} left')}`);
    expect(preview.statusCode).toBe(400);
    expect(preview.json().message).toContain('{{free_limit}} is not a placeholder here');
    expect((await get('/admin/copy')).body).not.toContain('badge">edited');
  });

  it('a saved template shows on the paywall at once, and reset brings the default back', async () => {
    const saved = await post(business, PAGE, PAGE, {
      text: 'That was {free_limit, plural, one {your # free story} other {your # free stories}} for this month.',
      action: 'save',
    });
    expect(saved.statusCode, saved.body).toBe(303);
    let cookie = '';
    const slugs: string[] = [];
    for (let i = 0; i < 4; i++) slugs.push((await createArticle(db())).slug);
    for (const slug of slugs.slice(0, 3))
      cookie = cookiesFrom(await t.app.inject({ url: `/article/${slug}`, headers: { cookie } }), cookie);
    const walled = await t.app.inject({ url: `/article/${slugs[3]}`, headers: { cookie } });
    expect(walled.body).toContain('That was your 3 free stories for this month.');

    const reset = await post(business, PAGE, `${PAGE}/reset`, {});
    expect(reset.statusCode).toBe(303);
    const again = await t.app.inject({ url: `/article/${slugs[3]}`, headers: { cookie } });
    expect(again.body).toContain('You&#39;ve reached your limit of 3 free articles this month.');
  });

  it('is not there for an editor or a reader', async () => {
    expect((await get('/admin/copy', editor)).statusCode).toBe(404);
    expect((await get(`${PAGE}/preview?text=x`, editor)).statusCode).toBe(404);
    expect((await get('/admin/copy', '')).statusCode).toBe(404);
    const home = await get('/admin', editor);
    expect(home.body).not.toContain('/admin/copy');
  });
});
