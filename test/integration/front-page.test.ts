import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { Actor } from '../../src/domain/policies/policies.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

// 15:30 on Wednesday 2 December 2026 in Kolkata.
const NOW = '2026-12-02T10:00:00Z';
const HOUR = 3600 * 1000;

describeEachEngine('the front page and sections, curated in the newsroom', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let editor = '';
  let business = '';
  let reader = '';
  let editorActor: Actor;
  const at = (hoursAgo: number) => new Date(Date.parse(NOW) - hoursAgo * HOUR);

  /** The CSRF token of a page and the cookie header to post it with. */
  const csrf = async (cookie: string, url: string) => {
    const page = await t.app.inject({ url, headers: { cookie } });
    expect(page.statusCode, url).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrfCookie = page.cookies.find((c) => c.name === 'mh_csrf');
    return { token, cookie: csrfCookie ? `${cookie}; mh_csrf=${csrfCookie.value}` : cookie };
  };

  /** Posts `fields` as a form from the page at `from` (whose token it carries) to `action`. */
  const post = async (action: string, fields: Record<string, string>, from = '/admin/sections', cookie = editor) => {
    const form = await csrf(cookie, from);
    return t.app.inject({ method: 'POST', url: action, headers: { cookie: form.cookie }, payload: { _csrf: form.token, ...fields } });
  };
  const curate = (action: string, article: number, extra: Record<string, string> = {}) =>
    post('/admin/front-page', { action, article: String(article), ...extra });

  const home = async () => (await t.app.inject({ url: '/' })).body;
  /** The article slugs linked inside `html`, in order. */
  const slugs = (html: string) => [...html.matchAll(/href="\/article\/([^"]+)"/g)].map((m) => m[1]);
  const block = (html: string, start: string) => {
    const from = html.indexOf(start);
    return from < 0 ? '' : html.slice(from, html.indexOf('</section>', from));
  };

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    for (const role of ['editor', 'business', 'reader'] as const) {
      const { user } = await provisionUser(db(), { email: `${role}@example.com`, role, password: `the ${role} password` }, new Date());
      if (role === 'editor') editorActor = { kind: 'user', id: user.id, role: 'editor' };
    }
    editor = await sessionCookie(t.ctx, 'editor@example.com', 'the editor password');
    business = await sessionCookie(t.ctx, 'business@example.com', 'the business password');
    reader = await sessionCookie(t.ctx, 'reader@example.com', 'the reader password');
  });

  it('shows today’s date in the publisher’s time zone, and leads with the newest story while nothing is curated', async () => {
    const newest = await createArticle(db(), { slug: 'fp-newest', section: 'economy', publishedAt: at(1) });
    t.ctx.content.invalidate();
    const page = await home();
    expect(page).toContain('<time datetime="2026-12-02">Wednesday, 2 December 2026</time>');
    expect(slugs(block(page, 'class="lead-story"'))).toEqual([newest.slug]);
    // Just past midnight in Kolkata it is already Thursday.
    clock.set('2026-12-02T18:31:00Z');
    expect(await home()).toContain('Thursday, 3 December 2026');
    clock.set(NOW);
  });

  it('puts the chosen lead, the picks in the editor’s order and pinned stories on the home page at once', async () => {
    const lead = await createArticle(db(), { slug: 'fp-lead', section: 'companies', headline: 'Chosen lead story', publishedAt: at(30) });
    const picks = [];
    for (const n of [1, 2, 3]) picks.push(await createArticle(db(), { slug: `fp-pick-${n}`, section: 'world', publishedAt: at(40 + n) }));
    const pinned = await createArticle(db(), { slug: 'fp-pinned', section: 'markets', publishedAt: at(200) });
    for (const n of [1, 2, 3, 4])
      await createArticle(db(), {
        slug: `fp-markets-${n}`,
        section: 'markets',
        standfirst: `Standfirst of markets ${n}`,
        publishedAt: at(n),
      });
    await createArticle(db(), { slug: 'fp-world-older', section: 'world', publishedAt: at(300) });

    expect((await curate('lead', lead.id)).statusCode).toBe(303);
    for (const pick of picks) expect((await curate('pick', pick.id)).statusCode).toBe(303);
    // The editor moves the third pick to the top.
    await curate('pick-up', picks[2]!.id);
    await curate('pick-up', picks[2]!.id);
    expect((await curate('pin', pinned.id)).statusCode).toBe(303);

    // No invalidate here: the newsroom's change dropped this process's caches.
    const page = await home();
    expect(slugs(block(page, 'class="lead-story"'))).toEqual(['fp-lead']);
    expect(slugs(block(page, '<h2 id="picks">'))).toEqual(['fp-pick-3', 'fp-pick-1', 'fp-pick-2']);
    const markets = slugs(block(page, 'id="s-markets"'));
    expect(markets[0]).toBe('fp-pinned');
    expect(markets.slice(1)).toEqual(['fp-markets-1', 'fp-markets-2', 'fp-markets-3']);
    // A block's first story has its standfirst; the rest are headlines, so the page is not a column of standfirsts.
    expect(block(page, 'id="s-markets"')).not.toContain('Standfirst of markets');
    // A story the lead or the picks show is not repeated in its section's block.
    expect(slugs(block(page, 'id="s-world"'))).toEqual(['fp-world-older']);
    expect(slugs(page).filter((s) => s === 'fp-lead')).toHaveLength(1);

    // The section's page: pinned first, then the newest, the pinned story not again below.
    const section = await t.app.inject({ url: '/section/markets' });
    const listed = slugs(section.body);
    expect(listed.slice(0, 5)).toEqual(['fp-pinned', 'fp-markets-1', 'fp-markets-2', 'fp-markets-3', 'fp-markets-4']);
    expect(listed.filter((s) => s === 'fp-pinned')).toHaveLength(1);

    // The newsroom's page shows the curation in order.
    const admin = await t.app.inject({ url: '/admin/front-page', headers: { cookie: editor } });
    expect(admin.body).toContain('data-article="' + lead.id + '"');
    expect(slugs(block(admin.body, 'data-list="picks"'))).toEqual([]);
    expect([...block(admin.body, 'data-list="picks"').matchAll(/<li data-article="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([
      picks[2]!.id,
      picks[0]!.id,
      picks[1]!.id,
    ]);
  });

  it('drops a curated story that is unpublished or not yet out, and never shows it to readers', async () => {
    const later = await createArticle(db(), {
      slug: 'fp-scheduled',
      section: 'world',
      headline: 'Embargoed pick',
      publishedAt: new Date(Date.parse(NOW) + 2 * HOUR),
    });
    expect((await curate('pick', later.id)).statusCode).toBe(303);
    expect((await curate('lead', later.id)).statusCode).toBe(303);
    let page = await home();
    expect(page).not.toContain('fp-scheduled');
    expect(page).not.toContain('Embargoed pick');
    // With the chosen lead not out, the newest story leads.
    expect(slugs(block(page, 'class="lead-story"'))).toEqual(['fp-markets-1']);

    // Once its time comes it shows (within the cache's life).
    clock.advance(2 * HOUR + 1000);
    t.ctx.content.invalidate();
    page = await home();
    expect(slugs(block(page, 'class="lead-story"'))).toEqual(['fp-scheduled']);
    expect(slugs(block(page, '<h2 id="picks">'))).toContain('fp-scheduled');

    // Unpublished in the newsroom: gone from the home page at once.
    const article = await t.ctx.newsroom.article(editorActor, later.id);
    const { id: _id, status: _s, publishedAt: _p, updatedAt: _u, version, ...fields } = article!;
    const saved = await t.ctx.newsroom.save(editorActor, { id: later.id, version, fields, action: { kind: 'unpublish' } });
    expect(saved.ok).toBe(true);
    page = await home();
    expect(page).not.toContain('fp-scheduled');
    expect(slugs(block(page, 'class="lead-story"'))).toEqual(['fp-markets-1']);
    // The newsroom still sees it, marked as not shown.
    const admin = await t.app.inject({ url: '/admin/front-page', headers: { cookie: editor } });
    expect(admin.body).toContain('unpublished: not shown to readers');
    clock.set(NOW);
    await curate('clear-lead', later.id);
    await curate('unpick', later.id);
  });

  it('refuses what cannot be curated, with a message and nothing changed', async () => {
    const draft = await createArticle(db(), { slug: 'fp-draft', publishedAt: at(3) });
    await db().updateTable('articles').set({ status: 'draft' }).where('id', '=', draft.id).execute();
    let res = await curate('lead', draft.id);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Only a published or scheduled story can go on the front page.');
    res = await curate('pick', 999_999);
    expect(res.statusCode).toBe(409);
    res = await post('/admin/front-page', { action: 'pick', article: 'twelve' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose a story.');
    const twice = await createArticle(db(), { slug: 'fp-twice', publishedAt: at(5) });
    expect((await curate('pick', twice.id)).statusCode).toBe(303);
    res = await curate('pick', twice.id);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('already one of the editor');
    // At most six picks.
    for (let n = 0; n < 2; n++) await curate('pick', (await createArticle(db(), { slug: `fp-extra-${n}`, publishedAt: at(6 + n) })).id);
    const seventh = await createArticle(db(), { slug: 'fp-seventh', publishedAt: at(9) });
    res = await curate('pick', seventh.id);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('hold at most 6 stories');
    expect(await home()).not.toContain('fp-seventh');
  });

  it('takes the import’s editors_pick as a nomination: a fresh story joins the picks on top, and false never removes one', async () => {
    const before = slugs(block(await home(), '<h2 id="picks">'));
    expect(before).toHaveLength(6);
    await createArticle(db(), { slug: 'fp-imported-pick', section: 'world', editorsPick: true, publishedAt: at(0.5) });
    t.ctx.content.invalidate();
    const after = slugs(block(await home(), '<h2 id="picks">'));
    expect(after).toEqual(['fp-imported-pick', ...before.slice(0, 5)]);
    // Imported again without the flag (an upsert by slug): still a pick.
    await createArticle(db(), { slug: 'fp-imported-pick', section: 'world', editorsPick: false, publishedAt: at(0.5) });
    t.ctx.content.invalidate();
    expect(slugs(block(await home(), '<h2 id="picks">'))).toEqual(after);
  });

  it('finds published stories by headline for the editor to choose', async () => {
    const res = await t.app.inject({ url: '/admin/front-page?q=chosen%20LEAD', headers: { cookie: editor } });
    expect(res.statusCode).toBe(200);
    expect(block(res.body, 'search-results')).toContain('Chosen lead story');
    const none = await t.app.inject({ url: '/admin/front-page?q=%25', headers: { cookie: editor } });
    expect(none.body).toContain('No published story has that in its headline.');
  });

  it('creates a section, edits it, orders it, and a new address leaves a 301 from the old one', async () => {
    let res = await post(
      '/admin/sections/new',
      { name: 'Personal Finance', slug: '', description: 'Money <matters> at home.', premiumEntitlement: 'premium' },
      '/admin/sections/new',
    );
    expect(res.statusCode, res.body).toBe(303);
    const story = await createArticle(db(), { slug: 'fp-savings', section: 'personal-finance', publishedAt: at(2) });
    t.ctx.content.invalidate();
    let page = await t.app.inject({ url: '/section/personal-finance' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<p class="section-description">Money &lt;matters&gt; at home.</p>');
    // New sections go last; moving it up puts it before Markets Insight in navigation and on the home page.
    const order = async () => (await t.ctx.content.sections()).map((s) => s.slug);
    expect((await order()).slice(-2)).toEqual(['markets-insight', 'personal-finance']);
    res = await post('/admin/sections/personal-finance/move', { direction: 'up' }, '/admin/sections');
    expect(res.statusCode).toBe(303);
    expect((await order()).slice(-2)).toEqual(['personal-finance', 'markets-insight']);
    const homePage = await home();
    expect(homePage.indexOf('id="s-personal-finance"')).toBeGreaterThan(0);
    expect(homePage.indexOf('id="s-personal-finance"')).toBeLessThan(homePage.indexOf('id="s-markets-insight"') >>> 0);

    // The address changes: the articles follow, the old address answers 301, pins move with it.
    await curate('pin', story.id);
    res = await post(
      '/admin/sections/personal-finance/edit',
      { name: 'Your Money', slug: 'your-money', description: 'Money at home.', premiumEntitlement: 'markets' },
      '/admin/sections/personal-finance/edit',
    );
    expect(res.statusCode, res.body).toBe(303);
    const moved = await t.app.inject({ url: '/section/personal-finance?before=1764000000000.5' });
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe('/section/your-money?before=1764000000000.5');
    const feed = await t.app.inject({ url: '/section/personal-finance/feed.xml' });
    expect(feed.statusCode).toBe(301);
    expect(feed.headers.location).toBe('/section/your-money/feed.xml');
    page = await t.app.inject({ url: '/section/your-money' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Your Money</h1>');
    expect(slugs(page.body)[0]).toBe('fp-savings');
    const row = await db().selectFrom('articles').select('section').where('id', '=', story.id).executeTakeFirstOrThrow();
    expect(row.section).toBe('your-money');
    // Each change is in the audit log, with who made it and the fields before and after.
    const logged = await db()
      .selectFrom('audit_log')
      .select(['area', 'subject', 'action', 'before', 'after', 'user_id'])
      .where('area', 'in', ['section', 'front-page'])
      .orderBy('id')
      .execute();
    expect(logged.find((e) => e.subject === 'your-money' && e.action === 'update')).toMatchObject({
      user_id: editorActor.kind === 'user' ? editorActor.id : 0,
      before: { slug: 'personal-finance', name: 'Personal Finance', premiumEntitlement: 'premium' },
      after: { slug: 'your-money', name: 'Your Money', premiumEntitlement: 'markets' },
    });
    expect(logged.some((e) => e.subject === 'personal-finance' && e.action === 'create')).toBe(true);
    expect(logged.find((e) => e.subject === 'lead' && e.action === 'lead')).toMatchObject({
      before: { lead: null },
      after: { lead: 'fp-lead' },
    });
    // The section's entitlement now unlocks its premium stories.
    expect((await t.ctx.content.sections()).find((s) => s.slug === 'your-money')?.premiumEntitlement).toBe('markets');
  });

  it('deletes an empty section but refuses one with articles, saying why', async () => {
    let res = await post('/admin/sections/your-money/delete', {}, '/admin/sections');
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('still has articles');
    expect((await t.app.inject({ url: '/section/your-money' })).statusCode).toBe(200);

    await post(
      '/admin/sections/new',
      { name: 'Obituaries', slug: 'obituaries', description: '', premiumEntitlement: '' },
      '/admin/sections/new',
    );
    res = await post('/admin/sections/obituaries/delete', {}, '/admin/sections');
    expect(res.statusCode).toBe(303);
    expect((await t.app.inject({ url: '/section/obituaries' })).statusCode).toBe(404);
    const list = await t.app.inject({ url: '/admin/sections?notice=deleted', headers: { cookie: editor } });
    expect(list.body).toContain('The section is deleted.');
    expect(list.body).not.toContain('data-section="obituaries"');
  });

  it('puts messages beside the fields of a bad section form and keeps what was typed', async () => {
    const res = await post(
      '/admin/sections/new',
      { name: 'Bad Section', slug: 'Markets', description: 'Kept text', premiumEntitlement: 'premium' },
      '/admin/sections/new',
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Another section has this address');
    expect(res.body).not.toContain('premiumEntitlement-error');
    const bad = await post(
      '/admin/sections/new',
      { name: '', slug: '-nope', description: 'Kept text', premiumEntitlement: 'Not Allowed!' },
      '/admin/sections/new',
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="section-name-error">Name the section.');
    expect(bad.body).toContain('id="section-premiumEntitlement-error">Use lower-case letters, digits and hyphens (at most 40)');
    expect(bad.body).toContain('>Kept text</textarea>');
    expect(bad.body).toContain('value="Not Allowed!"');
    // An entitlement the catalogue does not have would lock the section's premium stories for everyone: refused.
    const unknown = await post(
      '/admin/sections/new',
      { name: 'Money Plus', slug: 'money-plus', description: '', premiumEntitlement: 'money-plus' },
      '/admin/sections/new',
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('id="section-premiumEntitlement-error">“money-plus” is not an access entitlement in the catalogue');
    const allowance = await post(
      '/admin/sections/new',
      { name: 'Money Plus', slug: 'money-plus', description: '', premiumEntitlement: 'devices' },
      '/admin/sections/new',
    );
    expect(allowance.statusCode).toBe(400);
    // Renaming to an address another section has is refused too.
    const clash = await post(
      '/admin/sections/economy/edit',
      { name: 'Economy', slug: 'markets', description: '', premiumEntitlement: 'premium' },
      '/admin/sections/economy/edit',
    );
    expect(clash.statusCode).toBe(400);
    expect(clash.body).toContain('Another section has this address');
    expect((await t.app.inject({ url: '/section/economy' })).statusCode).toBe(200);
  });

  it('keeps the pages from readers and the business team', async () => {
    for (const cookie of ['', reader, business]) {
      for (const url of ['/admin/sections', '/admin/sections/new', '/admin/sections/markets/edit', '/admin/front-page']) {
        const res = await t.app.inject({ url, headers: cookie ? { cookie } : {} });
        expect(res.statusCode, url).toBe(404);
      }
      for (const url of ['/admin/sections/new', '/admin/sections/markets/delete', '/admin/front-page']) {
        const res = await t.app.inject({ method: 'POST', url, headers: cookie ? { cookie } : {}, payload: {} });
        expect(res.statusCode, url).toBe(404);
      }
    }
    // The business team's admin page offers neither.
    const adminHome = await t.app.inject({ url: '/admin', headers: { cookie: business } });
    expect(adminHome.body).not.toContain('/admin/sections');
    expect((await t.app.inject({ url: '/section/markets' })).statusCode).toBe(200);
    // An editor finds both from the newsroom's start page.
    const editorHome = await t.app.inject({ url: '/admin', headers: { cookie: editor } });
    expect(editorHome.body).toContain('href="/admin/front-page"');
    expect(editorHome.body).toContain('href="/admin/sections"');
  });
});
