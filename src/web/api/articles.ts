import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AccessDecision } from '../../domain/access/model.js';
import type { ArticleSummary } from '../../domain/content/queries.js';
import type { AppContext } from '../context.js';
import { HttpProblem } from '../http/errors.js';
import { readArticle } from '../reading.js';

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
    url: `/article/${a.slug}`,
  };
}

/** The access part of every article response: the same decision the page made. */
function access(decision: AccessDecision) {
  return { allowed: decision.allowed, reason: decision.reason, reads_left: decision.readsLeft };
}

/** Article reads for apps and scripts, through the same access decision as the pages. */
export async function articleApiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Querystring: { section?: string; limit?: number; offset?: number } }>(
    '/api/v1/articles',
    {
      schema: {
        querystring: Type.Object(
          {
            section: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,60}$' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { section, limit = 20, offset = 0 } = request.query;
      if (section && !(await ctx.content.section(section))) throw new HttpProblem('not-found', `There is no section "${section}".`);
      const articles = await ctx.content.list({ section, limit, offset });
      return { articles: articles.map(summary), limit, offset };
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/articles/:slug',
    { schema: { params: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,119}$' }) }) } },
    async (request, reply) => {
      const read = await readArticle(ctx, request, reply, request.params.slug);
      if (!read) throw new HttpProblem('not-found', 'There is no such article.');
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
