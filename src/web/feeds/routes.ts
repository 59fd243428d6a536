import { Readable } from 'node:stream';
import escapeXml from 'escape-html';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { ArticleSummary } from '../../domain/content/model.js';
import type { Section } from '../../domain/content/model.js';
import { SITEMAP_MAX_URLS } from '../../domain/content/sitemaps.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';

const FEED_SIZE = 50;
/** Google News sitemaps list articles of the last two days. */
const NEWS_WINDOW_MS = 2 * 24 * 3600 * 1000;

function rss(ctx: AppContext, title: string, link: string, articles: ArticleSummary[], sections: Section[]): string {
  const sectionName = (slug: string) => sections.find((s) => s.slug === slug)?.name ?? slug;
  const items = articles
    .map(
      (a) =>
        `<item><title>${escapeXml(a.headline)}</title><link>${ctx.config.publicUrl}/article/${a.slug}</link>` +
        `<guid isPermaLink="true">${ctx.config.publicUrl}/article/${a.slug}</guid><pubDate>${a.publishedAt.toUTCString()}</pubDate>` +
        // Only the standfirst: feeds never carry body text, gated or not.
        `<description>${escapeXml(a.standfirst)}</description><category>${escapeXml(sectionName(a.section))}</category>` +
        a.authors.map((name) => `<dc:creator>${escapeXml(name)}</dc:creator>`).join('') +
        `</item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>${escapeXml(title)}</title><link>${link}</link><description>${escapeXml(ctx.site.tagline)}</description>
<language>${escapeXml(ctx.site.language)}</language><atom:link href="${link === ctx.config.publicUrl + '/' ? `${ctx.config.publicUrl}/feed.xml` : `${link}/feed.xml`}" rel="self" type="application/rss+xml"/>
${items}
</channel></rss>`;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

const URLSET_OPEN = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"`;
const URLSET_CLOSE = '</urlset>';

function urlset(entries: string[], news = false): string {
  return `${URLSET_OPEN}${news ? ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' : ''}>
${entries.join('\n')}
${URLSET_CLOSE}`;
}

/** RSS 2.0 feeds, sitemaps (with a Google News sitemap) and robots.txt. */
export async function feedRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const base = ctx.config.publicUrl;
  const xml = 'application/xml; charset=utf-8';

  app.get('/feed.xml', async (_request, reply) => {
    const articles = await ctx.content.list({ limit: FEED_SIZE });
    reply.type('application/rss+xml; charset=utf-8').header('cache-control', 'public, max-age=300');
    return rss(ctx, ctx.site.publicationName, `${base}/`, articles, await ctx.content.sections());
  });

  app.get<{ Params: { slug: string } }>(
    '/section/:slug/feed.xml',
    { schema: { params: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9-]{1,60}$' }) }) } },
    async (request, reply) => {
      const section = await ctx.content.section(request.params.slug);
      if (!section) {
        // A feed reader subscribed before the section's address changed follows it to the new one.
        const moved = await ctx.content.sectionRedirect(request.params.slug);
        if (!moved) throw new HttpProblem('not-found', 'There is no such section.');
        return reply.header('cache-control', 'public, max-age=3600').redirect(`/section/${moved}/feed.xml`, 301);
      }
      const articles = await ctx.content.list({ section: section.slug, limit: FEED_SIZE });
      reply.type('application/rss+xml; charset=utf-8').header('cache-control', 'public, max-age=300');
      return rss(
        ctx,
        `${section.name} | ${ctx.site.publicationName}`,
        `${base}/section/${section.slug}`,
        articles,
        await ctx.content.sections(),
      );
    },
  );

  app.get('/sitemap.xml', async (_request, reply) => {
    const months = await ctx.content.sitemapMonths();
    const articleMaps = months.flatMap(({ year, month, days }) => {
      const name = `articles-${year}-${twoDigits(month)}`;
      return days ? days.map((day) => `${name}-${twoDigits(day)}`) : [name];
    });
    const maps = ['pages', 'news', ...articleMaps];
    reply.type(xml).header('cache-control', 'public, max-age=600');
    return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${maps.map((m) => `<sitemap><loc>${base}/sitemaps/${m}.xml</loc></sitemap>`).join('\n')}
</sitemapindex>`;
  });

  app.get('/sitemaps/pages.xml', async (_request, reply) => {
    const sections = await ctx.content.sections();
    const paths = ['/', '/premium', '/plans', ...sections.map((s) => `/section/${s.slug}`)];
    reply.type(xml).header('cache-control', 'public, max-age=600');
    return urlset(paths.map((p) => `<url><loc>${base}${p}</loc></url>`));
  });

  app.get('/sitemaps/news.xml', async (_request, reply) => {
    const articles = await ctx.content.list({ limit: 1000, since: new Date(ctx.now().getTime() - NEWS_WINDOW_MS) });
    const name = escapeXml(ctx.site.publicationName);
    const language = escapeXml(ctx.site.language.split('-')[0] ?? 'en');
    reply.type(xml).header('cache-control', 'public, max-age=300');
    return urlset(
      articles.map(
        (a) =>
          `<url><loc>${base}/article/${a.slug}</loc><news:news><news:publication><news:name>${name}</news:name>` +
          `<news:language>${language}</news:language></news:publication>` +
          `<news:publication_date>${a.publishedAt.toISOString()}</news:publication_date>` +
          `<news:title>${escapeXml(a.headline)}</news:title></news:news></url>`,
      ),
      true,
    );
  });

  /** The articles of a month's or a day's file, which exists only when the index lists it (see sitemaps.ts). */
  const articleMap = async (reply: FastifyReply, period: { year: number; month: number; day?: number }) => {
    const listed = (await ctx.content.sitemapMonths()).find((m) => m.year === period.year && m.month === period.month);
    const exists = period.day === undefined ? listed?.days === null : listed?.days?.includes(period.day);
    if (!exists) throw new HttpProblem('not-found', 'There is no such sitemap: the index lists those there are.');
    // Streamed a chunk at a time; the first is read before answering, so a database that fails answers with an error page.
    const chunks = ctx.content.sitemapEntries(period, SITEMAP_MAX_URLS);
    const first = await chunks.next();
    const entries = (rows: { slug: string; updatedAt: Date }[]) =>
      rows.map((r) => `<url><loc>${base}/article/${r.slug}</loc><lastmod>${r.updatedAt.toISOString()}</lastmod></url>\n`).join('');
    reply.type(xml).header('cache-control', 'public, max-age=3600');
    return Readable.from(
      (async function* () {
        yield `${URLSET_OPEN}>\n`;
        for (let chunk = first; !chunk.done; chunk = await chunks.next()) yield entries(chunk.value);
        yield URLSET_CLOSE;
      })(),
    );
  };
  // Any well-formed month or day: one with no articles (1800-01, 2999-12, 2026-13, 2026-02-30), a month split into days
  // or a day of a month that is not, is a sitemap that does not exist, so 404 rather than 400.
  const yearParam = Type.String({ pattern: '^\\d{4}$' });
  const twoDigitParam = Type.String({ pattern: '^\\d{2}$' });

  app.get<{ Params: { year: string; month: string } }>(
    '/sitemaps/articles-:year(^\\d{4})-:month(^\\d{2}).xml',
    { schema: { params: Type.Object({ year: yearParam, month: twoDigitParam }) } },
    async (request, reply) => articleMap(reply, { year: Number(request.params.year), month: Number(request.params.month) }),
  );

  app.get<{ Params: { year: string; month: string; day: string } }>(
    '/sitemaps/articles-:year(^\\d{4})-:month(^\\d{2})-:day(^\\d{2}).xml',
    { schema: { params: Type.Object({ year: yearParam, month: twoDigitParam, day: twoDigitParam }) } },
    async (request, reply) =>
      articleMap(reply, { year: Number(request.params.year), month: Number(request.params.month), day: Number(request.params.day) }),
  );

  app.get('/robots.txt', async (_request, reply) => {
    reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600');
    return `User-agent: *\nDisallow: /api/\nDisallow: /account\nDisallow: /login\nDisallow: /subscribe/\nAllow: /\n\nSitemap: ${base}/sitemap.xml\n`;
  });
}
