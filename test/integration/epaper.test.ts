import sharp from 'sharp';
import { beforeAll, expect, it, vi } from 'vitest';
import { exportAccountData } from '../../src/domain/accounts/data-rights.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { multipart } from '../support/multipart.js';
import { describeEachEngine, holdTable } from '../support/databases.js';
import { editionPdf } from '../support/edition-pdf.js';
import { createArticle, createEdition } from '../support/factories.js';
import { tileKey, type PageImage } from '../../src/domain/epaper/model.js';

const NOW = '2026-11-24T04:00:00Z';
const PASSWORD = 'a long enough password';
const SECRET_LINE = 'Only subscribers read this sentence about the harbour tender';

describeEachEngine('e-paper', (db, engine) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let editor = '';
  let subscriber = '';
  let pdf: Buffer;

  // One session for the reader without the e-paper (new sign-ins from one address are throttled).
  let readerSession: string | undefined;
  const readerCookie = async () => (readerSession ??= await sessionCookie(t.ctx, 'reader@example.com', PASSWORD));
  const csrf = async (cookie: string, url: string) => {
    const page = await t.app.inject({ url, headers: { cookie } });
    expect(page.statusCode, page.body).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrfCookie = page.cookies.find((c) => c.name === 'mh_csrf');
    return { token, cookie: csrfCookie ? `${cookie}; mh_csrf=${csrfCookie.value}` : cookie, page };
  };

  const upload = async (fields: Record<string, string>, files: { name: string; type: string; bytes: Buffer }[]) => {
    const form = await csrf(editor, '/admin/epaper');
    const body = multipart({ _csrf: form.token, publishAt: '', ...fields }, files);
    return t.app.inject({
      method: 'POST',
      url: '/admin/epaper',
      headers: { cookie: form.cookie, 'content-type': body.contentType },
      payload: body.payload,
    });
  };

  const editionCount = async () => (await db().selectFrom('epaper_editions').select('id').execute()).length;

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, jobs: 'manual' });
    const people = [
      ['desk@example.com', 'editor'],
      ['subscriber@example.com', 'reader'],
      ['reader@example.com', 'reader'],
    ] as const;
    for (const [email, role] of people) await provisionUser(db(), { email, role, name: role, password: PASSWORD }, new Date());
    const sub = await db().selectFrom('users').select('id').where('email', '=', 'subscriber@example.com').executeTakeFirstOrThrow();
    await db()
      .insertInto('entitlement_grants')
      .values({ user_id: sub.id, entitlement: 'epaper', source: 'grant:test', starts_at: new Date('2026-01-01'), ends_at: null })
      .execute();
    editor = await sessionCookie(t.ctx, 'desk@example.com', PASSWORD);
    subscriber = await sessionCookie(t.ctx, 'subscriber@example.com', PASSWORD);
    await createArticle(db(), { headline: 'Harbour Tender Awarded', slug: 'harbour-tender-awarded' });
    pdf = await editionPdf([
      [
        { headline: 'Harbour Tender Awarded', body: `${SECRET_LINE}. `.repeat(6) },
        { headline: 'Rains Return Early', body: 'The monsoon arrived a week early over the coast. '.repeat(6) },
      ],
      [{ headline: 'Markets Close Higher', body: 'Shares rose for a third day as banks gained. '.repeat(6) }],
    ]);
  });

  it('refuses a file that is not a PDF, and a broken PDF, with a clear message and nothing stored', async () => {
    const notPdf = await upload({ name: 'Mumbai', date: '2026-11-24' }, [
      { name: 'page.pdf', type: 'application/pdf', bytes: Buffer.from('<html>not a pdf</html>') },
    ]);
    expect(notPdf.statusCode).toBe(400);
    expect(notPdf.body).toContain('This file is not a PDF');
    const broken = await upload({ name: 'Mumbai', date: '2026-11-24' }, [
      { name: 'broken.pdf', type: 'application/pdf', bytes: Buffer.concat([pdf.subarray(0, 400), Buffer.from('garbage')]) },
    ]);
    expect(broken.statusCode).toBe(400);
    expect(broken.body).toContain('could not be read');
    const none = await upload({ name: '', date: '2026-11-31' }, []);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Name the edition');
    expect(await editionCount()).toBe(0);
  });

  it('renders every page of an uploaded edition before readers see it, finds its stories and links the one on the web', async () => {
    const res = await upload({ name: 'Mumbai', date: '2026-11-24' }, [{ name: 'mumbai.pdf', type: 'application/pdf', bytes: pdf }]);
    expect(res.statusCode, res.body).toBe(303);
    const adminUrl = String(res.headers.location);
    const pending = await t.app.inject({ url: adminUrl, headers: { cookie: editor } });
    expect(pending.body).toContain('Rendering: 0 of 2 pages');
    // Not published until every page is rendered.
    expect((await t.app.inject({ url: '/epaper/mumbai/2026-11-24', headers: { cookie: subscriber } })).statusCode).toBe(404);

    await t.jobs.runDue();
    const ready = await t.app.inject({ url: adminUrl, headers: { cookie: editor } });
    expect(ready.body).toContain('Published');
    expect(ready.body).toContain('Harbour Tender Awarded');
    expect(ready.body).toContain('href="/harbour-tender-awarded"');
    expect(ready.body).toContain('Markets Close Higher');
    // The same edition again: refused, the first one kept.
    const again = await upload({ name: 'Mumbai', date: '2026-11-24' }, [{ name: 'mumbai.pdf', type: 'application/pdf', bytes: pdf }]);
    expect(again.statusCode).toBe(409);
    expect(await editionCount()).toBe(1);
  });

  it('shows the pages, their images and text only to a reader with the e-paper, through signed addresses that expire', async () => {
    const home = await t.app.inject({ url: '/epaper', headers: { cookie: subscriber } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('href="/epaper/mumbai/2026-11-24"');
    const page = await t.app.inject({ url: '/epaper/mumbai/2026-11-24/1', headers: { cookie: subscriber } });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain(SECRET_LINE);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['cache-control']).toContain('private');
    const imageUrl = /<image href="([^"]+)"/.exec(page.body)?.[1] ?? '';
    expect(imageUrl).toMatch(/^\/epaper\/files\/\d+\/[\w-]{22}\/[0-9a-f]{24}\/p1-page\.webp$/);
    const image = await t.app.inject({ url: imageUrl });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/webp');
    expect(image.headers['cache-control']).toMatch(/^private, max-age=\d+/);
    expect(image.rawPayload.subarray(8, 12).toString()).toBe('WEBP');

    // A forged signature, another file under the same signature, an expired address: all 404.
    const forged = imageUrl.replace(/\/([\w-]{22})\//, (_m, sig: string) => `/${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}/`);
    expect((await t.app.inject({ url: forged })).statusCode).toBe(404);
    expect((await t.app.inject({ url: imageUrl.replace('p1-page', 'p1-zoom') })).statusCode).toBe(404);
    expect((await t.app.inject({ url: imageUrl.replace('p1-page.webp', 'source-1.pdf') })).statusCode).toBe(404);
    clock.advance(3 * 3600_000);
    expect((await t.app.inject({ url: imageUrl })).statusCode).toBe(404);

    // Odd addresses are a 4xx, never a 500.
    for (const url of [
      '/epaper/mumbai/0000-01-01',
      '/epaper/mumbai/2026-02-30/1',
      '/epaper?month=0000-01',
      '/epaper/mumbai/2026-11-24/99',
    ]) {
      const res = await t.app.inject({ url, headers: { cookie: subscriber } });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }

    // Without the e-paper (signed out, or signed in without it): the offer, no page image, no text.
    for (const cookie of ['', `mh_session=${'x'.repeat(43)}`, await readerCookie()]) {
      const edition = await t.app.inject({ url: '/epaper/mumbai/2026-11-24', headers: cookie ? { cookie } : {} });
      expect(edition.statusCode).toBe(200);
      expect(edition.body).toContain('href="/plans"');
      expect(edition.body).not.toContain('/epaper/files/');
      expect(edition.body).not.toContain(SECRET_LINE);
      const denied = await t.app.inject({ url: '/epaper/mumbai/2026-11-24/1', headers: cookie ? { cookie } : {} });
      expect(denied.statusCode).toBe(303);
      expect(denied.body).not.toContain(SECRET_LINE);
    }
  });

  it('searches the stories of published editions for a reader with the e-paper, and shows nobody else their text', async () => {
    const search = (q: string, cookie: string) =>
      t.app.inject({ url: `/epaper/search?${new URLSearchParams({ q }).toString()}`, headers: cookie ? { cookie } : {} });
    const found = await search('harbour tender', subscriber);
    expect(found.statusCode).toBe(200);
    expect(found.headers['cache-control']).toContain('private');
    const hit = /<li><h2><a href="([^"]+)">([^]*?)<\/a><\/h2>[^]*?<\/li>/.exec(found.body);
    expect(hit?.[1]).toMatch(/^\/epaper\/mumbai\/2026-11-24\/1#region-\d+$/);
    expect(hit?.[2]).toBe('<mark>Harbour</mark> <mark>Tender</mark> Awarded');
    expect(hit?.[0]).toContain('<mark>harbour</mark> <mark>tender</mark>');
    expect(hit?.[0]).toContain('Mumbai edition');
    // The region's anchor is on the page the hit links to.
    const page = await t.app.inject({ url: hit![1]!.split('#')[0]!, headers: { cookie: subscriber } });
    expect(page.body).toContain(`id="${hit![1]!.split('#')[1]!}"`);
    expect((await search('monsoon', subscriber)).body).toContain('<mark>monsoon</mark>');
    expect((await search('crossword', subscriber)).body).toContain('No story in the e-paper matches');
    // A story's long text: its snippet is made from the passages around the words, wherever they stand.
    const rains = (text: string) => db().updateTable('epaper_regions').set({ text }).where('headline', '=', 'Rains Return Early').execute();
    const original = (
      await db().selectFrom('epaper_regions').select('text').where('headline', '=', 'Rains Return Early').executeTakeFirstOrThrow()
    ).text;
    await rains(`${original} ${'Boats stayed in the harbour all week. '.repeat(60)}Trawlers from Ratnagiri returned.`);
    expect((await search('trawler ratnagiri', subscriber)).body).toMatch(/<mark>Trawlers<\/mark> from <mark>Ratnagiri<\/mark> returned/);
    await rains(original);

    // Without the e-paper: the offer, and not a word of the stories or their headlines.
    for (const cookie of ['', await readerCookie()]) {
      const denied = await search('harbour tender', cookie);
      expect(denied.statusCode).toBe(200);
      expect(denied.body).toContain('href="/plans"');
      expect(denied.body).not.toContain('Only subscribers read');
      expect(denied.body).not.toContain('<mark>');
    }
    // Odd input: a clear 4xx or an empty page, never a 500.
    expect((await search('x'.repeat(10_000), subscriber)).statusCode).toBe(400);
    for (const q of ['"unbalanced', '-', '*', 'or or', '']) {
      const odd = await search(q, subscriber);
      expect(odd.statusCode, q).toBe(200);
    }
    const badCursor = await t.app.inject({ url: '/epaper/search?q=harbour&before=2026-99-99.1', headers: { cookie: subscriber } });
    expect(badCursor.statusCode).toBeLessThan(500);
  });

  it('pages the e-paper’s matches newest edition first, each story once', async () => {
    const stories = (n: number, day: string) =>
      Array.from({ length: n }, (_, i) => ({
        headline: `Lighthouse ${day} ${i + 1}`,
        text: `The lighthouse keeper’s log, entry ${i + 1}.`,
      }));
    await createEdition(db(), { name: 'Coast', slug: 'coast', date: '2026-11-20', stories: stories(15, '20') });
    await createEdition(db(), { name: 'Coast', slug: 'coast', date: '2026-11-21', stories: stories(10, '21') });
    const hitsOf = (body: string) => [...body.matchAll(/<li><h2><a href="(\/epaper\/coast\/[^"]+)">/g)].map((m) => m[1]!);
    const first = await t.app.inject({ url: '/epaper/search?q=lighthouse', headers: { cookie: subscriber } });
    const firstHits = hitsOf(first.body);
    expect(firstHits).toHaveLength(20);
    expect(firstHits.slice(0, 10).every((href) => href.startsWith('/epaper/coast/2026-11-21/'))).toBe(true);
    expect(firstHits.slice(10).every((href) => href.startsWith('/epaper/coast/2026-11-20/'))).toBe(true);
    const older = /<a href="([^"]+)">Older matches<\/a>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toMatch(/^\/epaper\/search\?q=lighthouse&before=2026-11-20\.\d+$/);
    const second = await t.app.inject({ url: older!, headers: { cookie: subscriber } });
    const secondHits = hitsOf(second.body);
    expect(secondHits).toHaveLength(5);
    expect(new Set([...firstHits, ...secondHits]).size).toBe(25);
    expect(second.body).not.toContain('Older matches');
  });

  it.runIf(engine === 'postgres')('asks the reader to narrow a search of the e-paper that runs past its time', async () => {
    const slow = await buildTestApp(db(), { now: clock.now, jobs: 'manual', env: { MASTHEAD_SEARCH_TIMEOUT_MS: '300' } });
    // Another session holds the stories' table, so the search waits past its timeout, as a costly one would run.
    const held = await holdTable(db(), 'epaper_regions');
    try {
      const page = await slow.app.inject({ url: '/epaper/search?q=harbour', headers: { cookie: subscriber } });
      expect(page.statusCode).toBe(422);
      expect(page.body).toContain('<p class="search-none" role="alert">This search matches too many stories to answer in time.');
      expect(page.body).toContain('name="q" value="harbour"');
      expect(page.body).not.toContain(SECRET_LINE);
    } finally {
      await held.release();
    }
  });

  it('lists editions in the app API and gives an entitled app the pages, regions, text and signed image addresses', async () => {
    const token = async (email: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/token',
        payload: { email, password: PASSWORD, device_name: 'Test phone' },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ access_token: string }>().access_token;
    };
    const list = await t.app.inject({ url: '/api/v1/epaper/editions' });
    expect(list.statusCode, list.body).toBe(200);
    const [edition] = list.json<{ editions: { id: number; name: string; date: string; page_count: number }[] }>().editions;
    expect(edition).toMatchObject({ name: 'Mumbai', date: '2026-11-24', page_count: 2 });

    const url = `/api/v1/epaper/editions/${edition!.id}`;
    const anonymous = await t.app.inject({ url });
    expect(anonymous.statusCode).toBe(401);
    const denied = await t.app.inject({ url, headers: { authorization: `Bearer ${await token('reader@example.com')}` } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(denied.body).not.toContain(SECRET_LINE);

    const res = await t.app.inject({ url, headers: { authorization: `Bearer ${await token('subscriber@example.com')}` } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      pages: { number: number; images: { size: string; url: string }[]; regions: { headline: string; text: string; article: unknown }[] }[];
    }>();
    expect(body.pages.map((p) => p.number)).toEqual([1, 2]);
    const harbour = body.pages[0]!.regions.find((r) => r.headline === 'Harbour Tender Awarded');
    expect(harbour?.text).toContain(SECRET_LINE);
    expect(harbour?.article).toEqual({ slug: 'harbour-tender-awarded', url: '/harbour-tender-awarded' });
    const zoom = body.pages[1]!.images.find((i) => i.size === 'zoom')!;
    const image = await t.app.inject({ url: zoom.url });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/webp');
    expect(
      (
        await t.app.inject({
          url: '/api/v1/epaper/editions/999999',
          headers: { authorization: `Bearer ${await token('subscriber@example.com')}` },
        })
      ).statusCode,
    ).toBe(404);
  });

  it('cuts each zoom image into tiles, served only at signed addresses to an entitled reader and listed in the app API', async () => {
    const login = async (email: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/token',
        payload: { email, password: PASSWORD, device_name: 'Tile phone' },
      });
      expect(res.statusCode, res.body).toBe(200);
      return `Bearer ${res.json<{ access_token: string }>().access_token}`;
    };
    const [edition] = (await t.app.inject({ url: '/api/v1/epaper/editions' })).json<{ editions: { id: number }[] }>().editions;
    const url = `/api/v1/epaper/editions/${edition!.id}`;
    const res = await t.app.inject({ url, headers: { authorization: await login('subscriber@example.com') } });
    expect(res.statusCode, res.body).toBe(200);
    type Tiles = { image: string; width: number; height: number; tile_size: number; columns: number; rows: number; urls: string[][] };
    const pages = res.json<{ pages: { number: number; images: { size: string; width: number; height: number }[]; tiles: Tiles }[] }>()
      .pages;
    const [first] = pages;
    const zoom = first!.images.find((i) => i.size === 'zoom')!;
    const tiles = first!.tiles;
    // The 2,000 px zoom of an A4-shaped page: 4 columns of 512 px (the last 464 px), 6 rows (the last narrower).
    expect(tiles).toMatchObject({ image: 'zoom', width: zoom.width, height: zoom.height, tile_size: 512 });
    expect(tiles.columns).toBe(Math.ceil(zoom.width / 512));
    expect(tiles.rows).toBe(Math.ceil(zoom.height / 512));
    expect(tiles.columns).toBeGreaterThan(1);
    expect(tiles.urls).toHaveLength(tiles.rows);
    for (const row of tiles.urls) expect(row).toHaveLength(tiles.columns);
    expect(new Set(tiles.urls.flat()).size).toBe(tiles.rows * tiles.columns);
    expect(tiles.urls[0]![0]).toMatch(/^\/epaper\/files\/\d+\/[\w-]{22}\/[0-9a-f]{24}\/p1-zoom\/0-0\.webp$/);
    expect(pages[1]!.tiles.urls[0]![0]).toContain('/p2-zoom/0-0.webp');

    // Every tile is there, a WebP of its part of the page, kept only by the reader's browser.
    const lastColumn = tiles.columns - 1;
    const lastRow = tiles.rows - 1;
    for (const [row, column] of [
      [0, 0],
      [lastRow, lastColumn],
    ] as const) {
      const tile = await t.app.inject({ url: tiles.urls[row]![column]! });
      expect(tile.statusCode).toBe(200);
      expect(tile.headers['content-type']).toBe('image/webp');
      expect(tile.headers['cache-control']).toMatch(/^private, max-age=\d+/);
      const meta = await sharp(tile.rawPayload).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.width).toBe(Math.min(512, zoom.width - column * 512));
      expect(meta.height).toBe(Math.min(512, zoom.height - row * 512));
    }
    const stored = await Promise.all(tiles.urls.flat().map((u) => t.app.inject({ url: u })));
    expect(stored.map((r) => r.statusCode)).toEqual(stored.map(() => 200));

    // The page view gives its viewer the same signed tiles.
    const page = await t.app.inject({ url: '/epaper/mumbai/2026-11-24/1', headers: { cookie: subscriber } });
    const data = /data-tiles="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const viewer = JSON.parse(data.replaceAll('&quot;', '"').replaceAll('&amp;', '&')) as { size: number; urls: string[][] };
    expect(viewer.size).toBe(512);
    expect(viewer.urls).toEqual(tiles.urls);

    // Forged, moved to another tile, or expired: 404, like any file that is not there.
    const one = tiles.urls[0]![0]!;
    const forged = one.replace(/\/([\w-]{22})\//, (_m, sig: string) => `/${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}/`);
    expect((await t.app.inject({ url: forged })).statusCode).toBe(404);
    expect((await t.app.inject({ url: one.replace('/0-0.webp', '/1-0.webp') })).statusCode).toBe(404);
    expect((await t.app.inject({ url: one.replace('/0-0.webp', '/') })).statusCode).toBe(404);

    // A reader without the e-paper gets no tile address by any route.
    const reader = await readerCookie();
    for (const path of ['/epaper/mumbai/2026-11-24', '/epaper/mumbai/2026-11-24/1', '/epaper']) {
      const seen = await t.app.inject({ url: path, headers: { cookie: reader } });
      expect(seen.body).not.toContain('-zoom/');
      expect(seen.body).not.toContain('data-tiles');
    }
    const denied = await t.app.inject({ url, headers: { authorization: await login('reader@example.com') } });
    expect(denied.statusCode).toBe(403);
    expect(denied.body).not.toContain('-zoom/');

    clock.advance(3 * 3600_000);
    expect((await t.app.inject({ url: one })).statusCode).toBe(404);
  });

  it('saves a story as a clipping and shares it through a link that shows only the clipped part, within a monthly cap', async () => {
    t.ctx.site.giftArticlesMonthly = 2;
    const page = await csrf(subscriber, '/epaper/mumbai/2026-11-24/1');
    const form = /<form method="post" action="\/epaper\/clippings">(.*?)<\/form>/s.exec(page.page.body)?.[1] ?? '';
    const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    expect(fields).toMatchObject({ headline: 'Harbour Tender Awarded', page: '1' });
    const save = (cookie: string, body: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/epaper/clippings',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(body).toString(),
      });
    const saved = await save(page.cookie, { ...fields, _csrf: page.token });
    expect(saved.statusCode, saved.body).toBe(303);
    const list = await t.app.inject({ url: '/epaper/clippings', headers: { cookie: subscriber } });
    expect(list.body).toContain('Harbour Tender Awarded</a> — Mumbai, 2026-11-24, page 1');
    // A box off the page is refused; a reader without the e-paper cannot save one.
    expect((await save(page.cookie, { ...fields, _csrf: page.token, x: '9000', w: '2000' })).statusCode).toBe(400);
    const other = await csrf(await readerCookie(), '/epaper');
    expect((await save(other.cookie, { ...fields, _csrf: other.token })).statusCode).toBe(403);

    const clippingId = /action="\/epaper\/clippings\/(\d+)\/share"/.exec(list.body)?.[1];
    const share = async () => {
      const form = await csrf(subscriber, '/epaper/clippings');
      return t.app.inject({
        method: 'POST',
        url: `/epaper/clippings/${clippingId}/share`,
        headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${form.token}`,
      });
    };
    const shared = await share();
    expect(shared.statusCode, shared.body).toBe(200);
    const link = /Anyone with this link can see the clipping: <a href="([^"]+)"/.exec(shared.body)?.[1] ?? '';
    expect(link).toMatch(/\/epaper\/shared\/[\w-]{24}$/);
    const open = await t.app.inject({ url: new URL(link).pathname });
    expect(open.statusCode).toBe(200);
    expect(open.body).toContain('Harbour Tender Awarded');
    expect(open.body).toContain('2026-11-24');
    expect(open.body).toContain('href="/plans"');
    expect(open.body).not.toContain(SECRET_LINE);
    expect(open.body).not.toContain('/epaper/files/');
    const clip = await t.app.inject({ url: `${new URL(link).pathname}/image.webp` });
    expect(clip.statusCode).toBe(200);
    expect(clip.headers['content-type']).toBe('image/webp');
    // Only the clipped region: smaller than the page at zoom size (2000 px wide).
    const { default: sharp } = await import('sharp');
    const meta = await sharp(clip.rawPayload).metadata();
    expect(meta.width).toBeLessThan(1200);
    expect(meta.height).toBeLessThan(1500);

    expect((await share()).statusCode).toBe(200);
    const capped = await share();
    expect(capped.statusCode).toBe(429);
    expect(capped.body).toContain('You have shared 2 clippings this month');
    // A clipping never shared is refused at the cap without an image being cut for it.
    expect((await save(page.cookie, { ...fields, _csrf: page.token })).statusCode).toBe(303);
    const fresh = await db().selectFrom('epaper_clippings').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const puts = vi.spyOn(t.ctx.files, 'put');
    const form2 = await csrf(subscriber, '/epaper/clippings');
    const refused = await t.app.inject({
      method: 'POST',
      url: `/epaper/clippings/${fresh.id}/share`,
      headers: { cookie: form2.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${form2.token}`,
    });
    expect(refused.statusCode).toBe(429);
    expect(puts).not.toHaveBeenCalled();
    puts.mockRestore();
    await db().deleteFrom('epaper_clippings').where('id', '=', fresh.id).execute();
    // An allowance of 0 turns sharing off: no Share buttons, and a share posted anyway is refused as such.
    t.ctx.site.giftArticlesMonthly = 0;
    const off = await t.app.inject({ url: '/epaper/clippings', headers: { cookie: subscriber } });
    expect(off.body).toContain('Harbour Tender Awarded');
    expect(off.body).not.toContain('/share"');
    const offShare = await share();
    expect(offShare.statusCode).toBe(403);
    expect(offShare.body).toContain('Sharing clippings is turned off on this site.');
    expect(list.body).toContain('/share"');
    expect((await t.app.inject({ url: '/epaper/shared/AAAAAAAAAAAAAAAAAAAAAAAA' })).statusCode).toBe(404);
  });

  it('many shares at once at the monthly cap never make more links than the month allows, and use none of the gift links', async () => {
    const sub = await db().selectFrom('users').select('id').where('email', '=', 'subscriber@example.com').executeTakeFirstOrThrow();
    const used = async () =>
      db().selectFrom('monthly_allowances').select(['kind', 'used']).where('user_id', '=', sub.id).orderBy('kind').execute();
    // The test before shared twice this month: a cap of 5 leaves 3.
    expect(await used()).toEqual([{ kind: 'epaper-share', used: 2 }]);
    t.ctx.site.giftArticlesMonthly = 5;
    const page = await csrf(subscriber, '/epaper/mumbai/2026-11-24/1');
    const form = /<form method="post" action="\/epaper\/clippings">(.*?)<\/form>/s.exec(page.page.body)?.[1] ?? '';
    const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    for (let i = 0; i < 8; i++) {
      const saved = await t.app.inject({
        method: 'POST',
        url: '/epaper/clippings',
        headers: { cookie: page.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...fields, _csrf: page.token }).toString(),
      });
      expect(saved.statusCode, saved.body).toBe(303);
    }
    const unshared = await db()
      .selectFrom('epaper_clippings')
      .select('id')
      .where('user_id', '=', sub.id)
      .where('share_hash', 'is', null)
      .execute();
    const ids = unshared.map((c) => c.id);
    expect(ids).toHaveLength(8);

    const list = await csrf(subscriber, '/epaper/clippings');
    const answers = await Promise.all(
      ids.map((id) =>
        t.app.inject({
          method: 'POST',
          url: `/epaper/clippings/${id}/share`,
          headers: { cookie: list.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: `_csrf=${list.token}`,
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    const shared = await db()
      .selectFrom('epaper_clippings')
      .select('id')
      .where('id', 'in', ids)
      .where('share_hash', 'is not', null)
      .execute();
    expect(shared).toHaveLength(3);
    expect(await used()).toEqual([{ kind: 'epaper-share', used: 5 }]);
  });

  it('lets an editor move a region, link it to a web article, and draw a new one; a region off the page is refused', async () => {
    const edition = await db().selectFrom('epaper_editions').select('id').executeTakeFirstOrThrow();
    const markets = await createArticle(db(), { headline: 'Shares Climb Again', slug: 'shares-climb-again' });
    const region = await db()
      .selectFrom('epaper_regions')
      .select('id')
      .where('headline', '=', 'Markets Close Higher')
      .executeTakeFirstOrThrow();
    const post = async (url: string, body: Record<string, string>) => {
      const form = await csrf(editor, `/admin/epaper/${edition.id}`);
      return t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: form.token, ...body }).toString(),
      });
    };
    const moved = await post(`/admin/epaper/regions/${region.id}`, {
      headline: 'Markets Close Higher',
      x: '5',
      y: '10.5',
      w: '45',
      h: '30',
      articleId: String(markets.id),
    });
    expect(moved.statusCode, moved.body).toBe(303);
    const off = await post(`/admin/epaper/regions/${region.id}`, { headline: 'x', x: '80', y: '0', w: '40', h: '10', articleId: '' });
    expect(off.statusCode).toBe(400);
    expect(off.body).toContain('must lie on the page');
    const unknown = await post(`/admin/epaper/regions/${region.id}`, {
      headline: 'x',
      x: '0',
      y: '0',
      w: '40',
      h: '10',
      articleId: '99999',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('no published article number 99999');
    const added = await post(`/admin/epaper/${edition.id}/pages/2/regions`, {
      headline: 'Weather',
      x: '0',
      y: '80',
      w: '50',
      h: '20',
      articleId: '',
    });
    expect(added.statusCode, added.body).toBe(303);

    const page = await t.app.inject({ url: '/epaper/mumbai/2026-11-24/2', headers: { cookie: subscriber } });
    expect(page.body).toContain('<rect class="epaper-region" x="500" y=');
    expect(page.body).toContain('Read “Shares Climb Again” on the website');
    expect(page.body).toContain('<h3>Weather</h3>');
  });

  it('a reader’s clippings are in their data export (where, not image addresses), and go with their account', async () => {
    const sub = await db().selectFrom('users').select('id').where('email', '=', 'subscriber@example.com').executeTakeFirstOrThrow();
    const rows = await db().selectFrom('epaper_clippings').selectAll().where('user_id', '=', sub.id).orderBy('id').execute();
    expect(rows).toHaveLength(9);
    const exported = await exportAccountData(db(), sub.id, clock.now());
    const clippings = exported?.epaper_clippings as Record<string, unknown>[];
    expect(clippings).toHaveLength(9);
    const first = rows[0]!;
    expect(clippings[0]).toEqual({
      edition: 'Mumbai',
      edition_date: '2026-11-24',
      page: 1,
      region_percent: { x: first.x / 100, y: first.y / 100, width: first.w / 100, height: first.h / 100 },
      headline: 'Harbour Tender Awarded',
      created_at: first.created_at.toISOString(),
      shared_at: first.shared_at?.toISOString(),
    });
    expect(first.shared_at).not.toBeNull();
    expect(clippings.filter((c) => c.shared_at === null)).toHaveLength(5);
    const text = JSON.stringify(exported);
    expect(text).not.toContain('epaper/');
    expect(text).not.toContain('.webp');
    for (const row of rows) if (row.share_hash) expect(text).not.toContain(row.share_hash);

    // A link shared before the deletion stops opening with it.
    t.ctx.site.giftArticlesMonthly = 10;
    const list = await csrf(subscriber, '/epaper/clippings');
    const shared = await t.app.inject({
      method: 'POST',
      url: `/epaper/clippings/${first.id}/share`,
      headers: { cookie: list.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${list.token}`,
    });
    const link = new URL(/Anyone with this link can see the clipping: <a href="([^"]+)"/.exec(shared.body)?.[1] ?? '').pathname;
    expect((await t.app.inject({ url: link })).statusCode).toBe(200);
    const images = (await db().selectFrom('epaper_clippings').select('image_key').where('user_id', '=', sub.id).execute()).flatMap(
      (r) => r.image_key ?? [],
    );
    expect(images.length).toBeGreaterThan(1);
    for (const key of images) expect(await t.ctx.files.exists(key)).toBe(true);

    // Deleting one shared clipping takes its cut image with it.
    const one = rows.find((r) => r.image_key && r.id !== first.id)!;
    const before = await csrf(subscriber, '/epaper/clippings');
    const removed = await t.app.inject({
      method: 'POST',
      url: `/epaper/clippings/${one.id}/delete`,
      headers: { cookie: before.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${before.token}`,
    });
    expect(removed.statusCode, removed.body).toBe(303);
    expect(await db().selectFrom('epaper_clippings').select('id').where('id', '=', one.id).execute()).toEqual([]);
    expect(await t.ctx.files.exists(one.image_key!)).toBe(false);

    expect(await t.ctx.accounts.deleteAccount({ kind: 'user', id: sub.id, role: 'reader' }, sub.id)).toEqual({ ok: true, value: true });
    expect(await db().selectFrom('epaper_clippings').select('id').where('user_id', '=', sub.id).execute()).toEqual([]);
    // The cut images go too: the store keeps nothing a deleted reader made.
    for (const key of images) expect(await t.ctx.files.exists(key)).toBe(false);
    expect(await db().selectFrom('monthly_allowances').select('used').where('user_id', '=', sub.id).execute()).toEqual([]);
    expect((await t.app.inject({ url: link })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `${link}/image.webp` })).statusCode).toBe(404);
  });

  it('an edition that failed to render and is uploaded again leaves none of its files behind', async () => {
    const one = () => editionPdf([[{ headline: 'Port Traffic Rises', body: 'Container volumes grew again in October. '.repeat(6) }]]);
    const pages = [
      { name: 'p1.pdf', type: 'application/pdf', bytes: await one() },
      { name: 'p2.pdf', type: 'application/pdf', bytes: await one() },
    ];
    expect((await upload({ name: 'Delhi', date: '2026-11-25' }, pages)).statusCode).toBe(303);
    const failed = await db().selectFrom('epaper_editions').select(['id', 'sources']).where('slug', '=', 'delhi').executeTakeFirstOrThrow();
    const sources = (typeof failed.sources === 'string' ? JSON.parse(failed.sources) : failed.sources) as { key: string }[];
    // The second page's PDF goes missing: the first page is drawn and stored, then the edition fails.
    await t.ctx.files.delete(sources[1]!.key);
    await t.jobs.runDue();
    const status = await db()
      .selectFrom('epaper_editions')
      .select(['status', 'error'])
      .where('id', '=', failed.id)
      .executeTakeFirstOrThrow();
    expect(status).toEqual({ status: 'failed', error: expect.stringContaining('missing from the files store') });
    const drawn = await db().selectFrom('epaper_pages').select('images').where('edition_id', '=', failed.id).execute();
    const images = drawn.flatMap((p) => (typeof p.images === 'string' ? JSON.parse(p.images) : p.images) as PageImage[]);
    const tiles = images.flatMap(({ tiles: grid }) =>
      grid ? Array.from({ length: grid.columns * grid.rows }, (_, i) => tileKey(grid, i % grid.columns, Math.floor(i / grid.columns))) : [],
    );
    const keys = [sources[0]!.key, ...images.map((i) => i.key), ...tiles];
    expect(images.length).toBeGreaterThan(0);
    expect(tiles.length).toBeGreaterThan(0);
    for (const key of keys) expect(await t.ctx.files.exists(key), key).toBe(true);

    const again = await upload({ name: 'Delhi', date: '2026-11-25' }, pages);
    expect(again.statusCode, again.body).toBe(303);
    for (const key of keys) expect(await t.ctx.files.exists(key), key).toBe(false);
    const replacement = await db()
      .selectFrom('epaper_editions')
      .select(['id', 'status', 'sources'])
      .where('slug', '=', 'delhi')
      .executeTakeFirstOrThrow();
    expect(replacement.status).toBe('rendering');
    const fresh = (typeof replacement.sources === 'string' ? JSON.parse(replacement.sources) : replacement.sources) as { key: string }[];
    for (const { key } of fresh) expect(await t.ctx.files.exists(key), key).toBe(true);
    await t.jobs.runDue();
    const ready = await db().selectFrom('epaper_editions').select('status').where('id', '=', replacement.id).executeTakeFirstOrThrow();
    expect(ready.status).toBe('ready');
  });
});
