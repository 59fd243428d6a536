import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import type { Json } from './api-client.js';

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

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, token: string | undefined, body?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    for (const role of ['editor', 'business', 'reader'] as const) {
      const email = `${role}@example.com`;
      await provisionUser(db(), { email, role, name: `The ${role}`, password: `${role} long password` }, new Date());
      const res = await call('POST', '/api/v1/auth/token', undefined, { email, password: `${role} long password` });
      expect(res.statusCode, res.body).toBe(200);
      tokens[role] = res.json<Json>().access_token as string;
    }
  });

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
      expect.arrayContaining(['/api/v1/admin/articles', '/api/v1/admin/articles/{id}', '/api/v1/admin/articles/{id}/revisions']),
    );
    expect(doc.paths['/api/v1/admin/articles/{id}'].put.security).toEqual([{ bearer: [] }]);
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
