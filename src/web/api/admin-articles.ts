import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { VISIBILITIES } from '../../domain/content/model.js';
import {
  ARTICLE_STATUSES,
  shownStatus,
  slugFrom,
  type ArticleFields,
  type NewsroomArticle,
  type SaveAction,
  NO_SEO,
} from '../../domain/content/newsroom.js';
import type { SaveResult } from '../../domain/content/newsroom-service.js';
import type { NewsroomSummary } from '../../domain/content/newsroom-queries.js';
import type { Actor } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { adminApiScope, bearer, invalid, staffActor } from './admin-api.js';
import * as S from './schemas.js';

/**
 * The newsroom's JSON API: the same use cases as /admin/articles (the newsroom service, policy `editContent`),
 * for staff bearer tokens obtained as the app API does (/api/v1/auth/token). A reader's token finds nothing
 * here (404); no token is 401. Every save carries the version it was read at, so a script cannot overwrite
 * an editor's work silently (409).
 */

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const LeadImage = Type.Object(
  { url: Type.String({ maxLength: 2000 }), alt: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);
const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Status = oneOf(ARTICLE_STATUSES);

const FieldsJson = {
  slug: Type.String(),
  headline: Type.String(),
  standfirst: Type.String(),
  body: Type.String({ description: 'Markdown.' }),
  section: Type.String(),
  tags: Type.Array(Type.String()),
  authors: Type.Array(Type.String()),
  dateline: Nullable(Type.String()),
  visibility: oneOf(VISIBILITIES),
  provenance: Type.String({ description: 'staff, wire:<agency> or partner:<name>' }),
  lead_image: Nullable(LeadImage),
};
const stateJson = {
  id: Type.Integer(),
  status: Status,
  version: Type.Integer({ description: 'Send it back with the next save.' }),
  published_at: Nullable(Timestamp),
  updated_at: Timestamp,
  url: Type.String({ description: 'The article page, relative to the site (readers see it once it is published).' }),
};
const AdminArticleJson = Type.Object({ ...FieldsJson, ...stateJson }, { additionalProperties: false });
const AdminSummaryJson = Type.Object(
  {
    ...stateJson,
    slug: Type.String(),
    headline: Type.String(),
    section: Type.String(),
    authors: Type.Array(Type.String()),
    visibility: FieldsJson.visibility,
    provenance: Type.String(),
  },
  { additionalProperties: false },
);

const limits = { slug: 120, headline: 300, standfirst: 1000, body: 200_000, dateline: 120, list: 40, item: 120 };
const ArticleBody = Type.Object(
  {
    headline: Type.String({ maxLength: limits.headline }),
    standfirst: Type.Optional(Type.String({ maxLength: limits.standfirst })),
    body: Type.Optional(Type.String({ maxLength: limits.body })),
    section: Type.String({ maxLength: 60 }),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: limits.item }), { maxItems: limits.list })),
    authors: Type.Optional(Type.Array(Type.String({ maxLength: limits.item }), { maxItems: limits.list })),
    dateline: Type.Optional(Nullable(Type.String({ maxLength: limits.dateline }))),
    visibility: FieldsJson.visibility,
    provenance: Type.Optional(Type.String({ maxLength: 70 })),
    slug: Type.Optional(Type.String({ maxLength: limits.slug, description: 'Made from the headline when left out.' })),
    lead_image: Type.Optional(Nullable(LeadImage)),
    action: Type.Optional(
      oneOf(
        ['save', 'publish', 'schedule', 'unpublish'] as const,
        'save (the default) keeps the status; publish, schedule (with publish_at) or unpublish change it.',
      ),
    ),
    publish_at: Type.Optional(Timestamp),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Required to save over an existing article: the version you read.' })),
  },
  { additionalProperties: false },
);
type ArticleBodyValue = Static<typeof ArticleBody>;

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Words in the headline.' })),
    section: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,60}$' })),
    status: Type.Optional(Status),
    visibility: Type.Optional(FieldsJson.visibility),
    provenance: Type.Optional(Type.Union([Type.Literal('staff'), Type.Literal('wire'), Type.Literal('partner')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    before: Type.Optional(Type.String({ pattern: '^\\d{1,15}\\.[1-9]\\d{0,9}$', description: 'The `next_cursor` of the page before.' })),
  },
  { additionalProperties: false },
);

function articleJson(a: NewsroomArticle, now: Date): Static<typeof AdminArticleJson> {
  return {
    id: a.id,
    slug: a.slug,
    headline: a.headline,
    standfirst: a.standfirst,
    body: a.body,
    section: a.section,
    tags: a.tags,
    authors: a.authors,
    dateline: a.dateline,
    visibility: a.visibility,
    provenance: a.provenance,
    lead_image: a.leadImage,
    status: shownStatus(a, now),
    version: a.version,
    published_at: a.publishedAt?.toISOString() ?? null,
    updated_at: a.updatedAt.toISOString(),
    url: `/article/${a.slug}`,
  };
}

function summaryJson(a: NewsroomSummary, now: Date): Static<typeof AdminSummaryJson> {
  return {
    id: a.id,
    slug: a.slug,
    headline: a.headline,
    section: a.section,
    authors: a.authors,
    visibility: a.visibility,
    provenance: a.provenance,
    status: shownStatus(a, now),
    version: a.version,
    published_at: a.publishedAt?.toISOString() ?? null,
    updated_at: a.updatedAt.toISOString(),
    url: `/article/${a.slug}`,
  };
}

/** The newsroom's form names its image fields imageUrl/imageAlt; the API's is lead_image. */
const apiField = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^image_url$|^image_alt$/, 'lead_image');
function refuse(errors: Record<string, string>): never {
  return invalid(errors, apiField);
}

/** The fields and action a request asks for; a missing publish time for `schedule` is refused beside the field. */
function readBody(body: ArticleBodyValue): { fields: ArticleFields; action: SaveAction } {
  const action: SaveAction =
    body.action === 'schedule'
      ? body.publish_at
        ? { kind: 'schedule', at: new Date(body.publish_at) }
        : refuse({ publish_at: 'Say when it goes out (publish_at).' })
      : { kind: body.action ?? 'save' };
  const fields: ArticleFields = {
    slug: (body.slug ?? '').trim().toLowerCase() || slugFrom(body.headline),
    headline: body.headline.trim(),
    standfirst: (body.standfirst ?? '').trim(),
    body: (body.body ?? '').trim(),
    section: body.section.trim(),
    tags: (body.tags ?? []).map((t) => t.trim()).filter(Boolean),
    authors: (body.authors ?? []).map((a) => a.trim()).filter(Boolean),
    dateline: body.dateline?.trim() || null,
    visibility: body.visibility,
    provenance: (body.provenance ?? 'staff').trim(),
    leadImage: body.lead_image ?? null,
    // Not in the API's body yet: a new article has none; an update keeps the stored ones (see the PUT route).
    embargoUntil: null,
    seo: NO_SEO,
  };
  return { fields, action };
}

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
    const article = await ctx.newsroom.article(actor, result.id);
    if (!article) throw new HttpProblem('not-found', 'There is no such article.');
    return { article: articleJson(article, ctx.now()) };
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
    async (request) => {
      const article = await ctx.newsroom.article(staffActor(request, 'editContent'), request.params.id);
      if (!article) throw new HttpProblem('not-found', 'There is no such article.');
      return { article: articleJson(article, ctx.now()) };
    },
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
      const { fields, action } = readBody(request.body);
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
        summary: 'Save an article over the version you read, and publish, schedule or unpublish it',
        description: 'Send every field (what you leave out is emptied, as in the editor). 409 conflict when someone saved it since.',
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
      const { fields: sent, action } = readBody(request.body);
      const stored = await ctx.newsroom.article(actor, request.params.id);
      const fields = stored ? { ...sent, embargoUntil: stored.embargoUntil, seo: stored.seo } : sent;
      return saved(actor, await ctx.newsroom.save(actor, { id: request.params.id, version: request.body.version, fields, action }));
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
                  { id: Type.Integer(), version: Type.Integer(), action: Type.String(), by: Nullable(Type.String()), at: Timestamp },
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
      if (!(await ctx.newsroom.article(actor, request.params.id))) throw new HttpProblem('not-found', 'There is no such article.');
      const revisions = await ctx.newsroom.revisions(actor, request.params.id);
      return {
        revisions: revisions.map((r) => ({ id: r.id, version: r.version, action: r.action, by: r.by, at: r.createdAt.toISOString() })),
      };
    },
  );
}
