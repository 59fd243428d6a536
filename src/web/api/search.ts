import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { cursorAfter } from '../../domain/content/model.js';
import { RELEVANCE_PAGES_MAX, SEARCH_TYPES } from '../../domain/search/model.js';
import { PREFIX_MIN, PREFIXES_MAX, SEARCH_TEXT_MAX } from '../../domain/search/query-text.js';
import { readSearchParams, runSearch } from '../search/searching.js';
import { errorResponses, registerSharedSchemas } from './schemas.js';

/** Results a page of the API holds at most. */
const LIMIT_MAX = 50;

const HitJson = Type.Object(
  {
    slug: Type.String(),
    url: Type.String({ description: 'The article page, relative to the site.' }),
    headline: Type.String(),
    headline_html: Type.String({ description: 'The headline as escaped HTML, matches in <mark>.' }),
    standfirst: Type.String(),
    section: Type.String(),
    authors: Type.Array(Type.String()),
    tags: Type.Array(Type.String()),
    visibility: Type.Union([Type.Literal('free'), Type.Literal('metered'), Type.Literal('premium')]),
    provenance: Type.String({ description: 'staff, wire:<agency> or partner:<name>' }),
    published_at: Type.String({ format: 'date-time' }),
    snippet_html: Type.String({
      description:
        'A few lines around the matches as escaped HTML, matches in <mark>, with … where it cuts the text and between its parts: from the body only when this reader may read the article now without using a free article; otherwise from the standfirst and the lead-in.',
    }),
    snippet_from: Type.Union([Type.Literal('body'), Type.Literal('lead')]),
  },
  { additionalProperties: false },
);

/** `GET /api/v1/search`: the reader search of `/search`, as JSON, through the same access rules for snippets. */
export function searchApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerSharedSchemas(app);
  app.get<{
    Querystring: {
      q: string;
      section?: string;
      from?: string;
      to?: string;
      author?: string;
      type?: string;
      sort?: string;
      page?: number;
      after?: string;
      limit?: number;
    };
  }>(
    '/api/v1/search',
    {
      schema: {
        tags: ['articles'],
        operationId: 'searchArticles',
        summary: 'Search published articles',
        description: `Full-text search over headline, standfirst, body, tags and authors. \`q\` takes words, "quoted phrases", \`or\`, \`-word\`, and \`word*\` for words beginning so (at least ${PREFIX_MIN} letters, on at most ${PREFIXES_MAX} words; the last word also matches as a beginning). Relevance order pages with \`page\` (at most ${RELEVANCE_PAGES_MAX} pages); date order continues with \`after\` (the \`next_cursor\` of the page before) as deep as the archive. Each reader may search so many times a minute (429 past it), and a search the database cannot answer in time is refused with 422 \`search-too-broad\`: narrow it.`,
        security: [{}, { bearer: [] }],
        querystring: Type.Object(
          {
            q: Type.String({ maxLength: 20_000, description: `The search, at most ${SEARCH_TEXT_MAX} characters once trimmed.` }),
            section: Type.Optional(Type.String({ maxLength: 60, description: 'A section slug.' })),
            from: Type.Optional(
              Type.String({ maxLength: 10, description: 'Published on or after this day (YYYY-MM-DD, the publisher’s time zone).' }),
            ),
            to: Type.Optional(
              Type.String({ maxLength: 10, description: 'Published on or before this day (YYYY-MM-DD); not before `from` (400).' }),
            ),
            author: Type.Optional(Type.String({ maxLength: 120, description: 'An author’s slug (as in /author/<slug>).' })),
            type: Type.Optional(
              Type.String({
                enum: [...SEARCH_TYPES],
                description: 'free, metered or premium as the paywall treats the story; staff, wire or partner by where it came from.',
              }),
            ),
            sort: Type.Optional(Type.String({ enum: ['relevance', 'date'] })),
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: RELEVANCE_PAGES_MAX })),
            after: Type.Optional(Type.String({ pattern: '^\\d{1,15}\\.[1-9]\\d{0,9}$' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMIT_MAX })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              results: Type.Array(HitJson),
              limit: Type.Integer(),
              next_page: Type.Union([Type.Integer(), Type.Null()], { description: 'Relevance order: the next page, or null.' }),
              next_cursor: Type.Union([Type.String(), Type.Null()], {
                description: 'Date order: pass as `after` for the next page, or null.',
              }),
            },
            { additionalProperties: false },
          ),
          ...errorResponses(400, 'invalid-token', 'search-too-broad', 'rate-limited'),
        },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 20;
      const read = readSearchParams(request.query);
      reply.headers({ 'cache-control': 'private, no-cache', vary: 'Cookie, Authorization' });
      const result = read.q === '' ? null : await runSearch(ctx, request, read, limit);
      const hits = result?.hits ?? [];
      const last = hits.at(-1)?.article;
      return {
        results: hits.map(({ article: a, headlineHtml, snippetHtml, fromBody }) => ({
          slug: a.slug,
          url: `/article/${a.slug}`,
          headline: a.headline,
          headline_html: headlineHtml,
          standfirst: a.standfirst,
          section: a.section,
          authors: a.authors,
          tags: a.tags,
          visibility: a.visibility,
          provenance: a.provenance,
          published_at: a.publishedAt.toISOString(),
          snippet_html: snippetHtml,
          snippet_from: fromBody ? ('body' as const) : ('lead' as const),
        })),
        limit,
        next_page: read.sort === 'relevance' && result?.more && read.page < RELEVANCE_PAGES_MAX ? read.page + 1 : null,
        next_cursor: read.sort === 'date' && result?.nextCursor && last ? cursorAfter(last) : null,
      };
    },
  );
}
