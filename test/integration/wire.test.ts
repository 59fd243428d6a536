import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { Actor } from '../../src/domain/policies/policies.js';
import { FIELD_NAMES, type ArticleFields } from '../../src/domain/content/newsroom.js';
import { scheduleRecurring } from '../../src/jobs/runner.js';
import { createFeedFetcher } from '../../src/adapters/wire/feed-fetcher.js';
import { wireSignature } from '../../src/web/wire/webhook.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { adminForms } from '../support/admin-forms.js';
import { describeEachEngine } from '../support/databases.js';
import { newsItem, newsMessage, ninjsFeed, ninjsItem } from '../support/wire-samples.js';

const NOW = '2026-12-03T05:30:00Z';
const MINUTE = 60_000;
const SECRET = 'a-webhook-secret-of-the-example-agency-0123456789';

describeEachEngine('wire copy: agency feeds in, with provenance, disclaimer and lifecycle', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let server: Server;
  let base = '';
  let editor = '';
  let actor: Actor;
  /** What the local agency server answers, by path. */
  const documents = new Map<string, string>();
  const { post } = adminForms(() => t);

  /** Runs the wire job as the runner would: its slot comes due and the runner claims it. */
  const runPollJob = async () => {
    await scheduleRecurring(db(), 'wire-poll', MINUTE, clock.now());
    clock.advance(MINUTE);
    await t.jobs.runDue();
  };

  /** What readers find of an article: page, API, list, RSS, sitemaps, search. */
  const seen = async (slug: string, words: string) => {
    t.ctx.content.invalidate();
    const page = await t.app.inject({ url: `/article/${slug}` });
    const api = await t.app.inject({ url: `/api/v1/articles/${slug}` });
    const feed = await t.app.inject({ url: '/feed.xml' });
    const news = await t.app.inject({ url: '/sitemaps/news.xml' });
    const search = await t.app.inject({ url: `/search?q=${encodeURIComponent(words)}` });
    return {
      page: page.statusCode,
      api: api.statusCode,
      feed: feed.body.includes(`/article/${slug}<`),
      news: news.body.includes(`/article/${slug}<`),
      search: search.body.includes(`/article/${slug}"`),
      body: page.body,
    };
  };
  const slugOf = async (guid: string) =>
    (await db().query<{ slug: string }>('select a.slug from wire_items i join articles a on a.id = i.article_id where i.guid = $1', [guid]))
      .rows[0]?.slug ?? '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      const body = documents.get(request.url ?? '');
      if (request.headers.authorization !== 'Bearer exw-token') response.writeHead(401).end();
      else if (body === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await buildTestApp(db(), {
      now: clock.now,
      jobs: 'manual',
      env: {
        MASTHEAD_WIRE_ALLOW_PRIVATE_HOSTS: 'true',
        MASTHEAD_WIRE_EXW_TOKEN: 'exw-token',
        MASTHEAD_WIRE_NML_SECRET: SECRET,
        MASTHEAD_WIRE_ALERT_EMAIL: 'wire-desk@example.com',
      },
    });
    const user = await provisionUser(
      db(),
      { email: 'desk@example.com', role: 'editor', name: 'Desk Editor', password: 'an editor password' },
      new Date(),
    );
    actor = { kind: 'user', id: user.user.id, role: 'editor' };
    editor = await sessionCookie(t.ctx, 'desk@example.com', 'an editor password');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('polls a ninjs feed by the job: publishes with provenance and disclaimer, skips and reports the malformed item, honours the embargo', async () => {
    const fields = {
      code: 'EXW',
      name: 'Example Wire',
      format: 'ninjs',
      endpoint: `${base}/ninjs`,
      pollMinutes: '5',
      staleMinutes: '60',
      defaultSection: 'world',
      sectionMap: 'medtop:04000000 = economy',
      visibility: 'free',
      autoPublish: 'yes',
      enabled: 'yes',
    };
    const refused = await post(editor, '/admin/wire/agencies/new', '/admin/wire/agencies/new', {
      ...fields,
      code: 'exw',
      sectionMap: 'x = nowhere',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('there is no section &quot;nowhere&quot;');
    const saved = await post(editor, '/admin/wire/agencies/new', '/admin/wire/agencies/new', fields);
    expect(saved.statusCode).toBe(303);
    documents.set(
      '/ninjs',
      ninjsFeed([
        {
          id: 'urn:exw:ports',
          subjects: [{ code: 'medtop:04000000', name: 'economy' }],
          paragraphs: ['Port volumes rose sharply.', 'Wire-only-marker-alpha closing paragraph.'],
        },
        { ...ninjsItem({ id: 'urn:exw:broken' }), bodies: [] },
        { id: 'urn:exw:embargoed', headline: 'Budget numbers embargoed till noon', embargoed: '2026-12-03T08:00:00Z' },
      ]),
    );
    await runPollJob();

    const slug = await slugOf('urn:exw:ports');
    expect(slug).toMatch(/^port-traffic-rises-for-a-third-month-exw-[0-9a-f]{8}$/);
    const shown = await seen(slug, 'Wire-only-marker-alpha');
    expect(shown).toMatchObject({ page: 200, api: 200, feed: true, news: true, search: true });
    expect(shown.body).toContain('Disclaimer: No journalist from');
    expect(shown.body).toContain('Wire-only-marker-alpha closing paragraph.');
    const api = JSON.parse((await t.app.inject({ url: `/api/v1/articles/${slug}` })).body) as {
      article: { provenance: string; section: string };
    };
    expect(api.article).toMatchObject({ provenance: 'wire:EXW', section: 'economy' });

    // The malformed item: reported with the feed, the item and the reason; the rest went in.
    const problems = await t.ctx.wire.problems(actor);
    expect(problems.map((p) => [p.item, p.reason])).toEqual([['urn:exw:broken', 'no body text']]);
    const [agency] = await t.ctx.wire.agencies(actor);
    expect(agency).toMatchObject({ lastPollOk: true, counts: { published: 2, waiting: 0, killed: 0 }, stale: false });
    expect(agency!.lastPollMessage).toContain('2 new');

    // Embargoed: scheduled for the embargo's end, invisible until then.
    const embargoed = await slugOf('urn:exw:embargoed');
    expect((await seen(embargoed, 'Budget numbers embargoed')).page).toBe(404);
    clock.set('2026-12-03T08:00:01Z');
    expect((await seen(embargoed, 'Budget numbers embargoed')).page).toBe(200);
  });

  it('an update replaces the text at the same address and shows the correction; a kill takes it off every route; a replay changes nothing', async () => {
    const slug = await slugOf('urn:exw:ports');
    documents.set(
      '/ninjs',
      ninjsFeed([
        {
          id: 'urn:exw:ports',
          version: 2,
          headline: 'Port traffic rises for a fourth month',
          correction: 'An earlier version said volumes fell.',
          paragraphs: ['Port volumes rose again.', 'Wire-only-marker-alpha new text.'],
        },
      ]),
    );
    clock.advance(5 * MINUTE);
    await runPollJob();
    const updated = await seen(slug, 'Wire-only-marker-alpha');
    expect(updated.page).toBe(200);
    expect(updated.body).toContain('Port traffic rises for a fourth month');
    expect(updated.body).toContain('Wire-only-marker-alpha new text.');
    expect(updated.body).toContain('An earlier version said volumes fell.');

    documents.set('/ninjs', ninjsFeed([{ id: 'urn:exw:ports', version: 3, pubStatus: 'canceled' }]));
    clock.advance(5 * MINUTE);
    await runPollJob();
    expect(await seen(slug, 'Wire-only-marker-alpha')).toMatchObject({ page: 404, api: 404, feed: false, news: false, search: false });

    // The agency re-sends version 2 (or anyone replays it): the story stays down.
    documents.set('/ninjs', ninjsFeed([{ id: 'urn:exw:ports', version: 2, headline: 'Port traffic rises for a fourth month' }]));
    clock.advance(5 * MINUTE);
    await runPollJob();
    expect((await seen(slug, 'Wire-only-marker-alpha')).page).toBe(404);
    const [agency] = await t.ctx.wire.agencies(actor);
    expect(agency!.counts.killed).toBe(1);
  });

  it('warns the desk and emails the newsroom once when a feed stops delivering', async () => {
    documents.delete('/ninjs');
    clock.advance(61 * MINUTE);
    await runPollJob();
    const [agency] = await t.ctx.wire.agencies(actor);
    expect(agency).toMatchObject({ stale: true, lastPollOk: false, lastPollMessage: 'HTTP 404' });
    const mails = (await t.ctx.outbox(20)).filter((m) => m.to === 'wire-desk@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('Example Wire wire has stopped delivering');
    clock.advance(10 * MINUTE);
    await runPollJob();
    expect((await t.ctx.outbox(20)).filter((m) => m.to === 'wire-desk@example.com')).toHaveLength(1);
    const desk = await t.app.inject({ url: '/admin/wire', headers: { cookie: editor } });
    expect(desk.statusCode).toBe(200);
    expect(desk.body).toContain('has delivered nothing since');
  });

  it('takes a signed NewsML-G2 push; refuses forged, unsigned and stale pushes; holds the story for an editor who publishes it in one click', async () => {
    await t.ctx.wire.saveAgency(actor, null, {
      code: 'NML',
      name: 'News Markup Agency',
      format: 'newsml',
      endpoint: '',
      pollMinutes: '5',
      staleMinutes: '600',
      defaultSection: 'economy',
      sectionMap: '',
      visibility: 'metered',
      autoPublish: false,
      excludeFromArchive: true,
      enabled: true,
    });
    const document = newsMessage([
      newsItem({ id: 'urn:newsml:nml:farm', paragraphs: ['Farm output rose.', 'Pushed-marker-beta second paragraph.'] }),
      '<newsItem guid="urn:newsml:nml:nothing" version="1"><itemMeta/></newsItem>',
    ]);
    const push = (body: string, headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/webhooks/wire/NML',
        payload: body,
        headers: { 'content-type': 'application/xml', ...headers },
      });
    const signed = (body: string, at = clock.now()) => {
      const timestamp = String(Math.floor(at.getTime() / 1000));
      return { 'x-wire-timestamp': timestamp, 'x-wire-signature': `sha256=${wireSignature(SECRET, timestamp, Buffer.from(body))}` };
    };

    expect((await push(document, {})).statusCode).toBe(401);
    const forged = await push(document, { ...signed(document), 'x-wire-signature': `sha256=${'0'.repeat(64)}` });
    expect(forged.statusCode).toBe(401);
    expect(JSON.parse(forged.body)).toEqual({ error: { code: 'unauthorized', message: 'The signature does not match.' } });
    expect((await push(document, signed(document, new Date(clock.now().getTime() - 10 * MINUTE)))).statusCode).toBe(401);
    expect((await push(document, signed(document + ' '))).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/webhooks/wire/NOPE', payload: document })).statusCode).toBe(404);

    const taken = await push(document, signed(document));
    expect(taken.statusCode).toBe(200);
    expect(JSON.parse(taken.body)).toMatchObject({ created: 1, skipped: [{ item: 'urn:newsml:nml:nothing', reason: 'no headline' }] });
    const replay = await push(document, signed(document));
    expect(JSON.parse(replay.body)).toMatchObject({ created: 0, unchanged: 1 });

    const slug = await slugOf('urn:newsml:nml:farm');
    expect((await seen(slug, 'Pushed-marker-beta')).page).toBe(404);

    // The desk lists it waiting; one click publishes it.
    const desk = await t.app.inject({ url: '/admin/wire?status=waiting', headers: { cookie: editor } });
    expect(desk.body).toContain('Farm output rises in second quarter');
    const itemId = /action="\/admin\/wire\/items\/(\d+)\/publish"/.exec(desk.body)?.[1];
    expect(itemId).toBeDefined();
    const published = await post(editor, '/admin/wire?status=waiting', `/admin/wire/items/${itemId}/publish`, {});
    expect(published.statusCode).toBe(303);
    const shown = await seen(slug, 'Pushed-marker-beta');
    expect(shown.page).toBe(200);
    expect(shown.body).toContain('Disclaimer: No journalist from');

    // An editor who takes the story down, then publishes it again from the article editor: the desk follows.
    const deskStatus = async () => {
      const page = await t.app.inject({ url: '/admin/wire', headers: { cookie: editor } });
      return new RegExp(`<tr data-item="${itemId}">[^]*?</tr>`).exec(page.body)?.[0] ?? '';
    };
    expect(await deskStatus()).toContain('Published');
    const articleId = (await db().query<{ id: number }>('select id from articles where slug = $1', [slug])).rows[0]!.id;
    const saveAs = async (kind: 'unpublish' | 'publish') => {
      const stored = (await t.ctx.newsroom.article(actor, articleId))!;
      const fields = Object.fromEntries(FIELD_NAMES.map((name) => [name, stored[name]])) as unknown as ArticleFields;
      expect(await t.ctx.newsroom.save(actor, { id: articleId, version: stored.version, fields, action: { kind } })).toMatchObject({
        ok: true,
      });
    };
    await saveAs('unpublish');
    expect(await deskStatus()).toContain('Waiting for an editor');
    await saveAs('publish');
    expect(await deskStatus()).toContain('Published');

    // The agency's licence keeps its copy out of the premium archive: a year on, it is still read as metered.
    clock.advance(400 * 24 * 60 * MINUTE);
    const later = await seen(slug, 'Pushed-marker-beta');
    expect(later.body).toContain('Pushed-marker-beta second paragraph.');
  });

  it('pages the desk by agency and status, last changed first, each item once across pages even when many changed at the same moment', async () => {
    // Signed in afresh: the clock has moved on past the session of the tests before.
    const cookie = await sessionCookie(t.ctx, 'desk@example.com', 'an editor password');
    const saved = await t.ctx.wire.saveAgency(actor, null, {
      code: 'PGD',
      name: 'Paging Desk Agency',
      format: 'ninjs',
      endpoint: '',
      pollMinutes: '5',
      staleMinutes: '600',
      defaultSection: 'economy',
      sectionMap: '',
      visibility: 'metered',
      autoPublish: false,
      excludeFromArchive: false,
      enabled: true,
    });
    expect(saved).toMatchObject({ ok: true });
    const agencyId = (await db().query<{ id: number }>(`select id from wire_agencies where code = 'PGD'`)).rows[0]!.id;
    // 60 waiting and 60 published items in groups that changed at the same second: the first page ends inside a group.
    await db().query(
      `insert into wire_items (agency_id, guid, version, status, headline, received_at, updated_at)
       select $1, 'urn:pgd:' || g || ':' || s, 1, s, 'Paging story ' || g, t, t
       from generate_series(1, 60) g, unnest(array['waiting', 'published']) s,
            lateral (select timestamptz '2026-11-01T00:00:00Z' + (g / 25) * interval '1 second' as t) at`,
      [agencyId],
    );
    const expected = (
      await db().query<{ id: number }>(
        `select id from wire_items where agency_id = $1 and status = 'waiting' order by updated_at desc, id desc`,
        [agencyId],
      )
    ).rows.map((r) => String(r.id));
    expect(expected).toHaveLength(60);

    /** One desk page: its status, the items it lists and where its "More items" link goes. */
    const deskPage = async (url: string) => {
      const page = await t.app.inject({ url, headers: { cookie } });
      const ids = [...page.body.matchAll(/<tr data-item="(\d+)">/g)].map((m) => m[1]!);
      return { status: page.statusCode, ids, next: /<a rel="next" href="([^"]+)">/.exec(page.body)?.[1]?.replaceAll('&amp;', '&') };
    };
    const seenIds: string[] = [];
    let url: string | undefined = `/admin/wire?agency=${agencyId}&status=waiting`;
    let pages = 0;
    while (url) {
      const page = await deskPage(url);
      expect(page.status).toBe(200);
      seenIds.push(...page.ids);
      url = page.next;
      pages += 1;
    }
    expect(pages).toBe(2);
    expect(seenIds).toEqual(expected);

    const badPlace = await t.app.inject({ url: '/admin/wire?before=yesterday', headers: { cookie } });
    expect(badPlace.statusCode).toBe(400);
  });

  it('refuses to fetch feeds on loopback and private addresses unless allowed', async () => {
    const guarded = createFeedFetcher({ allowPrivateHosts: false });
    expect(await guarded.fetch(`${base}/ninjs`, {})).toMatchObject({ ok: false, reason: expect.stringContaining('private or reserved') });
    expect(await guarded.fetch(base.replace('127.0.0.1', 'localhost'), {})).toMatchObject({
      ok: false,
      reason: expect.stringContaining('private or reserved'),
    });
    expect(await guarded.fetch('http://[::ffff:10.0.0.1]/', {})).toMatchObject({ ok: false });
    expect(await guarded.fetch('file:///etc/passwd', {})).toMatchObject({ ok: false, reason: 'only http and https feeds are fetched' });
  });
});
