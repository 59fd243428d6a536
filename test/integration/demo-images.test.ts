import { beforeAll, expect, it } from 'vitest';
import { rasterizeSvg } from '../../src/adapters/images/sharp-images.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { seedDemoImages } from '../../src/domain/content/demo-images.js';
import { generateDemoArticles } from '../../src/domain/content/demo/generator.js';
import { upsertArticles } from '../../src/domain/content/queries.js';
import { loadSiteSettings } from '../../src/domain/site/settings.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

const NOW = '2026-11-24T10:00:00Z';

describeEachEngine('the demo’s pictures and the site’s default image', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let business = '';
  let drawn: { images: number; articles: number } | null = null;
  let stopped: unknown;
  // Some of the demo's stories (drawing every picture takes a while): markets and companies, with a rupee story.
  const demo = generateDemoArticles({ now: new Date(NOW), recent: 16, archive: 2 }).filter((a) =>
    ['markets', 'companies'].includes(a.section),
  );

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    await upsertArticles(db(), demo);
    // Drawn small (renditions at 320 and 400 pixels) to keep the suite quick; the start draws them at 960.
    // A start stopped after its first picture, then the next start, which goes on from there.
    const stop = new AbortController();
    const rasterizeThenStop = async (svg: string) => {
      stop.abort();
      return rasterizeSvg(svg);
    };
    stopped = await seedDemoImages({
      db: db(),
      media: t.ctx.media,
      rasterize: rasterizeThenStop,
      now: clock.now(),
      width: 400,
      signal: stop.signal,
    });
    drawn = await seedDemoImages({ db: db(), media: t.ctx.media, rasterize: rasterizeSvg, now: clock.now(), width: 400 });
    await t.ctx.refresh();
    await provisionUser(db(), { email: 'desk@example.com', role: 'business', password: 'the business password' }, new Date());
    business = await sessionCookie(t.ctx, 'desk@example.com', 'the business password');
  });

  const page = async (url: string) => {
    const res = await t.app.inject({ url });
    expect(res.statusCode, url).toBe(200);
    return res.body;
  };
  const leadOf = async (slug: string) =>
    (await db().selectFrom('articles').select(['lead_image_url']).where('slug', '=', slug).executeTakeFirstOrThrow()).lead_image_url;

  it('gives most demo stories one of its own pictures, served in modern formats, with size, srcset, caption and credit', async () => {
    expect(drawn?.images).toBeGreaterThanOrEqual(4);
    expect(drawn?.articles).toBeGreaterThan(demo.length / 2);
    // The stopped start drew one picture and gave none out; the next one drew the rest, without drawing it twice.
    expect(stopped).toBeNull();
    const library = await db()
      .selectFrom('images')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(library.n)).toBe(drawn?.images);
    // Once per database: a restart draws nothing again.
    expect(await seedDemoImages({ db: db(), media: t.ctx.media, rasterize: rasterizeSvg, now: clock.now(), width: 400 })).toBeNull();

    // A story on the rupee leads with the chart of the rupee's closes (the figure its headline quotes is on it).
    const story = demo.find((a) => a.section === 'markets' && /^Rupee .* (\d{2}\.\d{2})/.test(a.headline));
    expect(story).toBeDefined();
    const slug = story?.slug ?? '';
    expect(await leadOf(slug)).toMatch(/^\/media\/image\/\d+$/);
    const body = await page(`/article/${slug}`);
    const figure = /<figure class="lead-image">([\s\S]*?)<\/figure>/.exec(body)?.[1] ?? '';
    expect(figure).toContain('<source type="image/avif"');
    expect(figure).toMatch(/<img src="[^"]+400\.jpg" srcset="[^"]+320\.jpg 320w, [^"]+400\.jpg 400w"[^>]* width="400" height="225"/);
    expect(figure).toContain('<span class="caption">The rupee’s closing rate to the US dollar on each trading day');
    expect(figure).toContain('<span class="credit">Graphic: The Daily Ledger data desk</span>');

    for (const [format, type] of [
      ['avif', 'image/avif'],
      ['webp', 'image/webp'],
      ['jpg', 'image/jpeg'],
    ] as const) {
      const url = new RegExp(`(/media/images/[^" ]+/320\\.${format})`).exec(figure)?.[1] ?? '';
      const image = await t.app.inject({ url });
      expect(image.statusCode, url).toBe(200);
      expect(image.headers['content-type']).toBe(type);
      expect(image.rawPayload.length).toBeGreaterThan(500);
    }
  });

  it('shows the default image on the card and as the social image of a story without one, but no figure on its page', async () => {
    const { defaultImageId } = await loadSiteSettings(db());
    expect(defaultImageId).not.toBeNull();
    const bare = await createArticle(db(), {
      section: 'technology',
      headline: 'A story with no picture of its own',
      publishedAt: clock.now(),
    });
    await t.ctx.refresh();

    const section = await page('/section/technology');
    const card =
      /<div class="card">([\s\S]*?)<\/div>\n?<\/div>|<div class="card">([\s\S]*?)A story with no picture of its own/.exec(section)?.[0] ??
      '';
    expect(card).toContain('A story with no picture of its own');
    // The default is decorative on a card (its alt text would say the same thing on every card).
    expect(card).toMatch(/<div class="card-image"><picture>.*<img src="\/media\/images\/[^"]+" [^>]*alt=""/s);

    const article = await page(`/article/${bare.slug}`);
    expect(article).not.toContain('<figure class="lead-image"');
    expect(article).toContain(`<meta property="og:image" content="http://localhost:3000/media/image/${defaultImageId}">`);
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(article)?.[1] ?? '{}') as {
      image?: string[];
    };
    expect(jsonLd.image).toEqual([`http://localhost:3000/media/image/${defaultImageId}`]);
    // The API reports an article's own lead image, and this one has none.
    const api = await t.app.inject({ url: `/api/v1/articles/${bare.slug}` });
    expect(api.statusCode).toBe(200);
    expect(api.json<{ article: { lead_image: unknown } }>().article.lead_image).toBeNull();
  });

  it('shows an imported lead image address on its card, in a box of fixed shape', async () => {
    const imported = await createArticle(db(), {
      section: 'world',
      headline: 'A story imported with a picture elsewhere',
      publishedAt: clock.now(),
      leadImage: { url: 'https://images.example.org/harbour.jpg', alt: 'Cranes over a container harbour' },
    });
    await t.ctx.refresh();
    const section = await page('/section/world');
    expect(section).toContain(
      '<div class="card-image card-image-address"><img src="https://images.example.org/harbour.jpg" alt="Cranes over a container harbour" width="640" height="480" loading="lazy" decoding="async"></div>',
    );
    expect(section).toContain(`/article/${imported.slug}`);
  });

  it('refuses a default image that is not in the library, saying so beside the field, and keeps the stored one', async () => {
    const before = (await loadSiteSettings(db())).defaultImageId;
    const form = await t.app.inject({ url: '/admin/settings', headers: { cookie: business } });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`name="defaultImageId" type="text" value="${before}"`);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const csrf = form.cookies.find((c) => c.name === 'mh_csrf')?.value ?? '';
    const values: Record<string, string> = {};
    for (const m of form.body.matchAll(/<input id="[^"]*" name="([^"]+)" type="[^"]*"(?: value="([^"]*)")?/g))
      values[m[1] ?? ''] = m[2] ?? '';
    for (const m of form.body.matchAll(/<textarea id="[^"]*" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) values[m[1] ?? ''] = m[2] ?? '';
    const post = (defaultImageId: string) =>
      t.app.inject({
        method: 'POST',
        url: '/admin/settings',
        headers: { cookie: `${business}; mh_csrf=${csrf}` },
        payload: { ...values, _csrf: token, defaultImageId },
      });

    const missing = await post('987654');
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('There is no image number 987654 in the library');
    const typo = await post('twelve');
    expect(typo.statusCode).toBe(400);
    expect(typo.body).toContain('Enter the image’s number in the library');
    expect((await loadSiteSettings(db())).defaultImageId).toBe(before);

    expect((await post('')).statusCode).toBe(303);
    expect((await loadSiteSettings(db())).defaultImageId).toBeNull();
    expect((await post(String(before))).statusCode).toBe(303);
    expect((await loadSiteSettings(db())).defaultImageId).toBe(before);
  });
});
