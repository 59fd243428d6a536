import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { dayIn } from '../../domain/time/zoned.js';
import { cursorAfter, parseCursor } from '../../domain/content/model.js';
import { FromQuery } from '../billing/return-to.js';
import { HttpProblem } from '../http/errors.js';
import { checkForm } from '../http/forms.js';
import { publicPage } from '../http/security-headers.js';
import { readArticle } from '../reading.js';
import { homePage, plansPage, sectionPage } from '../views/pages.js';
import { SITE_CSS, SITE_CSS_PATH } from '../views/site-css.js';
import { archivePageRoutes } from './archive-page.js';
import { articlePages } from './article-page.js';
import { authorPageRoute } from './author-page.js';
import { tagPageRoute } from './tag-page.js';
import { searchPageRoute } from './search-page.js';
import { pageChrome } from './chrome.js';
import { premiumPageRoute } from './premium-page.js';
import { newsletterPromo } from '../newsletters/views.js';

const SLUG = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,119}$' });
const PAGE_SIZE = 20;
/** Stories in a section's block on the home page. */
const HOME_BLOCK = 4;

/** The reader-facing HTML pages. */
export async function pageRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const renderArticle = articlePages(ctx);
  app.get('/', async (request, reply) => {
    publicPage(request, reply, 60);
    const [sections, curated] = await Promise.all([ctx.content.sections(), ctx.content.curated()]);
    // With no lead chosen (or the chosen one not out), the newest story leads, as before curation.
    const today = dayIn(ctx.now(), ctx.policy.timeZone);
    const lead = curated.lead ?? (await ctx.content.list({ limit: 1 }))[0] ?? null;
    // A story the lead or the picks already show is not repeated in its section's block.
    const shown = [...(lead ? [lead.id] : []), ...curated.picks.map((a) => a.id)];
    const [bySection, premiumToday] = await Promise.all([
      Promise.all(sections.map(async (section) => ({ section, articles: await sectionFront(section.slug, HOME_BLOCK, shown) }))),
      ctx.content.list({ visibility: 'premium', since: today.start, limit: HOME_BLOCK }),
    ]);
    reply.type('text/html; charset=utf-8');
    return homePage(await pageChrome(ctx, request), {
      lead,
      picks: curated.picks,
      premiumToday,
      bySection: bySection.filter((s) => s.articles.length > 0),
      today: ctx.now(),
      timeZone: ctx.policy.timeZone,
      publicUrl: ctx.config.publicUrl,
      newsletterBox: newsletterPromo(await ctx.newsletters.lists(), null),
    });
  });

  /** A section's first `limit` stories, leaving out `shown`: its pinned ones in the editors' order, then the newest of the rest. */
  async function sectionFront(slug: string, limit: number, shown: readonly number[]) {
    const pinned = ((await ctx.content.curated()).pins[slug] ?? []).filter((a) => !shown.includes(a.id)).slice(0, limit);
    const rest = await ctx.content.list({
      section: slug,
      limit: limit - pinned.length,
      excludeIds: [...shown, ...pinned.map((a) => a.id)],
    });
    return [...pinned, ...rest];
  }

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
      if (!section) {
        // The address a section had before its slug changed leads to it for good (with the page asked for).
        const moved = await ctx.content.sectionRedirect(request.params.slug);
        if (!moved) throw new HttpProblem('not-found', 'There is no such section.');
        const query = request.query.before === undefined ? '' : `?before=${request.query.before}`;
        return reply.header('cache-control', 'public, max-age=3600').redirect(`/section/${moved}${query}`, 301);
      }
      if (request.query.page !== undefined) return reply.redirect(`/section/${section.slug}`, 301);
      const before = request.query.before === undefined ? undefined : parseCursor(request.query.before);
      if (before === null) throw new HttpProblem('invalid-input', 'That is not a place in this section.');
      // Pinned stories head the section's first page; no page lists them again below.
      const pinned = (await ctx.content.curated()).pins[section.slug] ?? [];
      const shownPins = before ? [] : pinned.slice(0, PAGE_SIZE);
      const excludeIds = pinned.map((a) => a.id);
      // One more than a page shows whether there is an older page, without counting the section.
      const limit = PAGE_SIZE - shownPins.length + 1;
      const found = await ctx.content.list({ section: section.slug, limit, before, excludeIds });
      if (before && found.length === 0) throw new HttpProblem('not-found', 'There are no older stories in this section.');
      const newest = found.slice(0, limit - 1);
      const articles = [...shownPins, ...newest];
      const last = newest.at(-1);
      publicPage(request, reply, 60);
      reply.type('text/html; charset=utf-8');
      return sectionPage(await pageChrome(ctx, request), {
        section,
        articles,
        before: request.query.before ?? null,
        older: found.length >= limit && last ? cursorAfter(last) : null,
        timeZone: ctx.policy.timeZone,
        publicUrl: ctx.config.publicUrl,
      });
    },
  );

  app.get<{ Params: { slug: string } }>('/article/:slug', { schema: { params: Type.Object({ slug: SLUG }) } }, async (request, reply) => {
    // A gift link is `?gift=<token>` on this page, and on no other route.
    const gift = (request.query as Record<string, unknown> | undefined)?.gift;
    const read = await readArticle(ctx, request, reply, request.params.slug, gift === undefined ? {} : { gift });
    if (!read) {
      // An address the article had before its slug changed leads to it for good.
      const moved = await ctx.content.redirect(request.params.slug);
      if (moved) return reply.header('cache-control', 'public, max-age=3600').redirect(`/article/${moved}`, 301);
      throw new HttpProblem('not-found', 'There is no such article.');
    }
    reply.type('text/html; charset=utf-8');
    return renderArticle(request, reply, read);
  });

  authorPageRoute(app, ctx);
  tagPageRoute(app, ctx);
  searchPageRoute(app, ctx);
  premiumPageRoute(app, ctx);
  archivePageRoutes(app, ctx);

  app.get('/plans', async (request, reply) => {
    publicPage(request, reply, 300);
    reply.type('text/html; charset=utf-8');
    const read = checkForm(FromQuery, request.query);
    const from = read.ok ? read.values.from : '/';
    return plansPage(await pageChrome(ctx, request), {
      plans: await ctx.plans(),
      catalogue: ctx.business.catalogue,
      publicUrl: ctx.config.publicUrl,
      from,
      // Offered only where the gateway takes one-time payments: never a button that does not work.
      gifts: ctx.billing.gifts.available(),
    });
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
