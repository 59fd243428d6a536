import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { articleForms } from '../support/admin-forms.js';

const NOW = '2026-11-24T10:00:00Z';
const HOUR = 3600 * 1000;

/** The story the newsroom's forms are filled in with. */
const STORY = {
  headline: 'Monsoon <rains> lift the kharif crop',
  standfirst: 'Sowing is ahead of last year in most states.',
  body: 'The first paragraph, free to all.\n\nThe second paragraph says newsroom-secret-text.\n\nA third paragraph.',
  tags: 'monsoon, farming',
  authors: 'Asha Editor',
  dateline: 'New Delhi',
};

describeEachEngine('newsroom: writing, scheduling, publishing and unpublishing articles', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let editor = '';
  const { csrf, post, articleForm, ...forms } = articleForms(() => t, STORY);
  const create = (fields: Record<string, string>) => forms.create(editor, fields);

  /** What a reader finds of `slug`: the page, the API, the feed, the news sitemap and this month's sitemap. */
  const seenByReaders = async (slug: string) => {
    t.ctx.content.invalidate();
    const page = await t.app.inject({ url: `/article/${slug}` });
    const api = await t.app.inject({ url: `/api/v1/articles/${slug}` });
    const list = await t.app.inject({ url: '/api/v1/articles?limit=50' });
    const feed = await t.app.inject({ url: '/feed.xml' });
    const news = await t.app.inject({ url: '/sitemaps/news.xml' });
    const year = await t.app.inject({ url: '/sitemaps/articles-2026-11.xml' });
    return {
      page: page.statusCode,
      api: api.statusCode,
      list: list.body.includes(`"${slug}"`),
      feed: feed.body.includes(`/article/${slug}<`),
      news: news.body.includes(`/article/${slug}<`),
      sitemap: year.body.includes(`/article/${slug}<`),
    };
  };
  const HIDDEN = { page: 404, api: 404, list: false, feed: false, news: false, sitemap: false };
  const SHOWN = { page: 200, api: 200, list: true, feed: true, news: true, sitemap: true };

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    await provisionUser(
      db(),
      { email: 'desk@example.com', role: 'editor', name: 'Desk Editor', password: 'an editor password' },
      new Date(),
    );
    editor = await sessionCookie(t.ctx, 'desk@example.com', 'an editor password');
  });

  it('keeps a draft off every reader route until it is published, then shows it everywhere', async () => {
    const id = await create({ slug: 'kharif-draft' });
    expect(await seenByReaders('kharif-draft')).toEqual(HIDDEN);
    const editPage = await t.app.inject({ url: `/admin/articles/${id}/edit`, headers: { cookie: editor } });
    expect(editPage.body).toContain('data-status="draft"');
    // The headline is escaped wherever it is shown.
    expect(editPage.body).toContain('Monsoon &lt;rains&gt; lift the kharif crop');
    expect(editPage.body).not.toContain('<rains>');

    const published = await post(
      editor,
      `/admin/articles/${id}/edit`,
      `/admin/articles/${id}/edit`,
      articleForm({ slug: 'kharif-draft', action: 'publish' }),
    );
    expect(published.statusCode, published.body).toBe(303);
    expect(await seenByReaders('kharif-draft')).toEqual(SHOWN);
    const page = await t.app.inject({ url: '/article/kharif-draft' });
    expect(page.body).toContain('newsroom-secret-text');

    const unpublished = await post(
      editor,
      `/admin/articles/${id}/edit`,
      `/admin/articles/${id}/edit`,
      articleForm({ slug: 'kharif-draft', action: 'unpublish' }),
    );
    expect(unpublished.statusCode, unpublished.body).toBe(303);
    expect(await seenByReaders('kharif-draft')).toEqual(HIDDEN);
  });

  it('publishes a scheduled article only once its time (in the publisher’s time zone) has come', async () => {
    // 10:00 UTC is 15:30 in Kolkata: schedule for 17:30 there, two hours ahead.
    const id = await create({ slug: 'kharif-scheduled', action: 'schedule', publishAt: '2026-11-24T17:30' });
    const edit = await t.app.inject({ url: `/admin/articles/${id}/edit`, headers: { cookie: editor } });
    expect(edit.body).toContain('data-status="scheduled"');
    expect(await seenByReaders('kharif-scheduled')).toEqual(HIDDEN);
    clock.advance(2 * HOUR - 1000);
    expect(await seenByReaders('kharif-scheduled')).toEqual(HIDDEN);
    clock.advance(1000);
    expect(await seenByReaders('kharif-scheduled')).toEqual(SHOWN);
    clock.set(NOW);
  });

  it('refuses a schedule in the past, with the message beside the field and the typed text kept', async () => {
    const res = await post(
      editor,
      '/admin/articles/new',
      '/admin/articles/new',
      articleForm({ headline: 'Kept headline', body: 'Kept body text.', action: 'schedule', publishAt: '2026-11-24T09:00' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="article-publishAt-error"');
    expect(res.body).toContain('Choose a time ahead of now');
    expect(res.body).toContain('value="Kept headline"');
    expect(res.body).toContain('>Kept body text.</textarea>');
  });

  it('shows each field’s own message when a published article lacks what readers need', async () => {
    const res = await post(
      editor,
      '/admin/articles/new',
      '/admin/articles/new',
      articleForm({
        standfirst: '',
        body: '',
        provenance: 'a blog',
        imageUrl: 'http://insecure.example/a.jpg',
        imageAlt: 'A field',
        action: 'publish',
      }),
    );
    expect(res.statusCode).toBe(400);
    for (const name of ['standfirst', 'body', 'provenance', 'imageUrl']) expect(res.body, name).toContain(`id="article-${name}-error"`);
    expect(res.body).toContain('value="http://insecure.example/a.jpg"');
  });

  it('leaves a permanent redirect from every old address after slug changes', async () => {
    const id = await create({ slug: 'first-slug', action: 'publish' });
    const edit = `/admin/articles/${id}/edit`;
    expect((await post(editor, edit, edit, articleForm({ slug: 'second-slug' }))).statusCode).toBe(303);
    expect((await post(editor, edit, edit, articleForm({ slug: 'third-slug' }))).statusCode).toBe(303);
    t.ctx.content.invalidate();
    for (const old of ['first-slug', 'second-slug']) {
      const res = await t.app.inject({ url: `/article/${old}` });
      expect(res.statusCode, old).toBe(301);
      expect(res.headers.location).toBe('/article/third-slug');
    }
    expect((await t.app.inject({ url: '/article/third-slug' })).statusCode).toBe(200);
    // A new article may take an old address: it is then that article's.
    await create({ slug: 'first-slug', headline: 'A new story at an old address', action: 'publish' });
    t.ctx.content.invalidate();
    const taken = await t.app.inject({ url: '/article/first-slug' });
    expect(taken.statusCode).toBe(200);
    expect(taken.body).toContain('A new story at an old address');
  });

  it('refuses to save over a newer version, keeping what the editor typed', async () => {
    const id = await create({ slug: 'contested' });
    const edit = `/admin/articles/${id}/edit`;
    // Two editors open the article.
    const first = await csrf(editor, edit);
    const second = await csrf(editor, edit);
    const version = /name="version" value="(\d+)"/.exec(first.page.body)?.[1] ?? '';
    const save = (form: typeof first, headline: string) =>
      t.app.inject({
        method: 'POST',
        url: edit,
        headers: { cookie: form.cookie },
        payload: { _csrf: form.token, version, ...articleForm({ slug: 'contested', headline }) },
      });
    expect((await save(first, 'The first editor’s headline')).statusCode).toBe(303);
    const refused = await save(second, 'The second editor’s headline');
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Someone else saved this article');
    expect(refused.body).toContain('value="The second editor’s headline"');
    const stored = await t.ctx.newsroom.article({ kind: 'user', id: 1, role: 'admin' }, id);
    expect(stored?.headline).toBe('The first editor’s headline');
  });

  it('keeps a revision of each save, compares one with the current text and restores it as a new revision', async () => {
    const id = await create({ slug: 'revised', headline: 'Original headline', body: 'Line one.\n\nLine two.' });
    const edit = `/admin/articles/${id}/edit`;
    expect(
      (await post(editor, edit, edit, articleForm({ slug: 'revised', headline: 'Changed headline', body: 'Line one.\n\nLine three.' })))
        .statusCode,
    ).toBe(303);
    const page = await t.app.inject({ url: edit, headers: { cookie: editor } });
    const revisions = [...page.body.matchAll(/data-revision="(\d+)"/g)].map((m) => Number(m[1]));
    expect(revisions).toHaveLength(2);
    expect(page.body).toContain('Desk Editor');
    const oldest = Math.min(...revisions);

    const compared = await t.app.inject({ url: `${edit}?compare=${oldest}`, headers: { cookie: editor } });
    expect(compared.body).toContain('<del>- Original headline</del>');
    expect(compared.body).toContain('<ins>+ Changed headline</ins>');
    expect(compared.body).toContain('<del>- Line two.</del>');

    const form = await csrf(editor, edit);
    const version = /name="version" value="(\d+)"/.exec(form.page.body)?.[1] ?? '';
    const restored = await t.app.inject({
      method: 'POST',
      url: `/admin/articles/${id}/revisions/${oldest}/restore`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.token, version },
    });
    expect(restored.statusCode, restored.body).toBe(303);
    const after = await t.app.inject({ url: edit, headers: { cookie: editor } });
    expect(after.body).toContain('value="Original headline"');
    expect([...after.body.matchAll(/data-revision="(\d+)"/g)]).toHaveLength(3);
    expect(after.body).toMatch(/restore \(version 3\)/);
  });

  it('previews a draft as readers will see it, with a banner, kept out of search engines and caches', async () => {
    const id = await create({ slug: 'preview-me', visibility: 'premium' });
    const res = await t.app.inject({ url: `/admin/articles/${id}/preview`, headers: { cookie: editor } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<meta name="robots" content="noindex">');
    expect(res.body).toContain('class="preview-banner');
    expect(res.body).toContain('<h1>Monsoon &lt;rains&gt; lift the kharif crop</h1>');
    expect(res.body).toContain('newsroom-secret-text');
    const paywall = await t.app.inject({ url: `/admin/articles/${id}/preview?as=paywall`, headers: { cookie: editor } });
    expect(paywall.body).toContain('class="paywall"');
    expect(paywall.body).not.toContain('newsroom-secret-text');
    t.ctx.content.invalidate();
    expect((await t.app.inject({ url: '/article/preview-me' })).statusCode).toBe(404);
  });

  it('lists articles for the newsroom with search and filters', async () => {
    await create({ slug: 'wire-story', headline: 'Wire copy on crude oil', provenance: 'wire:PTI' });
    const all = await t.app.inject({ url: '/admin/articles', headers: { cookie: editor } });
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Wire copy on crude oil');
    const search = await t.app.inject({ url: '/admin/articles?q=crude', headers: { cookie: editor } });
    expect([...search.body.matchAll(/data-article="/g)]).toHaveLength(1);
    const wire = await t.app.inject({ url: '/admin/articles?provenance=wire&status=draft', headers: { cookie: editor } });
    expect(wire.body).toContain('Wire copy on crude oil');
    const staff = await t.app.inject({ url: '/admin/articles?provenance=staff', headers: { cookie: editor } });
    expect(staff.body).not.toContain('Wire copy on crude oil');
    const scheduled = await t.app.inject({ url: '/admin/articles?status=scheduled', headers: { cookie: editor } });
    expect(scheduled.body).not.toContain('Wire copy on crude oil');
  });

  it('searches headlines for the characters typed: % and _ are not wildcards', async () => {
    await create({ slug: 'repo-percent', headline: 'Repo rate rises to 6.5% from today' });
    await create({ slug: 'repo-plain', headline: 'Repo rate held at 6.5 for now' });
    await create({ slug: 'nifty-underscore', headline: 'NIFTY_50 futures roll over' });
    await create({ slug: 'nifty-space', headline: 'NIFTY 50 ends flat' });
    const found = async (q: string) => {
      const res = await t.app.inject({ url: `/admin/articles?q=${encodeURIComponent(q)}`, headers: { cookie: editor } });
      expect(res.statusCode).toBe(200);
      return [...res.body.matchAll(/<a href="\/admin\/articles\/\d+\/edit">([^<]*)</g)].map((m) => m[1]);
    };
    expect(await found('6.5%')).toEqual(['Repo rate rises to 6.5% from today']);
    expect(await found('nifty_50')).toEqual(['NIFTY_50 futures roll over']);
    expect(await found('NIFTY 50')).toEqual(['NIFTY 50 ends flat']);
    expect(await found('%')).toEqual(['Repo rate rises to 6.5% from today']);
  });

  it('answers odd input with a clear 4xx, never a 500', async () => {
    const id = await create({ slug: 'odd-input' });
    const get = async (url: string) => (await t.app.inject({ url, headers: { cookie: editor } })).statusCode;
    expect(await get('/admin/articles/abc/edit')).toBe(404);
    expect(await get('/admin/articles/99999999999/edit')).toBe(404);
    expect(await get('/admin/articles/2147483647/edit')).toBe(404);
    expect(await get(`/admin/articles/${id}/edit?compare=2147483647`)).toBe(404);
    expect(await get(`/admin/articles/${id}/edit?compare=x`)).toBe(200);
    expect(await get('/admin/articles/2147483647/preview')).toBe(404);
    expect(await get('/admin/articles?before=nonsense')).toBe(400);
    expect(await get('/admin/articles?status=everything&q=%25_%5C')).toBe(200);
    const edit = `/admin/articles/${id}/edit`;
    const form = await csrf(editor, edit);
    const odd = await t.app.inject({
      method: 'POST',
      url: edit,
      headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(form.token)}&version=x&headline=A&headline=B&visibility=secret&tags=a&tags=b&action=launch`,
    });
    expect(odd.statusCode).toBe(400);
    expect(odd.body).toContain('id="article-visibility-error"');
    const missingVersion = await post(editor, edit, edit, { ...articleForm({ slug: 'odd-input' }), version: '' });
    expect(missingVersion.statusCode).toBe(409);
  });

  it('pages the list 50 at a time, last changed first, and the next page continues where the first ended', async () => {
    for (let i = 0; i < 55; i++) {
      await createArticle(db(), {
        slug: `paged-${i}`,
        headline: `Paged story ${i}`,
        section: 'economy',
        publishedAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
      });
    }
    const first = await t.app.inject({ url: '/admin/articles?section=economy', headers: { cookie: editor } });
    const ids = (body: string) => [...body.matchAll(/data-article="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids(first.body)).toHaveLength(50);
    expect(first.body).toContain('Paged story 54<');
    const older = /rel="next" href="([^"]+)"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(older).toContain('section=economy');
    const second = await t.app.inject({ url: older, headers: { cookie: editor } });
    expect(ids(second.body)).toHaveLength(5);
    expect(second.body).toContain('Paged story 0<');
    expect(new Set([...ids(first.body), ...ids(second.body)]).size).toBe(55);
    expect(second.body).not.toContain('rel="next"');
  });
});
