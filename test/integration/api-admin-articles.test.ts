import { afterEach, beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { jsonCall, type Json } from './api-client.js';

const NOW = '2026-11-24T10:00:00Z';

const ARTICLE = {
  headline: 'Cotton prices ease after a strong harvest',
  standfirst: 'Mills expect cheaper yarn by January.',
  body: 'First paragraph for everyone.\n\nSecond paragraph with api-secret-text.',
  section: 'markets',
  tags: ['cotton'],
  authors: ['Wire Desk'],
  visibility: 'premium',
  provenance: 'staff',
};

describeEachEngine('admin API: the newsroom publishes from its own tools', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  const tokens: Record<string, string> = {};

  const call = jsonCall(() => t);

  /** A fresh token for `role` (tokens last an hour: a test that moves the clock further signs in again). */
  const signIn = async (role: 'editor' | 'business' | 'reader') => {
    const res = await call('POST', '/api/v1/auth/token', undefined, { email: `${role}@example.com`, password: `${role} long password` });
    expect(res.statusCode, res.body).toBe(200);
    tokens[role] = res.json<Json>().access_token as string;
  };
  /** A reader's page, as a reader would get it now (the test moves the clock: cached pages are dropped). */
  const page = (url: string) => {
    t.ctx.content.invalidate();
    return t.app.inject({ url });
  };

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    for (const role of ['editor', 'business', 'reader'] as const) {
      await provisionUser(db(), { email: `${role}@example.com`, role, name: `The ${role}`, password: `${role} long password` }, new Date());
      await signIn(role);
    }
  });
  afterEach(() => clock.set(NOW));

  it('creates a draft, publishes it over its version, and the article is on the site at once', async () => {
    const created = await call('POST', '/api/v1/admin/articles', tokens.editor, ARTICLE);
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json<Json>().article as Json;
    expect(draft).toMatchObject({ slug: 'cotton-prices-ease-after-a-strong-harvest', status: 'draft', version: 1, published_at: null });
    expect((await t.app.inject({ url: `/article/${draft.slug}` })).statusCode).toBe(404);

    const published = await call('PUT', `/api/v1/admin/articles/${draft.id}`, tokens.editor, {
      ...ARTICLE,
      slug: 'cotton-prices-ease',
      version: 1,
      action: 'publish',
    });
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json<Json>().article).toMatchObject({ status: 'published', version: 2, published_at: NOW.replace('Z', '.000Z') });
    // Readers see it on every route without waiting for a cache, and the old slug leads to the new one.
    const page = await t.app.inject({ url: '/article/cotton-prices-ease' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('api-secret-text');
    const moved = await t.app.inject({ url: `/api/v1/articles/${draft.slug}` });
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe('/api/v1/articles/cotton-prices-ease');

    const listed = await call('GET', '/api/v1/admin/articles?status=published', tokens.editor);
    expect(listed.json<Json>().articles.map((a: Json) => a.slug)).toContain('cotton-prices-ease');
    const revisions = await call('GET', `/api/v1/admin/articles/${draft.id}/revisions`, tokens.editor);
    expect(revisions.json<Json>().revisions.map((r: Json) => [r.version, r.action, r.by])).toEqual([
      [2, 'publish', 'The editor'],
      [1, 'create', 'The editor'],
    ]);
  });

  it('refuses to overwrite a newer version, and says which version is current', async () => {
    const created = (await call('POST', '/api/v1/admin/articles', tokens.editor, { ...ARTICLE, slug: 'conflict-test' })).json<Json>();
    const id = created.article.id as number;
    expect(
      (await call('PUT', `/api/v1/admin/articles/${id}`, tokens.editor, { ...ARTICLE, slug: 'conflict-test', version: 1 })).statusCode,
    ).toBe(200);
    const stale = await call('PUT', `/api/v1/admin/articles/${id}`, tokens.editor, {
      ...ARTICLE,
      slug: 'conflict-test',
      headline: 'A stale edit',
      version: 1,
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json<Json>().error).toMatchObject({ code: 'conflict' });
    expect(stale.json<Json>().error.message).toContain('version 2');
    const kept = await call('GET', `/api/v1/admin/articles/${id}`, tokens.editor);
    expect(kept.json<Json>().article.headline).toBe(ARTICLE.headline);
  });

  it('names each field that is wrong, and stores nothing', async () => {
    const bad = await call('POST', '/api/v1/admin/articles', tokens.editor, {
      ...ARTICLE,
      section: 'no-such-section',
      provenance: 'somewhere',
      action: 'schedule',
      publish_at: '2026-11-25T09:00:00Z',
    });
    expect(bad.statusCode, bad.body).toBe(400);
    const error = bad.json<Json>().error as Json;
    expect(error.code).toBe('invalid-input');
    expect(Object.keys(error.fields as Json).sort()).toEqual(['provenance', 'section']);
    const noTime = await call('POST', '/api/v1/admin/articles', tokens.editor, { ...ARTICLE, slug: 'no-time', action: 'schedule' });
    expect(noTime.json<Json>().error.fields).toEqual({ publish_at: 'Say when it goes out (publish_at).' });
    const extra = await call('POST', '/api/v1/admin/articles', tokens.editor, { ...ARTICLE, slug: 'extra', sneaky: true });
    expect(extra.statusCode).toBe(400);
    const listed = await call('GET', '/api/v1/admin/articles?q=Cotton', tokens.editor);
    expect(listed.json<Json>().articles.map((a: Json) => a.slug)).not.toContain('no-time');
  });

  it('is the newsroom’s only: no token is 401, a reader’s or the business team’s finds nothing', async () => {
    expect((await call('GET', '/api/v1/admin/articles', undefined)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/admin/articles', 'not-a-real-token-at-all-xxxxxxxx')).statusCode).toBe(401);
    for (const role of ['reader', 'business']) {
      expect((await call('GET', '/api/v1/admin/articles', tokens[role])).statusCode, role).toBe(404);
      expect((await call('POST', '/api/v1/admin/articles', tokens[role], ARTICLE)).statusCode, role).toBe(404);
    }
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json<Json>();
    expect(Object.keys(doc.paths as Json)).toEqual(
      expect.arrayContaining([
        '/api/v1/admin/articles',
        '/api/v1/admin/articles/{id}',
        '/api/v1/admin/articles/{id}/revisions',
        '/api/v1/admin/articles/{id}/corrections',
      ]),
    );
    expect(doc.paths['/api/v1/admin/articles/{id}'].put.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/admin/articles/{id}'].put.summary).toContain('a field left out keeps its stored value');
    const body = doc.paths['/api/v1/admin/articles'].post.requestBody.content['application/json'].schema.properties as Json;
    for (const field of ['embargo_until', 'seo_title', 'meta_description', 'canonical_url', 'social_image_url', 'show_updated'])
      expect(body[field], field).toBeDefined();
  });

  it('keeps an embargoed story off the site until its time, naming the field when a publication is too early', async () => {
    // 18:00 in Kolkata is 12:30 UTC, after NOW.
    const embargo = { ...ARTICLE, slug: 'embargoed-by-api', embargo_until: '2026-11-24T18:00:00+05:30' };
    const early = await call('POST', '/api/v1/admin/articles', tokens.editor, { ...embargo, action: 'publish' });
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json<Json>().error.fields).toEqual({ embargo_until: expect.stringContaining('under embargo') as unknown });
    const created = await call('POST', '/api/v1/admin/articles', tokens.editor, embargo);
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json<Json>().article as Json;
    expect(draft.embargo_until).toBe('2026-11-24T12:30:00.000Z');
    const beforeEmbargo = await call('PUT', `/api/v1/admin/articles/${draft.id}`, tokens.editor, {
      ...ARTICLE,
      version: draft.version,
      action: 'schedule',
      publish_at: '2026-11-24T12:00:00Z',
    });
    expect(beforeEmbargo.statusCode).toBe(400);
    expect(beforeEmbargo.json<Json>().error.fields).toEqual({ publish_at: 'Schedule it at or after the embargo ends.' });

    // The embargo was left out of that save and of this one: it is kept.
    const scheduled = await call('PUT', `/api/v1/admin/articles/${draft.id}`, tokens.editor, {
      ...ARTICLE,
      version: draft.version,
      action: 'schedule',
      publish_at: '2026-11-24T12:30:00Z',
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(scheduled.json<Json>().article).toMatchObject({
      slug: 'embargoed-by-api',
      status: 'scheduled',
      embargo_until: '2026-11-24T12:30:00.000Z',
    });
    const listed = await call('GET', '/api/v1/admin/articles?status=scheduled', tokens.editor);
    expect(listed.json<Json>().articles).toContainEqual(
      expect.objectContaining({ slug: 'embargoed-by-api', embargo_until: '2026-11-24T12:30:00.000Z' }),
    );
    expect((await page('/article/embargoed-by-api')).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/articles/embargoed-by-api' })).statusCode).toBe(404);
    clock.set('2026-11-24T12:31:00Z');
    expect((await page('/article/embargoed-by-api')).statusCode).toBe(200);
  });

  it('takes the SEO fields with the editor’s checks, puts them in the page’s head, keeps them when left out and clears them with null', async () => {
    const refused = await call('POST', '/api/v1/admin/articles', tokens.editor, {
      ...ARTICLE,
      slug: 'seo-by-api',
      seo_title: 'T'.repeat(121),
      canonical_url: 'http://elsewhere.example/x',
    });
    expect(refused.statusCode, refused.body).toBe(400);
    const fields = refused.json<Json>().error.fields as Json;
    expect(Object.keys(fields).sort()).toEqual(['canonical_url', 'seo_title']);
    expect(fields.canonical_url).toContain('https://');
    expect(fields.seo_title).toContain('120');
    expect((await call('GET', '/api/v1/admin/articles?q=Cotton', tokens.editor)).json<Json>().articles).not.toContainEqual(
      expect.objectContaining({ slug: 'seo-by-api' }),
    );

    const seo = {
      seo_title: 'Cotton gets cheaper',
      meta_description: 'Yarn prices to follow.',
      canonical_url: 'https://original.example/cotton',
      social_image_url: '/media/cotton.jpg',
    };
    const created = await call('POST', '/api/v1/admin/articles', tokens.editor, {
      ...ARTICLE,
      slug: 'seo-by-api',
      action: 'publish',
      ...seo,
    });
    expect(created.statusCode, created.body).toBe(201);
    const article = created.json<Json>().article as Json;
    expect(article).toMatchObject(seo);
    let story = await page('/article/seo-by-api');
    expect(story.body).toContain('<title>Cotton gets cheaper |');
    expect(story.body).toContain('<meta name="description" content="Yarn prices to follow.">');
    expect(story.body).toContain('<link rel="canonical" href="https://original.example/cotton">');
    expect(story.body).toContain(`<meta property="og:image" content="${t.ctx.config.publicUrl}/media/cotton.jpg">`);

    const kept = await call('PUT', `/api/v1/admin/articles/${article.id}`, tokens.editor, {
      headline: 'Cotton prices ease further',
      section: ARTICLE.section,
      visibility: ARTICLE.visibility,
      version: article.version,
    });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json<Json>().article).toMatchObject({ ...seo, slug: 'seo-by-api', body: ARTICLE.body, tags: ARTICLE.tags });

    const cleared = await call('PUT', `/api/v1/admin/articles/${article.id}`, tokens.editor, {
      ...ARTICLE,
      version: kept.json<Json>().article.version,
      seo_title: null,
      canonical_url: null,
    });
    expect(cleared.json<Json>().article).toMatchObject({ seo_title: null, canonical_url: null, meta_description: seo.meta_description });
    story = await page('/article/seo-by-api');
    expect(story.body).toContain(`<title>${ARTICLE.headline} |`);
    expect(story.body).toContain(`<link rel="canonical" href="${t.ctx.config.publicUrl}/article/seo-by-api">`);
  });

  it('shows a substantive update as "Updated" only when the save says so', async () => {
    const created = await call('POST', '/api/v1/admin/articles', tokens.editor, { ...ARTICLE, slug: 'updated-by-api', action: 'publish' });
    const article = created.json<Json>().article as Json;
    expect(article.shown_updated_at).toBeNull();
    clock.advance(20 * 60_000);
    const quiet = await call('PUT', `/api/v1/admin/articles/${article.id}`, tokens.editor, {
      ...ARTICLE,
      body: 'A typo fixed.\n\nSecond.',
      version: article.version,
    });
    expect(quiet.json<Json>().article.shown_updated_at).toBeNull();
    clock.advance(20 * 60_000);
    const updated = await call('PUT', `/api/v1/admin/articles/${article.id}`, tokens.editor, {
      ...ARTICLE,
      body: 'New facts.\n\nSecond.',
      version: quiet.json<Json>().article.version,
      show_updated: true,
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json<Json>().article.shown_updated_at).toBe('2026-11-24T10:40:00.000Z');
    // 10:40 UTC is 4:10 pm in Kolkata.
    expect((await page('/article/updated-by-api')).body).toMatch(
      /<span class="updated">Updated <time datetime="2026-11-24T10:40:00.000Z">[^<]*4:10/,
    );
  });

  it('appends corrections and clarifications, shown at the foot of the page with their dates', async () => {
    const created = await call('POST', '/api/v1/admin/articles', tokens.editor, {
      ...ARTICLE,
      slug: 'corrected-by-api',
      action: 'publish',
    });
    const article = created.json<Json>().article as Json;
    const url = `/api/v1/admin/articles/${article.id}/corrections`;
    const correction = await call('POST', url, tokens.editor, {
      kind: 'correction',
      text: ' An earlier version gave the harvest as 20% larger. ',
    });
    expect(correction.statusCode, correction.body).toBe(201);
    expect(correction.json<Json>().correction).toMatchObject({
      kind: 'correction',
      text: 'An earlier version gave the harvest as 20% larger.',
      created_at: '2026-11-24T10:00:00.000Z',
    });
    expect((await call('POST', url, tokens.reader, { kind: 'correction', text: 'x' })).statusCode).toBe(404);
    clock.advance(86_400_000);
    await signIn('editor');
    expect((await call('POST', url, tokens.editor, { kind: 'clarification', text: 'Prices are for Gujarat mills.' })).statusCode).toBe(201);
    const empty = await call('POST', url, tokens.editor, { kind: 'correction', text: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<Json>().error.fields).toEqual({ text: 'Write what was wrong and what is right.' });
    expect((await call('POST', url, tokens.editor, { kind: 'retraction', text: 'x' })).statusCode).toBe(400);
    expect(
      (await call('POST', '/api/v1/admin/articles/999999/corrections', tokens.editor, { kind: 'correction', text: 'x' })).statusCode,
    ).toBe(404);

    const read = (await call('GET', `/api/v1/admin/articles/${article.id}`, tokens.editor)).json<Json>().article as Json;
    expect(read.corrections.map((c: Json) => c.kind)).toEqual(['correction', 'clarification']);
    expect(read.version).toBe(article.version);
    const story = await page('/article/corrected-by-api');
    const foot = story.body.slice(story.body.indexOf('class="corrections"'));
    expect(foot).toMatch(/Correction<\/strong> \(<time[^>]*>24 Nov 2026<\/time>\): An earlier version gave the harvest/);
    expect(foot).toMatch(/Clarification<\/strong> \(<time[^>]*>25 Nov 2026<\/time>\): Prices are for Gujarat mills/);
    clock.set(NOW);
    await signIn('editor');
  });

  it('manages sections and authors for the newsroom, with the same checks as the admin pages', async () => {
    const created = await call('POST', '/api/v1/admin/sections', tokens.editor, {
      slug: 'agri',
      name: 'Agriculture',
      description: 'Farms and crops.',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json<Json>().item).toMatchObject({ slug: 'agri', name: 'Agriculture', premium_entitlement: 'premium' });
    const moved = await call('PUT', '/api/v1/admin/sections/agri', tokens.editor, { slug: 'agriculture', name: 'Agriculture' });
    expect(moved.statusCode, moved.body).toBe(200);
    const old = await t.app.inject({ url: '/section/agri' });
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toContain('/section/agriculture');
    const listed = (await call('GET', '/api/v1/admin/sections', tokens.editor)).json<Json>().sections as Json[];
    expect(listed.map((x) => x.slug)).toContain('agriculture');
    const bad = await call('POST', '/api/v1/admin/sections', tokens.editor, { slug: 'Not A Slug!', name: '' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json<Json>().error.fields as Json)).toEqual(expect.arrayContaining(['slug', 'name']));

    const author = await call('POST', '/api/v1/admin/authors', tokens.editor, {
      name: 'Kavya Menon',
      slug: 'kavya-menon',
      bio: 'Covers farm policy.',
      links: [{ label: 'Site', url: 'https://example.com/kavya' }],
    });
    expect(author.statusCode, author.body).toBe(201);
    const id = author.json<Json>().item.id as number;
    const renamed = await call('PUT', `/api/v1/admin/authors/${id}`, tokens.editor, { name: 'Kavya R. Menon', slug: 'kavya-menon' });
    expect(renamed.json<Json>().item).toMatchObject({ name: 'Kavya R. Menon', url: '/author/kavya-menon' });
    const badLink = await call('POST', '/api/v1/admin/authors', tokens.editor, {
      name: 'Someone Else',
      slug: 'someone-else',
      links: [{ label: 'x', url: 'javascript:alert(1)' }],
    });
    expect(badLink.statusCode).toBe(400);
    expect((await call('GET', '/api/v1/admin/authors?q=Kavya', tokens.editor)).json<Json>().authors).toHaveLength(1);
    for (const url of ['/api/v1/admin/sections', '/api/v1/admin/authors'])
      expect((await call('GET', url, tokens.business)).statusCode, url).toBe(404);
  });
});
