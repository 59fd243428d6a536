import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { SaveResult } from '../../domain/content/newsroom-service.js';
import type { Actor } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { adminApiScope, bearer, staffActor } from './admin-api.js';
import {
  AdminArticleJson,
  AdminSummaryJson,
  ArticleBody,
  articleJson,
  CorrectionBody,
  correctionJson,
  CorrectionResponse,
  Nullable,
  readBody,
  refuse,
  Status,
  summaryJson,
  Timestamp,
  VisibilityJson,
} from './admin-article-json.js';
import * as S from './schemas.js';

/**
 * The newsroom's JSON API: the same use cases as /admin/articles (the newsroom service, policy `editContent`),
 * for staff bearer tokens obtained as the app API does (/api/v1/auth/token). A reader's token finds nothing
 * here (404); no token is 401. Every save carries the version it was read at, so a script cannot overwrite
 * an editor's work silently (409).
 */

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Words in the headline.' })),
    section: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,60}$' })),
    status: Type.Optional(Status),
    visibility: Type.Optional(VisibilityJson),
    provenance: Type.Optional(Type.Union([Type.Literal('staff'), Type.Literal('wire'), Type.Literal('partner')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    before: Type.Optional(Type.String({ pattern: '^\\d{1,15}\\.[1-9]\\d{0,9}$', description: 'The `next_cursor` of the page before.' })),
  },
  { additionalProperties: false },
);
const NOT_FOUND = 'There is no such article.';

export function adminArticleApiRoutes(scope: FastifyInstance, ctx: AppContext): void {
  adminApiScope(scope);
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['admin: articles'];

  const saved = async (actor: Actor, result: SaveResult) => {
    if (!result.ok && result.kind === 'conflict')
      throw new HttpProblem(
        'conflict',
        `Someone saved this article since you read it: it is now version ${result.current.version}. Read it again and redo your change.`,
      );
    if (!result.ok) refuse(result.errors);
    return { article: await present(actor, result.id) };
  };
  /** The article as the API gives it, with its corrections. */
  const present = async (actor: Actor, id: number) => {
    const article = await ctx.newsroom.article(actor, id);
    if (!article) throw new HttpProblem('not-found', NOT_FOUND);
    return articleJson(article, await ctx.newsroom.corrections.list(actor, id), ctx.now());
  };

  app.get(
    '/api/v1/admin/articles',
    {
      schema: {
        tags,
        operationId: 'adminListArticles',
        summary: 'Articles in any status, last changed first',
        ...bearer,
        querystring: ListQuery,
        response: {
          200: Type.Object(
            { articles: Type.Array(AdminSummaryJson), next_cursor: Nullable(Type.String()) },
            { additionalProperties: false },
          ),
          ...S.errorResponses('invalid-input', 'unauthorized', 'invalid-token', 'not-found'),
        },
      },
    },
    async (request) => {
      const actor = staffActor(request, 'editContent');
      const q = request.query;
      const limit = q.limit ?? 50;
      const [at, id] = q.before ? q.before.split('.').map(Number) : [];
      const found = await ctx.newsroom.list(actor, {
        search: q.q,
        section: q.section,
        status: q.status,
        visibility: q.visibility,
        provenance: q.provenance,
        before: at !== undefined && id !== undefined ? { updatedAt: new Date(at), id } : undefined,
        limit: limit + 1,
      });
      const page = found.slice(0, limit);
      const last = page.at(-1);
      const now = ctx.now();
      return {
        articles: page.map((a) => summaryJson(a, now)),
        next_cursor: found.length > limit && last ? `${last.updatedAt.getTime()}.${last.id}` : null,
      };
    },
  );

  app.get(
    '/api/v1/admin/articles/:id',
    {
      schema: {
        tags,
        operationId: 'adminGetArticle',
        summary: 'One article as the newsroom sees it, whatever its status',
        ...bearer,
        params: IdParams,
        response: {
          200: Type.Object({ article: AdminArticleJson }, { additionalProperties: false }),
          ...S.errorResponses('invalid-input', 'unauthorized', 'invalid-token', 'not-found'),
        },
      },
    },
    async (request) => ({ article: await present(staffActor(request, 'editContent'), request.params.id) }),
  );

  app.post(
    '/api/v1/admin/articles',
    {
      schema: {
        tags,
        operationId: 'adminCreateArticle',
        summary: 'Write an article: a draft, published at once, or scheduled',
        ...bearer,
        body: ArticleBody,
        response: {
          201: Type.Object({ article: AdminArticleJson }, { additionalProperties: false }),
          ...S.errorResponses(...S.BODY_ERRORS, 'unauthorized', 'invalid-token', 'not-found'),
        },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request, 'editContent');
      if (request.body.version !== undefined || request.body.action === 'unpublish')
        refuse({ action: 'A new article has no version and cannot be unpublished.' });
      const { fields, action } = readBody(request.body, null);
      const result = await saved(actor, await ctx.newsroom.save(actor, { id: null, version: null, fields, action }));
      return reply.code(201).send(result);
    },
  );

  app.put(
    '/api/v1/admin/articles/:id',
    {
      schema: {
        tags,
        operationId: 'adminSaveArticle',
        summary: 'Save an article over the version you read (a field left out keeps its stored value; null clears it)',
        description:
          'Publish, schedule or unpublish it with `action`. headline, section, visibility and version are required; every other field ' +
          'you leave out keeps what is stored, and null clears a field that may be empty (dateline, lead_image, embargo_until and the ' +
          'SEO fields). 409 conflict when someone saved it since you read it.',
        ...bearer,
        params: IdParams,
        body: ArticleBody,
        response: {
          200: Type.Object({ article: AdminArticleJson }, { additionalProperties: false }),
          ...S.errorResponses(...S.BODY_ERRORS, 'unauthorized', 'invalid-token', 'not-found', 'conflict'),
        },
      },
    },
    async (request) => {
      const actor = staffActor(request, 'editContent');
      if (request.body.version === undefined) refuse({ version: 'Send the version you read (GET the article first).' });
      const stored = await ctx.newsroom.article(actor, request.params.id);
      if (!stored) throw new HttpProblem('not-found', NOT_FOUND);
      // What is kept comes from the version read now: a save over any other version is refused as a conflict.
      const { fields, action, showUpdated } = readBody(request.body, stored);
      return saved(actor, await ctx.newsroom.save(actor, { id: stored.id, version: request.body.version, fields, action, showUpdated }));
    },
  );

  app.get(
    '/api/v1/admin/articles/:id/revisions',
    {
      schema: {
        tags,
        operationId: 'adminListRevisions',
        summary: 'The article’s revisions, newest first: who saved what, when',
        ...bearer,
        params: IdParams,
        response: {
          200: Type.Object(
            {
              revisions: Type.Array(
                Type.Object(
                  {
                    id: Type.Integer(),
                    version: Type.Integer(),
                    action: Type.String(),
                    by: Nullable(Type.String(), 'Who saved it; null for no account (an import or the wire) or an account since deleted.'),
                    at: Timestamp,
                  },
                  { additionalProperties: false },
                ),
              ),
            },
            { additionalProperties: false },
          ),
          ...S.errorResponses('invalid-input', 'unauthorized', 'invalid-token', 'not-found'),
        },
      },
    },
    async (request) => {
      const actor = staffActor(request, 'editContent');
      if (!(await ctx.newsroom.article(actor, request.params.id))) throw new HttpProblem('not-found', NOT_FOUND);
      const revisions = await ctx.newsroom.revisions(actor, request.params.id);
      return {
        revisions: revisions.map((r) => ({ id: r.id, version: r.version, action: r.action, by: r.by, at: r.createdAt.toISOString() })),
      };
    },
  );

  app.post(
    '/api/v1/admin/articles/:id/corrections',
    {
      schema: {
        tags,
        operationId: 'adminAppendCorrection',
        summary: 'Append a correction or clarification, shown at the foot of the article with the date it was made',
        description: 'It cannot be deleted. The article keeps its version; readers see the correction at once.',
        ...bearer,
        params: IdParams,
        body: CorrectionBody,
        response: {
          201: CorrectionResponse,
          ...S.errorResponses(...S.BODY_ERRORS, 'unauthorized', 'invalid-token', 'not-found'),
        },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request, 'editContent');
      const { kind, text } = request.body;
      const result = await ctx.newsroom.corrections.append(actor, request.params.id, { kind, text: text.trim() });
      if (!result.ok && 'notFound' in result) throw new HttpProblem('not-found', NOT_FOUND);
      if (!result.ok) refuse(result.errors);
      return reply.code(201).send({ correction: correctionJson(result.correction) });
    },
  );
}
