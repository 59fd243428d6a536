import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { imagePath, type StoredImage } from '../../domain/media/model.js';
import { DEFAULT_RATIO, RATIO_NAMES, UPLOAD_LIMITS, type Ratio } from '../../domain/media/rules.js';
import type { ImageSaveResult } from '../../domain/media/service.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { acceptImageUploads, uploadedFile } from '../http/uploads.js';
import { adminApiScope, bearer, invalid, snake, staffActor } from './admin-api.js';
import * as S from './schemas.js';

/**
 * The newsroom's images over JSON, for staff tokens with `editContent`: the same use cases as /admin/images (the
 * media service: checks, crop, renditions, audit log). An upload is `multipart/form-data`, read only by that route.
 */

const Timestamp = Type.String({ format: 'date-time' });
const RatioJson = Type.Unsafe<Ratio>({ type: 'string', enum: [...RATIO_NAMES], description: 'The shape of the crop.' });
const Percent = Type.Integer({ minimum: 0, maximum: 100 });
const focus = {
  x: 'The point the crop keeps in its middle: percent across from the left.',
  y: 'The point the crop keeps in its middle: percent down from the top.',
};

const ImageJson = Type.Object(
  {
    id: Type.Integer(),
    url: Type.String({
      description: 'How an article names this image as its lead image (`lead_image.url`); leads to its largest JPEG. Relative to the site.',
    }),
    alt: Type.String(),
    caption: Type.String(),
    credit: Type.String(),
    width: Type.Integer({ description: 'Of the picture as uploaded (after its EXIF orientation), in pixels.' }),
    height: Type.Integer(),
    crop: Type.Object(
      {
        ratio: RatioJson,
        focus_x: Percent,
        focus_y: Percent,
        box: Type.Object(
          { left: Type.Integer(), top: Type.Integer(), width: Type.Integer(), height: Type.Integer() },
          { additionalProperties: false, description: 'The part of the picture the renditions show, in pixels.' },
        ),
      },
      { additionalProperties: false },
    ),
    renditions: Type.Array(S.RenditionJson, {
      description: 'The crop at each width up to its own in AVIF, WebP and JPEG, served for a year: a new crop makes new addresses.',
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);
const ImageResponse = Type.Object({ image: ImageJson }, { additionalProperties: false });

const words = {
  alt: Type.String({ maxLength: UPLOAD_LIMITS.alt, description: 'Required: the image described for readers who cannot see it.' }),
  caption: Type.String({ maxLength: UPLOAD_LIMITS.caption }),
  credit: Type.String({ maxLength: UPLOAD_LIMITS.credit }),
};
// A form's fields are text: the focal point comes as digits.
const PercentText = (description: string) =>
  Type.String({ pattern: '^(100|[1-9]?[0-9])$', description: `${description} 50 unless given.` });
const UploadBody = Type.Object(
  {
    file: Type.Unsafe<unknown>({
      format: 'binary',
      contentMediaType: 'image/*',
      description: `A JPEG, PNG, WebP, AVIF or GIF of at most ${UPLOAD_LIMITS.bytes / (1024 * 1024)} MB and ${UPLOAD_LIMITS.pixels / 1e6} megapixels, read by its bytes (its name and type are ignored).`,
    }),
    alt: words.alt,
    caption: Type.Optional(words.caption),
    credit: Type.Optional(words.credit),
    ratio: Type.Optional(Type.Unsafe<Ratio>({ type: 'string', enum: [...RATIO_NAMES], description: `${DEFAULT_RATIO} unless given.` })),
    focus_x: Type.Optional(PercentText(focus.x)),
    focus_y: Type.Optional(PercentText(focus.y)),
  },
  { additionalProperties: false },
);
const EditBody = Type.Object(
  {
    alt: Type.Optional(words.alt),
    caption: Type.Optional(words.caption),
    credit: Type.Optional(words.credit),
    ratio: Type.Optional(RatioJson),
    focus_x: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: focus.x })),
    focus_y: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: focus.y })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    before: Type.Optional(Type.String({ pattern: '^\\d{1,15}\\.[1-9]\\d{0,9}$', description: 'The `next_cursor` of the page before.' })),
  },
  { additionalProperties: false },
);

function imageJson(image: StoredImage): Static<typeof ImageJson> {
  const { crop } = image;
  return {
    id: image.id,
    url: imagePath(image.id),
    alt: image.alt,
    caption: image.caption,
    credit: image.credit,
    width: image.width,
    height: image.height,
    crop: { ratio: crop.ratio, focus_x: crop.focusX, focus_y: crop.focusY, box: crop.box },
    renditions: image.renditions.toSorted((a, b) => a.width - b.width || a.format.localeCompare(b.format)).map(S.renditionJson),
    created_at: image.createdAt.toISOString(),
    updated_at: image.updatedAt.toISOString(),
  };
}

/** The image saved, or the service's messages by field: 413 for a file over the size limit, else 400. */
function saved(result: ImageSaveResult): Static<typeof ImageResponse> {
  if (result.ok) return { image: imageJson(result.image) };
  return invalid(result.errors, snake, result.kind === 'too-large' ? 'payload-too-large' : 'invalid-input');
}

const READ_ERRORS = ['invalid-input', 'unauthorized', 'invalid-token', 'not-found'] as const;
const tags = ['admin: images'];

export async function adminImageApiRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  adminApiScope(scope);
  const editor = (request: FastifyRequest) => staffActor(request, 'editContent');

  // The upload, alone with the multipart reader; the policy is checked before a byte of the file is read.
  await scope.register(async (uploads) => {
    uploads.removeAllContentTypeParsers();
    await acceptImageUploads(uploads, Object.keys(UploadBody.properties).length);
    uploads.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/v1/admin/images',
      {
        onRequest: async (request) => {
          editor(request);
        },
        schema: {
          tags,
          operationId: 'adminUploadImage',
          summary: 'Upload an image: checked, cropped and made at every width in AVIF, WebP and JPEG, without its metadata',
          description:
            'multipart/form-data. A file over the size limit is 413 payload-too-large, a file that is not an image we can use 400 invalid-input, each naming `file` in `error.fields`.',
          consumes: ['multipart/form-data'],
          ...bearer,
          body: UploadBody,
          response: { 201: ImageResponse, ...S.errorResponses(...S.BODY_ERRORS, 'unauthorized', 'invalid-token', 'not-found') },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const result = await ctx.media.upload(editor(request), {
          file: uploadedFile(body),
          alt: body.alt,
          caption: body.caption ?? '',
          credit: body.credit ?? '',
          ratio: body.ratio ?? DEFAULT_RATIO,
          focusX: Number(body.focus_x ?? 50),
          focusY: Number(body.focus_y ?? 50),
        });
        return reply.code(201).send(saved(result));
      },
    );
  });

  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/v1/admin/images',
    {
      schema: {
        tags,
        operationId: 'adminListImages',
        summary: 'The image library, newest first',
        ...bearer,
        querystring: ListQuery,
        response: {
          200: Type.Object(
            { images: Type.Array(ImageJson), next_cursor: Type.Union([Type.String(), Type.Null()]) },
            { additionalProperties: false },
          ),
          ...S.errorResponses(...READ_ERRORS),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const [at, id] = request.query.before ? request.query.before.split('.').map(Number) : [];
      const found = await ctx.media.list(editor(request), {
        before: at !== undefined && id !== undefined ? { createdAt: new Date(at), id } : undefined,
        limit: limit + 1,
      });
      const page = found.slice(0, limit);
      const last = page.at(-1);
      return {
        images: page.map(imageJson),
        next_cursor: found.length > limit && last ? `${last.createdAt.getTime()}.${last.id}` : null,
      };
    },
  );

  app.get(
    '/api/v1/admin/images/:id',
    {
      schema: {
        tags,
        operationId: 'adminGetImage',
        summary: 'One image: its words, crop and renditions',
        ...bearer,
        params: IdParams,
        response: { 200: ImageResponse, ...S.errorResponses(...READ_ERRORS) },
      },
    },
    async (request) => {
      const image = await ctx.media.image(editor(request), request.params.id);
      if (!image) throw new HttpProblem('not-found', 'There is no such image.');
      return { image: imageJson(image) };
    },
  );

  app.put(
    '/api/v1/admin/images/:id',
    {
      schema: {
        tags,
        operationId: 'adminSaveImage',
        summary: 'Change an image’s words and crop; a new crop makes new renditions at new addresses',
        description: 'Fields left out keep their value. The old renditions stay served: pages and caches may still name them.',
        ...bearer,
        params: IdParams,
        body: EditBody,
        response: { 200: ImageResponse, ...S.errorResponses(...S.BODY_ERRORS, 'unauthorized', 'invalid-token', 'not-found') },
      },
    },
    async (request) => {
      const actor = editor(request);
      const current = await ctx.media.image(actor, request.params.id);
      if (!current) throw new HttpProblem('not-found', 'There is no such image.');
      const body = request.body;
      const result = await ctx.media.edit(actor, current.id, {
        alt: body.alt ?? current.alt,
        caption: body.caption ?? current.caption,
        credit: body.credit ?? current.credit,
        ratio: body.ratio ?? current.crop.ratio,
        focusX: body.focus_x ?? current.crop.focusX,
        focusY: body.focus_y ?? current.crop.focusY,
      });
      return saved(result);
    },
  );
}
