import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { publicPage } from '../http/security-headers.js';
import { readArticle } from '../reading.js';
import { homePage, plansPage, sectionPage } from '../views/pages.js';
import { SITE_CSS, SITE_CSS_PATH } from '../views/site-css.js';
import { articlePages } from './article-page.js';
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

  app.get<{ Params: { slug: string }; Querystring: { page?: number } }>(
    '/section/:slug',
    {
      schema: {
        params: Type.Object({ slug: SLUG }),
        querystring: Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) }),
      },
    },
    async (request, reply) => {
      const section = await ctx.content.section(request.params.slug);
      if (!section) throw new HttpProblem('not-found', 'There is no such section.');
      const page = request.query.page ?? 1;
      const total = await ctx.content.count(section.slug);
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      if (page > pages) throw new HttpProblem('not-found', `This section has ${pages} pages.`);
      const articles = await ctx.content.list({ section: section.slug, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
      publicPage(request, reply, 60);
      reply.type('text/html; charset=utf-8');
      return sectionPage(await pageChrome(ctx, request), {
        section,
        articles,
        page,
        pages,
        timeZone: ctx.policy.timeZone,
        publicUrl: ctx.config.publicUrl,
      });
    },
  );

  app.get<{ Params: { slug: string } }>('/article/:slug', { schema: { params: Type.Object({ slug: SLUG }) } }, async (request, reply) => {
    const read = await readArticle(ctx, request, reply, request.params.slug);
    if (!read) throw new HttpProblem('not-found', 'There is no such article.');
    reply.type('text/html; charset=utf-8');
    return renderArticle(request, read);
  });

  app.get('/plans', async (request, reply) => {
    publicPage(request, reply, 300);
    reply.type('text/html; charset=utf-8');
    return plansPage(await pageChrome(ctx, request), { plans: await ctx.plans(), publicUrl: ctx.config.publicUrl });
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
