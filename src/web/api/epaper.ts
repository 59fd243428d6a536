import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import type { Edition, PageImage, Region } from '../../domain/epaper/model.js';
import { URL_LIFETIME_S, urlExpiry } from '../../domain/epaper/rules.js';
import { actorOf } from '../../domain/policies/policies.js';
import { HttpProblem } from '../http/errors.js';
import { requireBearer } from './me.js';
import { apiScope, errorResponses } from './schemas.js';

const LIMIT_MAX = 60;

const EditionJson = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String({ description: 'The edition’s name, e.g. Mumbai.' }),
    slug: Type.String(),
    date: Type.String({ format: 'date' }),
    page_count: Type.Integer(),
    url: Type.String({ description: 'The edition on the website.' }),
  },
  { additionalProperties: false },
);

const ImageJson = Type.Object(
  {
    size: Type.String({ description: 'thumb (240 px wide), page (1000 px, the reading size) or zoom (2000 px).' }),
    width: Type.Integer(),
    height: Type.Integer(),
    url: Type.String({
      description: 'Signed and short-lived (see `urls_expire_at`); the same address while it works, so an app can cache by it.',
    }),
  },
  { additionalProperties: false },
);

const RegionJson = Type.Object(
  {
    id: Type.Integer(),
    box: Type.Object(
      { x: Type.Integer(), y: Type.Integer(), w: Type.Integer(), h: Type.Integer() },
      { additionalProperties: false, description: 'In ten-thousandths of the page’s width (x, w) and height (y, h), from the top left.' },
    ),
    headline: Type.String(),
    text: Type.String({ description: 'The story’s text as printed (for the text view and screen readers).' }),
    article: Type.Union([Type.Object({ slug: Type.String(), url: Type.String() }, { additionalProperties: false }), Type.Null()]),
  },
  { additionalProperties: false },
);

const TilesJson = Type.Union(
  [
    Type.Object(
      {
        image: Type.String({ description: 'The image the tiles are cut from (zoom).' }),
        width: Type.Integer({ description: 'That image’s width in pixels.' }),
        height: Type.Integer(),
        tile_size: Type.Integer({ description: 'Tiles are squares of this many pixels; the last column and row are narrower.' }),
        columns: Type.Integer(),
        rows: Type.Integer(),
        urls: Type.Array(Type.Array(Type.String()), {
          description: 'Signed addresses, `urls[row][column]` from the top left; they expire with the image addresses.',
        }),
      },
      { additionalProperties: false },
    ),
    Type.Null(),
  ],
  {
    description:
      'The zoom image cut into tiles, to load only what is on screen; null for pages rendered before tiles (zoom the whole image).',
  },
);

const PageJson = Type.Object(
  {
    number: Type.Integer(),
    text: Type.String(),
    images: Type.Array(ImageJson),
    tiles: TilesJson,
    regions: Type.Array(RegionJson),
  },
  { additionalProperties: false },
);

const editionJson = (e: Edition) => ({
  id: e.id,
  name: e.name,
  slug: e.slug,
  date: e.date,
  page_count: e.pageCount,
  url: `/epaper/${e.slug}/${e.date}`,
});
const regionJson = (r: Region) => ({
  id: r.id,
  box: { x: r.x, y: r.y, w: r.w, h: r.h },
  headline: r.headline,
  text: r.text,
  article: r.article ? { slug: r.article.slug, url: `/${r.article.slug}` } : null,
});

const tilesJson = (images: readonly PageImage[], urlsOf: (image: PageImage) => string[][] | null) => {
  const zoom = images.find((i) => i.size === 'zoom' && i.tiles);
  const urls = zoom ? urlsOf(zoom) : null;
  if (!zoom?.tiles || !urls) return null;
  const { size, columns, rows } = zoom.tiles;
  return { image: zoom.size, width: zoom.width, height: zoom.height, tile_size: size, columns, rows, urls };
};

/**
 * The e-paper for apps: published editions (anyone may list them), and an edition's pages, regions and text with
 * short-lived signed image addresses (readers with the `epaper` entitlement only), so an app can read and cache.
 */
export function epaperApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  apiScope(app);

  app.get<{ Querystring: { before?: string; limit?: number } }>(
    '/api/v1/epaper/editions',
    {
      schema: {
        tags: ['epaper'],
        operationId: 'listEpaperEditions',
        summary: 'Published e-paper editions, newest first',
        security: [{}, { bearer: [] }],
        querystring: Type.Object(
          {
            before: Type.Optional(
              Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}\\.[1-9]\\d{0,9}$', description: 'The `next_cursor` of the page before.' }),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMIT_MAX })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { editions: Type.Array(EditionJson), next_cursor: Type.Union([Type.String(), Type.Null()]) },
            { additionalProperties: false },
          ),
          ...errorResponses('invalid-input'),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20;
      const cursor = request.query.before ? /^(\d{4}-\d{2}-\d{2})\.(\d+)$/.exec(request.query.before) : null;
      const found = await ctx.epaper.published({
        before: cursor?.[1] && cursor[2] ? { date: cursor[1], id: Number(cursor[2]) } : undefined,
        limit: limit + 1,
      });
      const editions = found.slice(0, limit);
      const last = editions.at(-1);
      return { editions: editions.map(editionJson), next_cursor: found.length > limit && last ? `${last.date}.${last.id}` : null };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/epaper/editions/:id',
    {
      schema: {
        tags: ['epaper'],
        operationId: 'getEpaperEdition',
        summary: 'An edition’s pages, regions and text, with signed image addresses (the e-paper entitlement)',
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object(
            {
              edition: EditionJson,
              urls_expire_at: Type.String({
                format: 'date-time',
                description: `Image addresses work at least ${URL_LIFETIME_S / 60} minutes; ask again after.`,
              }),
              pages: Type.Array(PageJson),
            },
            { additionalProperties: false },
          ),
          ...errorResponses('unauthorized', 'invalid-token', 'forbidden', 'not-found'),
        },
      },
    },
    async (request, reply) => {
      const { user } = requireBearer(request);
      const edition = await ctx.epaper.publishedById(request.params.id);
      if (!edition) throw new HttpProblem('not-found', 'There is no such edition.');
      if (!(await ctx.epaper.mayRead(actorOf(user))))
        throw new HttpProblem('forbidden', 'The e-paper is part of a subscription that includes it.');
      const [pages, regions] = await Promise.all([ctx.epaper.pages(edition), ctx.epaper.regions(edition)]);
      reply.header('cache-control', 'private, no-store');
      return {
        edition: editionJson(edition),
        urls_expire_at: new Date(urlExpiry(ctx.now()) * 1000).toISOString(),
        pages: pages.map((p) => ({
          number: p.number,
          text: p.text,
          images: p.images.map((i) => ({ size: i.size, width: i.width, height: i.height, url: ctx.epaper.fileUrl(i.key) })),
          tiles: tilesJson(p.images, (i) => ctx.epaper.tileUrls(i)),
          regions: regions.filter((r) => r.pageNumber === p.number).map(regionJson),
        })),
      };
    },
  );
}
