import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { cursorAfter, parseCursor } from '../../domain/content/model.js';
import { FromQuery } from '../billing/return-to.js';
import { HttpProblem } from '../http/errors.js';
import { checkForm } from '../http/forms.js';
import { publicPage } from '../http/security-headers.js';
import { readArticle } from '../reading.js';
import { homePage, plansPage, sectionPage } from '../views/pages.js';
import { SITE_CSS, SITE_CSS_PATH } from '../views/site-css.js';
import { articlePages } from './article-page.js';
import { authorPageRoute } from './author-page.js';
import { pageChrome } from './chrome.js';

const SLUG = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,119}$' });
const PAGE_SIZE = 20;

/** The reader-facing HTML pages. */
export async function pageRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const renderArticle = articlePages(ctx);
  app.get('/', async (request, reply) => {
    publicPage(request, reply, 60);
    const sections = await ctx.content.sections();
    const [latest, picks, bySection] = await Promise.all([
      ctx.content.list({ limit: 1 }),
      ctx.content.list({ limit: 6, editorsPick: true }),
      Promise.all(sections.map(async (section) => ({ section, articles: await ctx.content.list({ section: section.slug, limit: 4 }) }))),
    ]);
    reply.type('text/html; charset=utf-8');
    return homePage(await pageChrome(ctx, request), {
      lead: latest[0] ?? null,
      picks,
      bySection: bySection.filter((s) => s.articles.length > 0),
      timeZone: ctx.policy.timeZone,
      publicUrl: ctx.config.publicUrl,
    });
  });

  app.get<{ Params: { slug: string }; Querystring: { before?: string; page?: number } }>(
    '/section/:slug',
    {
      schema: {
        params: Type.Object({ slug: SLUG }),
        querystring: Type.Object({
          before: Type.Optional(Type.String({ pattern: '^\\d{1,15}\\.[1-9]\\d{0,9}$' })),
          // Numbered pages were replaced by "older" links; an old link goes to the section's front.
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        }),
      },
    },
    async (request, reply) => {
      const section = await ctx.content.section(request.params.slug);
      if (!section) throw new HttpProblem('not-found', 'There is no such section.');
      if (request.query.page !== undefined) return reply.redirect(`/section/${section.slug}`, 301);
      const before = request.query.before === undefined ? undefined : parseCursor(request.query.before);
      if (before === null) throw new HttpProblem('invalid-input', 'That is not a place in this section.');
      // One more than a page shows whether there is an older page, without counting the section.
      const found = await ctx.content.list({ section: section.slug, limit: PAGE_SIZE + 1, before });
      if (before && found.length === 0) throw new HttpProblem('not-found', 'There are no older stories in this section.');
      const articles = found.slice(0, PAGE_SIZE);
      const last = articles.at(-1);
      publicPage(request, reply, 60);
      reply.type('text/html; charset=utf-8');
      return sectionPage(await pageChrome(ctx, request), {
        section,
        articles,
        before: request.query.before ?? null,
        older: found.length > PAGE_SIZE && last ? cursorAfter(last) : null,
        timeZone: ctx.policy.timeZone,
        publicUrl: ctx.config.publicUrl,
      });
    },
  );

  app.get<{ Params: { slug: string } }>('/article/:slug', { schema: { params: Type.Object({ slug: SLUG }) } }, async (request, reply) => {
    const read = await readArticle(ctx, request, reply, request.params.slug);
    if (!read) {
      // An address the article had before its slug changed leads to it for good.
      const moved = await ctx.content.redirect(request.params.slug);
      if (moved) return reply.header('cache-control', 'public, max-age=3600').redirect(`/article/${moved}`, 301);
      throw new HttpProblem('not-found', 'There is no such article.');
    }
    reply.type('text/html; charset=utf-8');
    return renderArticle(request, read);
  });

  authorPageRoute(app, ctx);

  app.get('/plans', async (request, reply) => {
    publicPage(request, reply, 300);
    reply.type('text/html; charset=utf-8');
    const read = checkForm(FromQuery, request.query);
    const from = read.ok ? read.values.from : '/';
    return plansPage(await pageChrome(ctx, request), { plans: await ctx.plans(), publicUrl: ctx.config.publicUrl, from });
  });

  app.get(SITE_CSS_PATH, async (_request, reply) => {
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable');
    return SITE_CSS;
  });

  app.get('/healthz', async (_request, reply) => {
    await ctx.health();
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
}
