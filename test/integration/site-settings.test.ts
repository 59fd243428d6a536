import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { Role } from '../../src/domain/accounts/model.js';
import { loadSupplier } from '../../src/domain/billing/supplier.js';
import { loadSiteSettings, publicationTag, saveSiteSettings } from '../../src/domain/site/settings.js';
import { seedDemoSite } from '../../src/domain/site/demo.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { createTestDatabase, describeEachEngine, engines, type TestDatabase } from '../support/databases.js';
import { followChanges } from '../../src/main.js';
import { actorOf } from '../../src/domain/policies/policies.js';
import { createArticle } from '../support/factories.js';

const NOW = '2026-11-24T10:00:00Z';
const TRUST = ['/about', '/contact', '/terms', '/privacy', '/refunds', '/grievance'];

/** A valid GSTIN of Karnataka (29) whose check character is right. */
const GSTIN = '29AAGCB7383J1Z4';

/** The officer's fields as the grievance page's form names them. */
const OFFICER = {
  officerName: 'Kavya Rao',
  officerDesignation: 'Grievance Officer',
  officerEmail: 'grievance@ledger.test',
  officerPhone: '+91 80 4000 1234',
  officerAddress: '2 Residency Road\nBengaluru 560025',
  officerResponseDays: '15',
};

describeEachEngine('the publication’s settings and trust pages', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  const cookies: Partial<Record<Role, string>> = {};

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    for (const role of ['reader', 'editor', 'business', 'admin'] as const) {
      await provisionUser(db(), { email: `${role}@example.com`, role, password: `the ${role} password` }, new Date());
      cookies[role] = await sessionCookie(t.ctx, `${role}@example.com`, `the ${role} password`);
    }
  });

  /** The form on `url` as the business team finds it: its fields, its CSRF token and cookie. */
  async function formOn(url: string, who: Role = 'business') {
    const cookie = cookies[who] ?? '';
    const page = await t.app.inject({ url, headers: { cookie } });
    expect(page.statusCode, url).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrf = page.cookies.find((c) => c.name === 'mh_csrf')?.value ?? '';
    const values: Record<string, string> = {};
    for (const m of page.body.matchAll(/<input id="[^"]*" name="([^"]+)" type="[^"]*"(?: value="([^"]*)")?/g))
      values[m[1] ?? ''] = decode(m[2] ?? '');
    for (const m of page.body.matchAll(/<textarea id="[^"]*" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g))
      values[m[1] ?? ''] = decode(m[2] ?? '');
    return { values, token, cookie: `${cookie}; mh_csrf=${csrf}` };
  }
  const decode = (s: string) =>
    s
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');

  /** Posts the form of `url` with `changes` over what it showed. */
  async function submit(url: string, changes: Record<string, string>, who: Role = 'business') {
    const form = await formOn(url, who);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: form.cookie },
      payload: { ...form.values, _csrf: form.token, ...changes },
    });
  }

  /** The message shown beside a field, or null. */
  const errorBeside = (body: string, field: string) => {
    const found = new RegExp(`id="settings-${field}-error">([^<]+)<`).exec(body)?.[1];
    return found === undefined ? null : decode(found);
  };
  const valueOf = (body: string, field: string) => new RegExp(`name="${field}" type="[^"]*" value="([^"]*)"`).exec(body)?.[1] ?? null;

  it('shows a new name and tagline in the header and titles on the next request, without a restart', async () => {
    const article = await createArticle(db(), { visibility: 'free' });
    const before = await t.app.inject({ url: `/article/${article.slug}` });
    expect(before.body).toContain('| The Daily Ledger</title>');
    expect((await t.app.inject({ url: '/api/openapi.json' })).json().info.title).toBe('The Daily Ledger API');

    const saved = await submit('/admin/settings', { publicationName: 'The Evening Abacus', tagline: 'Numbers, plainly told' });
    expect(saved.statusCode, saved.body).toBe(303);
    expect(saved.headers.location).toBe('/admin/settings?notice=saved');

    const home = await t.app.inject({ url: '/' });
    expect(home.body).toContain('<title>The Evening Abacus</title>');
    expect(home.body).toContain('<a class="brand" href="/">The Evening Abacus</a>');
    expect(home.body).toContain('<p class="tagline">Numbers, plainly told</p>');
    // The article page, rendered and cached before the change, carries the new name too.
    const after = await t.app.inject({ url: `/article/${article.slug}` });
    expect(after.body).toContain('| The Evening Abacus</title>');
    expect(after.body).not.toContain('The Daily Ledger');
    const feed = await t.app.inject({ url: '/feed.xml' });
    expect(feed.body).toContain('<title>The Evening Abacus</title>');
    // The API's document, generated before the change, is titled with the new name.
    expect((await t.app.inject({ url: '/api/openapi.json' })).json().info.title).toBe('The Evening Abacus API');
    // Emails written from now on use it as well.
    const email = await t.ctx.notifications.templates['account.sign-in']?.render({ to: 'r@example.com', code: '123456', url: 'http://x/' });
    expect((email as { subject: string }).subject).toBe('123456 is your sign-in code for The Evening Abacus');

    // The audit log has who changed what, before → after, and nothing of the fields left as they were.
    const [entry] = await t.ctx.audit.list({ kind: 'user', id: 1, role: 'admin' }, { area: 'settings' });
    expect(entry?.user?.email).toBe('business@example.com');
    expect(entry?.subject).toBe('site');
    expect([...(entry?.changes ?? [])].sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      { field: 'publicationName', before: 'The Daily Ledger', after: 'The Evening Abacus' },
      { field: 'tagline', before: 'Business, markets and the economy, every day', after: 'Numbers, plainly told' },
    ]);

    const form = await t.app.inject({ url: '/admin/settings?notice=saved', headers: { cookie: cookies.business ?? '' } });
    expect(form.body).toContain('Saved: readers see it now.');
    expect(valueOf(form.body, 'publicationName')).toBe('The Evening Abacus');
  });

  it('refuses a wrong time zone, language, logo address or email beside each field, keeping what was typed', async () => {
    const stored = await loadSiteSettings(db());
    const res = await submit('/admin/settings', {
      publicationName: 'Typed but not saved',
      timeZone: 'Mars/Olympus_Mons',
      language: 'not a language!',
      logoUrl: 'javascript:alert(1)',
      faviconUrl: 'http://insecure.example/favicon.ico',
      contactEmail: 'nobody-at-example',
      socialLinks: 'https://x.com/ledger\nftp://old.example/',
    });
    expect(res.statusCode).toBe(400);
    expect(errorBeside(res.body, 'timeZone')).toContain('Mars/Olympus_Mons is not a time zone');
    expect(errorBeside(res.body, 'language')).toContain('is not a language tag');
    expect(errorBeside(res.body, 'logoUrl')).toBe('Enter an https:// address or a path on this site starting with /.');
    expect(errorBeside(res.body, 'faviconUrl')).toBe('Enter an https:// address or a path on this site starting with /.');
    expect(errorBeside(res.body, 'contactEmail')).toBe('nobody-at-example is not an email address.');
    expect(errorBeside(res.body, 'socialLinks')).toBe('ftp://old.example/ is not an https:// address.');
    expect(errorBeside(res.body, 'publicationName')).toBeNull();
    expect(valueOf(res.body, 'publicationName')).toBe('Typed but not saved');
    expect(valueOf(res.body, 'timeZone')).toBe('Mars/Olympus_Mons');
    expect(await loadSiteSettings(db())).toEqual(stored);
    expect((await t.app.inject({ url: '/' })).body).not.toContain('Typed but not saved');
  });

  it('takes the premium stories promised a day as a whole number only, 0 for a new install', async () => {
    expect((await loadSiteSettings(db())).premiumPromisedDaily).toBe(0);
    const form = await formOn('/admin/settings');
    expect(form.values.premiumPromisedDaily).toBe('0');
    for (const typed of ['2.5', 'thirty', '-1']) {
      const refused = await submit('/admin/settings', { premiumPromisedDaily: typed });
      expect(refused.statusCode, typed).toBe(400);
      expect(errorBeside(refused.body, 'premiumPromisedDaily')).toBe(
        'Enter a whole number of stories from 0 to 1,000, such as 30; 0 for no promise.',
      );
      expect(valueOf(refused.body, 'premiumPromisedDaily')).toBe(typed);
    }
    expect((await loadSiteSettings(db())).premiumPromisedDaily).toBe(0);
    expect((await t.app.inject({ url: '/premium' })).body).not.toContain('30+');

    expect((await submit('/admin/settings', { premiumPromisedDaily: ' 30 ' })).statusCode).toBe(303);
    expect((await loadSiteSettings(db())).premiumPromisedDaily).toBe(30);
    expect((await t.app.inject({ url: '/premium' })).body).toContain('Subscribers get 30+ premium stories a day');
    expect((await submit('/admin/settings', { premiumPromisedDaily: '0' })).statusCode).toBe(303);
    expect((await t.app.inject({ url: '/premium' })).body).not.toContain('30+');
  });

  it('takes the gift articles a subscriber may make a month as a whole number, 10 for a new install; a save is in force at once', async () => {
    expect((await formOn('/admin/settings')).values.giftArticlesMonthly).toBe('10');
    for (const typed of ['', 'lots', '-1', '1001']) {
      const refused = await submit('/admin/settings', { giftArticlesMonthly: typed });
      expect(refused.statusCode, typed).toBe(400);
      expect(errorBeside(refused.body, 'giftArticlesMonthly')).toBe(
        'Enter a whole number of articles from 0 to 1,000, such as 10; 0 turns gifting off.',
      );
    }
    expect((await loadSiteSettings(db())).giftArticlesMonthly).toBe(10);
    expect((await submit('/admin/settings', { giftArticlesMonthly: ' 4 ' })).statusCode).toBe(303);
    expect((await loadSiteSettings(db())).giftArticlesMonthly).toBe(4);
    expect(t.ctx.site.giftArticlesMonthly).toBe(4);
    expect((await submit('/admin/settings', { giftArticlesMonthly: '10' })).statusCode).toBe(303);
  });

  it('shows dates and monthly sitemaps in the stored time zone at once, and falls back to MASTHEAD_TIMEZONE when it is cleared', async () => {
    const article = await createArticle(db(), { visibility: 'free', publishedAt: new Date('2026-11-23T20:00:00Z') });
    const shown = async () =>
      /<time datetime="[^"]+">([^<]+)<\/time>/.exec((await t.app.inject({ url: `/article/${article.slug}` })).body)?.[1];
    // A story out at 01:30 on New Year's Day in India went out on New Year's Eve in London: the monthly sitemaps follow.
    const newYear = await createArticle(db(), { visibility: 'free', publishedAt: new Date('2025-12-31T20:00:00Z') });
    const inSitemap = async (month: string) =>
      (await t.app.inject({ url: `/sitemaps/articles-${month}.xml` })).body.includes(`/article/${newYear.slug}<`);
    expect([await inSitemap('2025-12'), await inSitemap('2026-01')]).toEqual([false, true]);
    expect(await shown()).toBe('24 November 2026 at 1:30 am');
    expect((await submit('/admin/settings', { timeZone: 'Europe/London' })).statusCode).toBe(303);
    expect(await shown()).toBe('23 November 2026 at 8:00 pm');
    expect([await inSitemap('2025-12'), await inSitemap('2026-01')]).toEqual([true, false]);
    // The newsroom schedules in the new zone too: the editor shows the story's time on London's clock.
    const id = (await db().selectFrom('articles').select('id').where('slug', '=', article.slug).executeTakeFirstOrThrow()).id;
    const editor = await t.app.inject({ url: `/admin/articles/${id}/edit`, headers: { cookie: cookies.editor ?? '' } });
    expect(editor.body).toContain('value="2026-11-23T20:00"');
    expect((await submit('/admin/settings', { timeZone: '' })).statusCode).toBe(303);
    expect(await shown()).toBe('24 November 2026 at 1:30 am');
  });

  it('stores a new legal identity for new invoices, and refuses a GSTIN that fails its check beside the field', async () => {
    const wrong = await submit('/admin/settings', { supplierGstin: '29AAGCB7383J1Z5', supplierState: '29' });
    expect(wrong.statusCode).toBe(400);
    expect(errorBeside(wrong.body, 'supplierGstin')).toContain('fails its check character');
    const ok = await submit('/admin/settings', {
      supplierName: 'Abacus Media Private Limited',
      supplierAddress: '2 Residency Road\nBengaluru 560025',
      supplierGstin: GSTIN,
      supplierState: '29',
      invoiceSeries: 'EA',
    });
    expect(ok.statusCode, ok.body).toBe(303);
    const supplier = await loadSupplier(db());
    expect(supplier).toMatchObject({ name: 'Abacus Media Private Limited', gstin: GSTIN, stateCode: '29', invoiceSeries: 'EA' });
    expect(supplier.addressLines).toEqual(['2 Residency Road', 'Bengaluru 560025']);
    const form = await t.app.inject({ url: '/admin/settings', headers: { cookie: cookies.business ?? '' } });
    expect(form.body).toContain('PAN (from the GSTIN): AAGCB7383J');
  });

  it('serves the six trust pages, links them from every page’s footer, and offers no telephone that is not set', async () => {
    for (const url of TRUST) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<article class="trust-page"><h1>');
    }
    for (const url of ['/', '/plans', '/about', '/no-such-page']) {
      const body = (await t.app.inject({ url })).body;
      for (const link of TRUST) expect(body, `${url} links ${link}`).toContain(`<a href="${link}">`);
    }
    expect((await submit('/admin/settings', { contactEmail: 'desk@ledger.test', contactPhone: '' })).statusCode).toBe(303);
    const contact = (await t.app.inject({ url: '/contact' })).body;
    expect(contact).toContain('<a href="mailto:desk@ledger.test">desk@ledger.test</a>');
    expect(contact).not.toContain('Telephone');
    expect((await submit('/admin/settings', { contactPhone: '+91 80 4000 5678' })).statusCode).toBe(303);
    const withPhone = (await t.app.inject({ url: '/contact' })).body;
    expect(withPhone).toContain('Telephone: <a href="tel:+918040005678">+91 80 4000 5678</a>');
  });

  it('edits a trust page in Markdown with HTML escaped, and refuses a placeholder that does not exist', async () => {
    const unknown = await submit('/admin/pages/about', { body: 'We are {publication}, est. {founded_year}.' });
    expect(unknown.statusCode).toBe(400);
    expect(errorBeside(unknown.body, 'body')).toContain('There is no placeholder {founded_year}.');
    expect(unknown.body).toContain('We are {publication}, est. {founded_year}.</textarea>');

    const saved = await submit('/admin/pages/about', { title: 'Who we are', body: 'We are **{publication}**. <script>alert(1)</script>' });
    expect(saved.statusCode, saved.body).toBe(303);
    const about = (await t.app.inject({ url: '/about' })).body;
    expect(about).toContain('<h1>Who we are</h1>');
    expect(about).toContain('We are <strong>The Evening Abacus</strong>.');
    expect(about).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(about).not.toContain('<script>');
    const list = await t.app.inject({ url: '/admin/pages', headers: { cookie: cookies.business ?? '' } });
    expect(list.body).toMatch(/data-page="about">.*Edited/);
    expect(list.body).toMatch(/data-page="terms">.*Default/);
  });

  it('will not save the grievance page until the grievance officer is named in full', async () => {
    const blank = Object.fromEntries(Object.keys(OFFICER).map((k) => [k, '']));
    const res = await submit('/admin/pages/grievance', { ...blank, officerResponseDays: '30', title: 'Complaints' });
    expect(res.statusCode).toBe(400);
    expect(errorBeside(res.body, 'officerName')).toBe("Enter the grievance officer's name.");
    expect(errorBeside(res.body, 'officerDesignation')).toBe("Enter the grievance officer's designation.");
    expect(errorBeside(res.body, 'officerEmail')).toBe('Enter an email address.');
    expect(errorBeside(res.body, 'officerPhone')).toBe('Enter a telephone number.');
    expect(errorBeside(res.body, 'officerAddress')).toBe('Enter the postal address.');
    expect(errorBeside(res.body, 'officerResponseDays')).toContain('at most 15 days');
    expect(valueOf(res.body, 'title')).toBe('Complaints');
    const before = (await t.app.inject({ url: '/grievance' })).body;
    expect(before).not.toContain('Name:');

    const saved = await submit('/admin/pages/grievance', OFFICER);
    expect(saved.statusCode, saved.body).toBe(303);
    const page = (await t.app.inject({ url: '/grievance' })).body;
    expect(page).toContain('Name: Kavya Rao');
    expect(page).toContain('<a href="mailto:grievance@ledger.test">grievance@ledger.test</a>');
    expect(page).toContain('Post: 2 Residency Road, Bengaluru 560025');
    expect(page).toContain('decide it within 15 days');

    const hidden = await submit('/admin/pages/grievance', { body: 'Write to us.' });
    expect(hidden.statusCode).toBe(400);
    expect(errorBeside(hidden.body, 'body')).toContain('must show the grievance officer');
  });

  it('lets only the business team and admins reach the settings; an editor and readers find nothing', async () => {
    const status = async (who: Role | null, url: string, method: 'GET' | 'POST' = 'GET') =>
      (
        await t.app.inject({
          method,
          url,
          headers: who ? { cookie: cookies[who] ?? '' } : {},
          ...(method === 'POST' ? { payload: { publicationName: 'Hijacked' } } : {}),
        })
      ).statusCode;
    for (const url of ['/admin/settings', '/admin/pages', '/admin/pages/grievance']) {
      for (const who of [null, 'reader', 'editor'] as const) expect(await status(who, url), `${who} ${url}`).toBe(404);
      for (const who of ['business', 'admin'] as const) expect(await status(who, url), `${who} ${url}`).toBe(200);
    }
    expect(await status('editor', '/admin/settings', 'POST')).toBe(404);
    expect(await status('reader', '/admin/pages/about', 'POST')).toBe(404);
    expect(await status('business', '/admin/pages/nonsense')).toBe(404);
    expect((await loadSiteSettings(db())).publicationName).not.toBe('Hijacked');
    const home = await t.app.inject({ url: '/admin', headers: { cookie: cookies.editor ?? '' } });
    expect(home.body).not.toContain('href="/admin/settings"');
    const businessHome = await t.app.inject({ url: '/admin', headers: { cookie: cookies.business ?? '' } });
    expect(businessHome.body).toContain('href="/admin/settings"');
  });
});

for (const engine of engines()) {
  describe(`settings saved on one instance reach another [${engine}]`, () => {
    let database: TestDatabase;
    afterAll(() => database.destroy());

    it('shows the other instance’s new tagline and time zone once the change is announced, without a restart', async () => {
      database = await createTestDatabase(engine);
      const one = await buildTestApp(database.db);
      const other = await buildTestApp(database.db);
      // The other instance follows announced changes as `masthead start` does.
      const stop = await followChanges(database.handle, other.ctx);
      try {
        expect((await other.app.inject({ url: '/' })).body).toContain(
          '<p class="tagline">Business, markets and the economy, every day</p>',
        );
        const { user } = await provisionUser(
          database.db,
          { email: 'sales@example.com', role: 'business', password: 'the sales password' },
          new Date(),
        );
        const actor = actorOf(user);
        const { site, supplier } = await one.ctx.settings.settings(actor);
        const saved = await one.ctx.settings.saveSettings(actor, {
          publicationName: site.publicationName,
          tagline: 'Heard on every instance',
          language: site.language,
          timeZone: 'Europe/London',
          logoUrl: '',
          faviconUrl: '',
          contactEmail: '',
          contactPhone: '',
          contactAddress: '',
          socialLinks: '',
          premiumPromisedDaily: '0',
          giftArticlesMonthly: '10',
          supplierName: supplier.name,
          supplierAddress: supplier.addressLines.join('\n'),
          supplierState: supplier.stateCode,
          supplierGstin: supplier.gstin,
          invoiceSeries: supplier.invoiceSeries,
        });
        expect(saved).toEqual({ ok: true, changed: true });
        await expect
          .poll(async () => (await other.app.inject({ url: '/' })).body, { timeout: 5000 })
          .toContain('<p class="tagline">Heard on every instance</p>');
        expect(other.ctx.policy.timeZone).toBe('Europe/London');
        // Stripe's tag for this publication's objects stays what it was at the first start, whatever the name becomes.
        expect(await publicationTag(database.db, 'A Renamed Paper')).toBe('The Daily Ledger');
      } finally {
        await stop();
      }
    }, 120_000);

    it('gives the demo a grievance officer and contact details, but never over a publisher’s own', async () => {
      const t = await buildTestApp(database.db);
      expect(await seedDemoSite(database.db)).toBe(true);
      await t.ctx.refresh();
      const grievance = (await t.app.inject({ url: '/grievance' })).body;
      expect(grievance).toContain('Name: Meera Iyer');
      expect(grievance).toContain('grievance@dailyledger.test');
      const site = await loadSiteSettings(database.db);
      expect(site.premiumPromisedDaily).toBe(30);
      await saveSiteSettings(database.db, { ...site, grievanceOfficer: null, contactEmail: 'own@publisher.test' });
      expect(await seedDemoSite(database.db)).toBe(false);
      expect((await loadSiteSettings(database.db)).contactEmail).toBe('own@publisher.test');
    }, 60_000);
  });
}
