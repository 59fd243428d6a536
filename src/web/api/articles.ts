import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AccessDecision } from '../../domain/access/model.js';
import { cursorAfter, parseCursor, type ArticleSummary } from '../../domain/content/model.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { readArticle } from '../reading.js';
import { errorResponses, registerSharedSchemas, RenditionJson, renditionJson } from './schemas.js';

const Timestamp = Type.String({ format: 'date-time' });
const summaryFields = {
  slug: Type.String(),
  headline: Type.String(),
  standfirst: Type.String(),
  section: Type.String(),
  tags: Type.Array(Type.String()),
  authors: Type.Array(Type.String()),
  dateline: Type.Union([Type.String(), Type.Null()]),
  visibility: Type.Union([Type.Literal('free'), Type.Literal('metered'), Type.Literal('premium')]),
  provenance: Type.String({ description: 'staff, wire:<agency> or partner:<name>' }),
  published_at: Timestamp,
  updated_at: Timestamp,
  shown_updated_at: Type.Union([Timestamp, Type.Null()], {
    description: 'The "Updated" time readers see (a substantive update after publication); null when never updated so.',
  }),
  url: Type.String({ description: 'The article page, relative to the site.' }),
  lead_image: Type.Union(
    [
      Type.Object(
        {
          url: Type.String({ description: 'The image: an address, or for an uploaded image its largest JPEG, relative to the site.' }),
          alt: Type.String(),
          caption: Type.String(),
          credit: Type.String(),
          renditions: Type.Array(RenditionJson, {
            description: 'An uploaded image at each width in each format; empty for an image named by its address.',
          }),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ],
    { description: 'The lead image, with its renditions when it was uploaded in the newsroom.' },
  ),
};
const ArticleSummaryJson = Type.Object(summaryFields, { additionalProperties: false });
const AccessJson = Type.Object(
  {
    allowed: Type.Boolean(),
    reason: Type.String({ description: 'Why: free, entitled, metered, metered-reread, meter-exhausted, subscription-required…' }),
    reads_left: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Free metered articles left this month; null when the meter does not apply.',
    }),
  },
  { additionalProperties: false },
);
const ArticleJson = Type.Object(
  {
    ...summaryFields,
    reading_minutes: Type.Integer(),
    body_html: Type.Union([Type.String(), Type.Null()], { description: 'The whole body, only when access is allowed.' }),
    lead_html: Type.String({ description: 'The lead-in every reader sees.' }),
  },
  { additionalProperties: false },
);
const optionalBearer: { [scheme: string]: string[] }[] = [{}, { bearer: [] }];

function summary(a: ArticleSummary) {
  return {
    slug: a.slug,
    headline: a.headline,
    standfirst: a.standfirst,
    section: a.section,
    tags: a.tags,
    authors: a.authors,
    dateline: a.dateline,
    visibility: a.visibility,
    provenance: a.provenance,
    published_at: a.publishedAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
    shown_updated_at: a.shownUpdatedAt?.toISOString() ?? null,
    url: `/article/${a.slug}`,
    lead_image: leadImage(a.leadImage),
  };
}

function leadImage(lead: ArticleSummary['leadImage']) {
  // The site's default image is not the article's own: the API reports none.
  if (!lead || lead.standIn) return null;
  const image = lead.image;
  return {
    url: lead.url,
    alt: lead.alt || (image?.alt ?? ''),
    caption: image?.caption ?? '',
    credit: image?.credit ?? '',
    renditions: (image?.renditions ?? []).map(renditionJson),
  };
}

/** The access part of every article response: the same decision the page made. */
function access(decision: AccessDecision) {
  return { allowed: decision.allowed, reason: decision.reason, reads_left: decision.readsLeft };
}

/** Article reads for apps and scripts, through the same access decision as the pages. */
export function articleApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerSharedSchemas(app);
  app.get<{ Querystring: { section?: string; limit?: number; offset?: number; before?: string } }>(
    '/api/v1/articles',
    {
      schema: {
        tags: ['articles'],
        operationId: 'listArticles',
        summary: 'Latest articles, newest first',
        security: optionalBearer,
        querystring: Type.Object(
          {
            section: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,60}$' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            // Skipped rows cost what they skip, so offsets stay small; `before` reaches any depth at one cost.
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000 })),
            before: Type.Optional(
              Type.String({
                pattern: '^\\d{1,15}\\.[1-9]\\d{0,9}$',
                description: 'Continue after an earlier page: the `next_cursor` it returned.',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              articles: Type.Array(ArticleSummaryJson),
              limit: Type.Integer(),
              offset: Type.Integer(),
              next_cursor: Type.Union([Type.String(), Type.Null()], {
                description: 'Pass as `before` for the next, older page; null when there is none.',
              }),
            },
            { additionalProperties: false },
          ),
          ...errorResponses(400, 'invalid-token', 404),
        },
      },
    },
    async (request) => {
      const { section, limit = 20, offset = 0 } = request.query;
      if (section && !(await ctx.content.section(section))) throw new HttpProblem('not-found', `There is no section "${section}".`);
      const before = request.query.before === undefined ? undefined : parseCursor(request.query.before);
      if (before === null) throw new HttpProblem('invalid-input', '`before` is not a cursor this API returned.');
      const found = await ctx.content.list({ section, limit: limit + 1, offset, before });
      const articles = found.slice(0, limit);
      const last = articles.at(-1);
      return { articles: articles.map(summary), limit, offset, next_cursor: found.length > limit && last ? cursorAfter(last) : null };
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/articles/:slug',
    {
      schema: {
        tags: ['articles'],
        operationId: 'getArticle',
        summary: 'One article, through the paywall',
        description:
          'The same access decision as the article page. An old slug of an article answers 301 with its new address. With a bearer token the reader is registered: their entitlements apply and metered reads count on their account across devices. Without one, the meter cookie and the network budget apply. A token that is not valid (expired, revoked, malformed): 401 invalid-token, never a silent anonymous read.',
        security: optionalBearer,
        params: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,119}$' }) }),
        response: {
          200: Type.Object({ article: ArticleJson, access: AccessJson }, { additionalProperties: false }),
          ...errorResponses(400, 'invalid-token', 404),
        },
      },
    },
    async (request, reply) => {
      const read = await readArticle(ctx, request, reply, request.params.slug);
      if (!read) {
        // An article whose slug changed answers at its new address, as its page does.
        const moved = await ctx.content.redirect(request.params.slug);
        if (moved) return reply.redirect(`/api/v1/articles/${moved}`, 301);
        throw new HttpProblem('not-found', 'There is no such article.');
      }
      const { prepared, decision } = read;
      return {
        article: {
          ...summary(prepared.article),
          reading_minutes: prepared.readingMinutes,
          // The full body only when the decision allows it; otherwise the lead-in the page shows too.
          body_html: decision.allowed ? prepared.bodyHtml : null,
          lead_html: prepared.leadHtml,
        },
        access: access(decision),
      };
    },
  );
}
