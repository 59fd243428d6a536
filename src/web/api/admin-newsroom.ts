import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Author } from '../../domain/content/authors.js';
import type { Section } from '../../domain/content/model.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { adminApiScope, bearer, invalid, staffActor } from './admin-api.js';
import * as S from './schemas.js';

/**
 * The newsroom's sections and authors over JSON, for staff tokens with `editContent`: the same use cases as
 * /admin/sections and /admin/authors (validation, audit log, announced changes).
 */

const SectionJson = Type.Object(
  {
    slug: Type.String(),
    name: Type.String(),
    description: Type.String(),
    premium_entitlement: Type.String(),
    position: Type.Integer(),
  },
  { additionalProperties: false },
);
const SectionBody = Type.Object(
  {
    slug: Type.String({ maxLength: 60 }),
    name: Type.String({ maxLength: 60 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    premium_entitlement: Type.Optional(Type.String({ maxLength: 40, description: 'premium unless given' })),
  },
  { additionalProperties: false },
);
const Link = Type.Object({ label: Type.String({ maxLength: 60 }), url: Type.String({ maxLength: 500 }) }, { additionalProperties: false });
const AuthorJson = Type.Object(
  {
    id: Type.Integer(),
    slug: Type.String(),
    name: Type.String(),
    bio: Type.String(),
    photo_url: Type.Union([Type.String(), Type.Null()]),
    links: Type.Array(Link),
    url: Type.String({ description: 'The author’s page, relative to the site.' }),
  },
  { additionalProperties: false },
);
const AuthorBody = Type.Object(
  {
    name: Type.String({ maxLength: 120 }),
    slug: Type.String({ maxLength: 120 }),
    bio: Type.Optional(Type.String({ maxLength: 2000 })),
    photo_url: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    links: Type.Optional(Type.Array(Link, { maxItems: 10 })),
  },
  { additionalProperties: false },
);

const sectionJson = (s: Section) => ({
  slug: s.slug,
  name: s.name,
  description: s.description,
  premium_entitlement: s.premiumEntitlement,
  position: s.position,
});
const authorJson = (a: Author) => ({
  id: a.id,
  slug: a.slug,
  name: a.name,
  bio: a.bio,
  photo_url: a.photoUrl,
  links: a.links,
  url: `/author/${a.slug}`,
});

const READ_ERRORS = ['invalid-input', 'unauthorized', 'invalid-token', 'not-found'] as const;
const WRITE_ERRORS = [...S.BODY_ERRORS, 'unauthorized', 'invalid-token', 'not-found'] as const;

export function adminNewsroomApiRoutes(scope: FastifyInstance, ctx: AppContext): void {
  adminApiScope(scope);
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const SlugParams = Type.Object({ slug: Type.String({ pattern: '^[a-z0-9-]{1,60}$' }) });
  const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

  const sectionFields = (b: { slug: string; name: string; description?: string; premium_entitlement?: string }) => ({
    slug: b.slug.trim().toLowerCase(),
    name: b.name.trim(),
    description: (b.description ?? '').trim(),
    premiumEntitlement: (b.premium_entitlement ?? 'premium').trim(),
  });

  app.get(
    '/api/v1/admin/sections',
    {
      schema: {
        tags: ['admin: sections'],
        operationId: 'adminListSections',
        summary: 'Every section, in the order of the navigation and the home page',
        ...bearer,
        response: {
          200: Type.Object({ sections: Type.Array(SectionJson) }, { additionalProperties: false }),
          ...S.errorResponses(...READ_ERRORS),
        },
      },
    },
    async (request) => ({ sections: (await ctx.sections.list(staffActor(request, 'editContent'))).map(sectionJson) }),
  );

  app.post(
    '/api/v1/admin/sections',
    {
      schema: {
        tags: ['admin: sections'],
        operationId: 'adminCreateSection',
        summary: 'Create a section (last in the order)',
        ...bearer,
        body: SectionBody,
        response: { 201: Type.Object({ item: SectionJson }, { additionalProperties: false }), ...S.errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request, 'editContent');
      const result = await ctx.sections.create(actor, sectionFields(request.body));
      if (!result.ok) return invalid(result.errors);
      const created = await ctx.sections.section(actor, result.slug);
      if (!created) throw new HttpProblem('not-found', 'There is no such section.');
      return reply.code(201).send({ item: sectionJson(created) });
    },
  );

  app.put(
    '/api/v1/admin/sections/:slug',
    {
      schema: {
        tags: ['admin: sections'],
        operationId: 'adminSaveSection',
        summary: 'Change a section; a new slug leaves a 301 from its old address',
        ...bearer,
        params: SlugParams,
        body: SectionBody,
        response: { 200: Type.Object({ item: SectionJson }, { additionalProperties: false }), ...S.errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request) => {
      const actor = staffActor(request, 'editContent');
      const result = await ctx.sections.update(actor, request.params.slug, sectionFields(request.body));
      if (!result) throw new HttpProblem('not-found', 'There is no such section.');
      if (!result.ok) return invalid(result.errors);
      const saved = await ctx.sections.section(actor, result.slug);
      if (!saved) throw new HttpProblem('not-found', 'There is no such section.');
      return { item: sectionJson(saved) };
    },
  );

  const authorFields = (b: {
    name: string;
    slug: string;
    bio?: string;
    photo_url?: string | null;
    links?: { label: string; url: string }[];
  }) => ({
    name: b.name.trim(),
    slug: b.slug.trim().toLowerCase(),
    bio: (b.bio ?? '').trim(),
    photoUrl: b.photo_url?.trim() || null,
    links: (b.links ?? []).map((l) => ({ label: l.label.trim(), url: l.url.trim() })),
  });
  const savedAuthor = async (
    request: Parameters<typeof staffActor>[0],
    result: Awaited<ReturnType<AppContext['newsroom']['authors']['create']>>,
  ) => {
    if (!result.ok && 'notFound' in result) throw new HttpProblem('not-found', 'There is no such author.');
    if (!result.ok) return invalid(result.errors);
    const author = await ctx.newsroom.authors.author(staffActor(request, 'editContent'), result.id);
    if (!author) throw new HttpProblem('not-found', 'There is no such author.');
    return { item: authorJson(author) };
  };

  app.get(
    '/api/v1/admin/authors',
    {
      schema: {
        tags: ['admin: authors'],
        operationId: 'adminListAuthors',
        summary: 'Authors by name (100 at most; `q` searches names)',
        ...bearer,
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 120 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ authors: Type.Array(AuthorJson) }, { additionalProperties: false }),
          ...S.errorResponses(...READ_ERRORS),
        },
      },
    },
    async (request) => {
      const authors = await ctx.newsroom.authors.list(staffActor(request, 'editContent'), { search: request.query.q, limit: 100 });
      return { authors: authors.map(authorJson) };
    },
  );

  app.post(
    '/api/v1/admin/authors',
    {
      schema: {
        tags: ['admin: authors'],
        operationId: 'adminCreateAuthor',
        summary: 'Create an author',
        ...bearer,
        body: AuthorBody,
        response: { 201: Type.Object({ item: AuthorJson }, { additionalProperties: false }), ...S.errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request, reply) => {
      const result = await ctx.newsroom.authors.create(staffActor(request, 'editContent'), authorFields(request.body));
      return reply.code(201).send(await savedAuthor(request, result));
    },
  );

  app.put(
    '/api/v1/admin/authors/:id',
    {
      schema: {
        tags: ['admin: authors'],
        operationId: 'adminSaveAuthor',
        summary: 'Change an author; a new name is carried into their bylines',
        ...bearer,
        params: IdParams,
        body: AuthorBody,
        response: { 200: Type.Object({ item: AuthorJson }, { additionalProperties: false }), ...S.errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request) => {
      const result = await ctx.newsroom.authors.update(staffActor(request, 'editContent'), request.params.id, authorFields(request.body));
      return savedAuthor(request, result);
    },
  );
}
