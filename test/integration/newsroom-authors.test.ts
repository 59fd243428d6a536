import { afterEach, beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { articleForms } from '../support/admin-forms.js';

const NOW = '2026-11-24T10:00:00Z';

/** The story the article forms are filled in with. */
const STORY = {
  headline: 'Ports clear a record backlog',
  standfirst: 'Container dwell times fell for the third month.',
  body: 'First paragraph.\n\nSecond paragraph.\n\nThird paragraph.',
  tags: 'ports',
  authors: 'Meera Iyer, Kabir Shah',
  dateline: 'Chennai',
};

describeEachEngine('newsroom: authors, news conventions, autosave and previews', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let editor = '';
  let reader = '';
  const { csrf, articleForm, ...forms } = articleForms(() => t, STORY);
  const post = (from: string, action: string, fields: Record<string, string>) => forms.post(editor, from, action, fields);
  const create = (fields: Record<string, string>) => forms.create(editor, fields);
  const edit = (id: number, fields: Record<string, string>) => forms.edit(editor, id, fields);

  const page = async (url: string) => {
    t.ctx.content.invalidate();
    return t.app.inject({ url });
  };

  afterEach(() => clock.set(NOW));

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    await provisionUser(db(), { email: 'desk@example.com', role: 'editor', name: 'Desk', password: 'an editor password' }, new Date());
    await provisionUser(db(), { email: 'reader@example.com', role: 'reader', name: 'R', password: 'a reader password' }, new Date());
    editor = await sessionCookie(t.ctx, 'desk@example.com', 'an editor password');
    reader = await sessionCookie(t.ctx, 'reader@example.com', 'a reader password');
  });

  it('makes authors of imported bylines, links bylines to author pages, and lists their stories there', async () => {
    await createArticle(db(), { slug: 'import-one', authors: ['Nandini Rao', 'Arjun Mehta'], headline: 'Import one' });
    await createArticle(db(), {
      slug: 'import-two',
      authors: ['Nandini Rao'],
      headline: 'Import two',
      publishedAt: new Date('2026-11-21T06:00:00Z'),
    });

    const article = await page('/article/import-one');
    expect(article.body).toContain(
      '<a href="/author/nandini-rao" rel="author">Nandini Rao</a> and <a href="/author/arjun-mehta" rel="author">Arjun Mehta</a>',
    );
    expect(article.body).toContain(
      '"url":"http://localhost:3000/author/nandini-rao"'.replace('http://localhost:3000', t.ctx.config.publicUrl),
    );

    const author = await page('/author/nandini-rao');
    expect(author.statusCode).toBe(200);
    expect(author.body).toContain('<h1>Nandini Rao</h1>');
    // Newest first.
    expect(author.body.indexOf('Import two')).toBeLessThan(author.body.indexOf('Import one'));
    expect((await page('/author/arjun-mehta')).body).not.toContain('Import two');
    expect((await page('/author/nobody-here')).statusCode).toBe(404);

    const section = await page('/section/markets');
    expect(section.body).toContain('href="/author/nandini-rao"');
  });

  it("lists an author's live stories newest first, page by page, as they are published, re-dated and unpublished", async () => {
    const day = (n: number) => new Date(Date.parse('2026-11-01T06:00:00Z') + n * 86_400_000);
    for (let n = 0; n < 21; n++)
      await createArticle(db(), { slug: `ravi-${n}`, authors: ['Ravi Menon'], headline: `Ravi story ${n}`, publishedAt: day(n) });
    // Written as a draft: its byline exists before the story is published.
    const draft = await create({ authors: 'Ravi Menon', slug: 'ravi-draft', headline: 'Ravi draft story' });
    const onPage = async (url: string) => {
      const res = await page(url);
      expect(res.statusCode, url).toBe(200);
      const slugs = [...new Set([...res.body.matchAll(/href="\/article\/(ravi-[^"]+)"/g)].map((m) => m[1]))];
      return { slugs, older: /href="(\/author\/ravi-menon\?before=[^"]+)"/.exec(res.body)?.[1] };
    };

    const first = await onPage('/author/ravi-menon');
    expect(first.slugs).toEqual(Array.from({ length: 20 }, (_, i) => `ravi-${20 - i}`));
    expect(first.older).toBeDefined();
    expect((await onPage(first.older!)).slugs).toEqual(['ravi-0']);

    const story = { authors: 'Ravi Menon', slug: 'ravi-draft', headline: 'Ravi draft story' };
    expect((await edit(draft, { ...story, action: 'publish' })).statusCode).toBe(303);
    expect((await onPage('/author/ravi-menon')).slugs.slice(0, 2)).toEqual(['ravi-draft', 'ravi-20']);

    // An import gives the oldest story a new time: it moves to its place.
    await createArticle(db(), {
      slug: 'ravi-0',
      authors: ['Ravi Menon'],
      headline: 'Ravi story 0',
      publishedAt: new Date('2026-11-24T09:00:00Z'),
    });
    expect((await onPage('/author/ravi-menon')).slugs.slice(0, 3)).toEqual(['ravi-draft', 'ravi-0', 'ravi-20']);

    expect((await edit(draft, { ...story, action: 'unpublish' })).statusCode).toBe(303);
    const after = await onPage('/author/ravi-menon');
    expect(after.slugs.slice(0, 2)).toEqual(['ravi-0', 'ravi-20']);
    expect(after.slugs).not.toContain('ravi-draft');
  });

  it('creates and edits authors with messages beside fields, keeps bylines in step with a new name, and hides the pages from readers', async () => {
    expect((await t.app.inject({ url: '/admin/authors', headers: { cookie: reader } })).statusCode).toBe(404);

    const form = await csrf(editor, '/admin/authors/new');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/admin/authors/new',
      headers: { cookie: form.cookie },
      payload: { _csrf: form.token, name: 'Leela Das', slug: '', bio: 'Covers ports.', photoUrl: '', links: 'Site | javascript:alert(1)' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Not an http(s) link');
    expect(bad.body).toContain('Covers ports.');

    const ok = await t.app.inject({
      method: 'POST',
      url: '/admin/authors/new',
      headers: { cookie: form.cookie },
      payload: {
        _csrf: form.token,
        name: 'Leela Das',
        slug: '',
        bio: 'Covers ports.',
        photoUrl: 'https://img.example/leela.jpg',
        links: 'Mastodon | https://social.example/@leela',
      },
    });
    expect(ok.statusCode, ok.body).toBe(303);
    const authorId = Number(/\/admin\/authors\/(\d+)\/edit/.exec(ok.headers.location as string)?.[1]);

    const profile = await page('/author/leela-das');
    expect(profile.body).toContain('<a href="https://social.example/@leela" rel="me noopener">Mastodon</a>');
    expect(profile.body).toContain('src="https://img.example/leela.jpg"');

    const dup = await t.app.inject({
      method: 'POST',
      url: '/admin/authors/new',
      headers: { cookie: form.cookie },
      payload: { _csrf: form.token, name: 'Leela Das', slug: 'another-leela', bio: '', photoUrl: '', links: '' },
    });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('Another author has this name');

    const id = await create({ authors: 'Leela Das', slug: 'leela-story', action: 'publish' });
    expect(id).toBeGreaterThan(0);
    const rename = await csrf(editor, `/admin/authors/${authorId}/edit`);
    const renamed = await t.app.inject({
      method: 'POST',
      url: `/admin/authors/${authorId}/edit`,
      headers: { cookie: rename.cookie },
      payload: { _csrf: rename.token, name: 'Leela M. Das', slug: 'leela-das', bio: 'Covers ports.', photoUrl: '', links: '' },
    });
    expect(renamed.statusCode, renamed.body).toBe(303);
    const story = await page('/article/leela-story');
    expect(story.body).toContain('<a href="/author/leela-das" rel="author">Leela M. Das</a>');
    const api = JSON.parse((await t.app.inject({ url: '/api/v1/articles/leela-story' })).body) as { article: { authors: string[] } };
    expect(api.article.authors).toEqual(['Leela M. Das']);

    const list = await t.app.inject({ url: '/admin/authors?q=leela', headers: { cookie: editor } });
    expect(list.body).toContain('Leela M. Das');
    expect(list.body).not.toContain('Nandini Rao');
  });

  it('filters the newsroom list by author and by publication date in the publisher’s time zone', async () => {
    await createArticle(db(), {
      slug: 'filter-early',
      authors: ['Farah Khan'],
      headline: 'Filter early',
      publishedAt: new Date('2026-11-10T18:00:00Z'),
    });
    // 20:00 UTC on the 10th is the 11th in Kolkata.
    await createArticle(db(), {
      slug: 'filter-late',
      authors: ['Farah Khan'],
      headline: 'Filter late',
      publishedAt: new Date('2026-11-10T20:00:00Z'),
    });
    const byAuthor = await t.app.inject({ url: '/admin/articles?author=farah-khan', headers: { cookie: editor } });
    expect(byAuthor.body).toContain('Filter early');
    expect(byAuthor.body).toContain('Filter late');
    expect(byAuthor.body).not.toContain('Import one');
    const onThe11th = await t.app.inject({
      url: '/admin/articles?author=farah-khan&from=2026-11-11&to=2026-11-11',
      headers: { cookie: editor },
    });
    expect(onThe11th.body).toContain('Filter late');
    expect(onThe11th.body).not.toContain('Filter early');
    const unknown = await t.app.inject({ url: '/admin/articles?author=no-such-person', headers: { cookie: editor } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('No author has the address');
    expect((await t.app.inject({ url: '/admin/articles?from=2026-02-30', headers: { cookie: editor } })).statusCode).toBe(400);
  });

  it('shows "Updated" only after a save marked as a substantive update, on the page, in JSON-LD and in the API', async () => {
    const id = await create({ slug: 'updated-story', action: 'publish' });
    let story = await page('/article/updated-story');
    expect(story.body).not.toContain('Updated ');
    clock.advance(3600_000);
    expect((await edit(id, { slug: 'updated-story', body: 'A typo fixed.\n\nSecond.', action: 'save' })).statusCode).toBe(303);
    story = await page('/article/updated-story');
    expect(story.body).not.toContain('class="updated"');
    clock.advance(3600_000);
    const updated = await edit(id, { slug: 'updated-story', body: 'New facts.\n\nSecond.', action: 'save', showUpdated: 'on' });
    expect(updated.statusCode).toBe(303);
    story = await page('/article/updated-story');
    // 12:00 UTC is 5:30 pm in Kolkata.
    expect(story.body).toMatch(/<span class="updated">Updated <time datetime="2026-11-24T12:00:00.000Z">[^<]*5:30/);
    expect(story.body).toContain('"dateModified":"2026-11-24T12:00:00.000Z"');
    const api = JSON.parse((await t.app.inject({ url: '/api/v1/articles/updated-story' })).body) as {
      article: { shown_updated_at: string };
    };
    expect(api.article.shown_updated_at).toBe('2026-11-24T12:00:00.000Z');
    clock.set(NOW);
  });

  it('appends corrections and clarifications in order at the foot, and lets them be edited but not emptied', async () => {
    const id = await create({ slug: 'corrected-story', action: 'publish' });
    const append = async (kind: string, text: string) => {
      const form = await csrf(editor, `/admin/articles/${id}/edit`);
      return t.app.inject({
        method: 'POST',
        url: `/admin/articles/${id}/corrections`,
        headers: { cookie: form.cookie },
        payload: { _csrf: form.token, kind, text },
      });
    };
    expect((await append('correction', 'An earlier version misstated the backlog as 40 days.')).statusCode).toBe(303);
    clock.advance(86_400_000);
    expect((await append('clarification', 'The figures are for major ports only.')).statusCode).toBe(303);
    const empty = await append('correction', '   ');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write what was wrong and what is right.');

    let story = await page('/article/corrected-story');
    const foot = story.body.slice(story.body.indexOf('class="corrections"'));
    expect(foot).toMatch(/Correction<\/strong> \(<time[^>]*>24 Nov 2026<\/time>\): An earlier version misstated/);
    expect(foot.indexOf('misstated')).toBeLessThan(foot.indexOf('major ports only'));
    expect(foot).toContain('25 Nov 2026');

    // Pages are cached by the article's last change: a later edit is a new page.
    clock.advance(60_000);
    const editor_ = await csrf(editor, `/admin/articles/${id}/edit`);
    const correctionId = /data-correction="(\d+)"/.exec(editor_.page.body)?.[1];
    const changed = await t.app.inject({
      method: 'POST',
      url: `/admin/articles/${id}/corrections/${correctionId}`,
      headers: { cookie: editor_.cookie },
      payload: { _csrf: editor_.token, kind: 'correction', text: 'An earlier version misstated the backlog as 40 days; it was 14.' },
    });
    expect(changed.statusCode).toBe(303);
    story = await page('/article/corrected-story');
    expect(story.body).toContain('it was 14.');
    const rows = await db().selectFrom('article_corrections').select('id').where('article_id', '=', id).execute();
    expect(rows).toHaveLength(2);
    clock.set(NOW);
  });

  it('refuses to publish an embargoed story before its time, and schedules it only at or after the embargo', async () => {
    // 18:00 in Kolkata is 12:30 UTC, after NOW.
    const id = await create({ slug: 'embargoed', embargoUntil: '2026-11-24T18:00' });
    const list = await t.app.inject({ url: '/admin/articles?q=Ports', headers: { cookie: editor } });
    expect(list.body).toContain('Embargoed until 24 November 2026 at 6:00 pm');
    const publish = await edit(id, { slug: 'embargoed', embargoUntil: '2026-11-24T18:00', action: 'publish' });
    expect(publish.statusCode).toBe(400);
    expect(publish.body).toContain('under embargo');
    const early = await edit(id, {
      slug: 'embargoed',
      embargoUntil: '2026-11-24T18:00',
      action: 'schedule',
      publishAt: '2026-11-24T17:00',
    });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('Schedule it at or after the embargo ends.');
    expect((await page('/article/embargoed')).statusCode).toBe(404);
    const scheduled = await edit(id, {
      slug: 'embargoed',
      embargoUntil: '2026-11-24T18:00',
      action: 'schedule',
      publishAt: '2026-11-24T18:00',
    });
    expect(scheduled.statusCode, scheduled.body).toBe(303);
    clock.set('2026-11-24T12:31:00Z');
    expect((await page('/article/embargoed')).statusCode).toBe(200);
    clock.set(NOW);
  });

  it('renders the SEO fields in the title, meta description, social tags and canonical link, and refuses a foreign http canonical', async () => {
    const refused = await post(
      '/admin/articles/new',
      '/admin/articles/new',
      articleForm({ slug: 'seo-story', canonicalUrl: 'http://elsewhere.example/x' }),
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('an address starting with https://');
    expect(refused.body).toContain('http://elsewhere.example/x');
    await create({
      slug: 'seo-story',
      action: 'publish',
      seoTitle: 'Ports backlog cleared',
      metaDescription: 'Dwell times fell again.',
      canonicalUrl: 'https://original.example/ports',
      socialImageUrl: '/media/ports.jpg',
    });
    const story = await page('/article/seo-story');
    expect(story.body).toContain('<title>Ports backlog cleared |');
    expect(story.body).toContain('<meta name="description" content="Dwell times fell again.">');
    expect(story.body).toContain('<link rel="canonical" href="https://original.example/ports">');
    expect(story.body).toContain(`<meta property="og:image" content="${t.ctx.config.publicUrl}/media/ports.jpg">`);
    expect(story.body).toContain('<meta name="twitter:title" content="Ports backlog cleared">');
  });

  it('autosaves without a new version or revision, offers the autosave on reopening, and drops it once saved', async () => {
    const id = await create({ slug: 'autosaved' });
    const autosave = async (article: string, fields: Record<string, string>) => {
      const form = await csrf(editor, '/admin/articles/new');
      return t.app.inject({
        method: 'POST',
        url: '/admin/articles/autosave',
        headers: { cookie: form.cookie },
        payload: { _csrf: form.token, article, ...fields },
      });
    };
    clock.advance(60_000);
    const kept = await autosave(String(id), { ...articleForm({ slug: 'autosaved' }), version: '1', body: 'Typed but not saved.' });
    expect(kept.statusCode, kept.body).toBe(200);
    const [row] = await db().selectFrom('articles').select('version').where('id', '=', id).execute();
    expect(row?.version).toBe(1);
    const revisions = await db().selectFrom('article_revisions').select('id').where('article_id', '=', id).execute();
    expect(revisions).toHaveLength(1);

    const reopened = await t.app.inject({ url: `/admin/articles/${id}/edit`, headers: { cookie: editor } });
    expect(reopened.body).toMatch(/Restore unsaved changes from 24 November 2026 at 3:31 pm/);
    expect(reopened.headers['content-security-policy']).toContain("script-src 'self'");
    const restored = await t.app.inject({ url: `/admin/articles/${id}/edit?restore=autosave`, headers: { cookie: editor } });
    expect(restored.body).toContain('Typed but not saved.</textarea>');

    // A new article's autosave is offered on the new-article page.
    expect((await autosave('', { ...articleForm({ headline: 'Never saved headline' }) })).statusCode).toBe(200);
    const fresh = await t.app.inject({ url: '/admin/articles/new', headers: { cookie: editor } });
    expect(fresh.body).toContain('Restore unsaved changes');
    const filled = await t.app.inject({ url: '/admin/articles/new?restore=autosave', headers: { cookie: editor } });
    expect(filled.body).toContain('value="Never saved headline"');

    clock.advance(60_000);
    expect((await edit(id, { slug: 'autosaved', body: 'Typed but not saved.' })).statusCode).toBe(303);
    const after = await t.app.inject({ url: `/admin/articles/${id}/edit`, headers: { cookie: editor } });
    expect(after.body).not.toContain('Restore unsaved changes');
    expect((await autosave('999999', articleForm())).statusCode).toBe(404);
    clock.set(NOW);
  });

  it('previews as a reader inside the meter, at the paywall and as a subscriber, all linked from the editor', async () => {
    const id = await create({
      slug: 'previewed',
      visibility: 'metered',
      body: 'Lead paragraph.\n\nGated preview-secret words.\n\nMore.\n\nEven more.',
    });
    const editorPage = await t.app.inject({ url: `/admin/articles/${id}/edit`, headers: { cookie: editor } });
    for (const as of ['meter', 'paywall', 'subscriber']) expect(editorPage.body).toContain(`/admin/articles/${id}/preview?as=${as}`);
    const meter = await t.app.inject({ url: `/admin/articles/${id}/preview?as=meter`, headers: { cookie: editor } });
    expect(meter.body).toContain('preview-secret');
    expect(meter.body).toContain('class="meter-note"');
    const paywall = await t.app.inject({ url: `/admin/articles/${id}/preview?as=paywall`, headers: { cookie: editor } });
    expect(paywall.body).not.toContain('preview-secret');
    expect(paywall.body).toContain('class="paywall"');
    const subscriber = await t.app.inject({ url: `/admin/articles/${id}/preview?as=subscriber`, headers: { cookie: editor } });
    expect(subscriber.body).toContain('preview-secret');
    expect(subscriber.body).not.toContain('class="meter-note"');
  });
});
