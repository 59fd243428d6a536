import { allowedTo } from './admin-layout.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { DEFAULT_RATIO, RATIO_NAMES, TOO_LARGE, UPLOAD_LIMITS, type CropChoice, type Ratio } from '../../domain/media/rules.js';
import type { ImageSaveResult } from '../../domain/media/service.js';
import { actorOf } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { sendPage } from '../accounts/flow.js';
import { ERROR_STATUS, HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, id, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { acceptImageUploads, uploadedFile } from '../http/uploads.js';
import { pageChrome } from '../pages/chrome.js';
import { imageEditPage, imageForm, imageLibraryPage } from './image-views.js';

const PAGE_SIZE = 50;
const NOTICES = { uploaded: 'Uploaded: its renditions are ready.', saved: 'Saved.' } as const;

const tooLong = (max: number) => ({ maxLength: `Use at most ${max.toLocaleString('en-IN')} characters.` });
const percent = text({
  maxLength: 3,
  normalise: ['trim'],
  pattern: '^$|^(100|[1-9]?[0-9])$',
  messages: { invalid: 'Enter a whole number from 0 to 100.' },
});

/** The words and crop of an image, as the upload form and the image editor send them. */
const ImageForm = form({
  alt: text({ maxLength: UPLOAD_LIMITS.alt, normalise: ['trim'], messages: tooLong(UPLOAD_LIMITS.alt) }),
  caption: text({ maxLength: UPLOAD_LIMITS.caption, normalise: ['trim'], messages: tooLong(UPLOAD_LIMITS.caption) }),
  credit: text({ maxLength: UPLOAD_LIMITS.credit, normalise: ['trim'], messages: tooLong(UPLOAD_LIMITS.credit) }),
  ratio: keyword(RATIO_NAMES),
  focusX: percent,
  focusY: percent,
});
type ImageFormValues = Static<typeof ImageForm>;

const LibraryQuery = form({
  notice: keyword(Object.keys(NOTICES)),
  before: text({ maxLength: 30, pattern: '^$|^\\d{1,15}\\.[1-9]\\d{0,9}$', messages: { invalid: 'That is not a place in the list.' } }),
});
const EditQuery = form({ notice: keyword(Object.keys(NOTICES)) });
const ImageParams = form({ id: id({ invalid: 'There is no such image.' }) });

const cropOf = (values: ImageFormValues): CropChoice => ({
  ratio: (values.ratio || DEFAULT_RATIO) as Ratio,
  focusX: values.focusX === '' ? 50 : Number(values.focusX),
  focusY: values.focusY === '' ? 50 : Number(values.focusY),
});

/** Editors and admins (policy `editContent`). */
const mayEditContent = allowedTo('editContent');

/** The form as typed (never the file), with the messages of the schema and of the service. */
function typed(read: ReturnType<typeof readForm<typeof ImageForm>>, errors: Record<string, string> = {}): FormState {
  const values = read.ok ? { ...read.values } : read.form.values;
  return { values, errors: { ...(read.ok ? {} : read.form.errors), ...errors } };
}

const statusOf = (result: Extract<ImageSaveResult, { ok: false }>) =>
  result.kind === 'too-large' ? ERROR_STATUS['payload-too-large'] : ERROR_STATUS['invalid-input'];

/**
 * The newsroom's images (policy `editContent`): the library with the upload form (`multipart/form-data`, read
 * only here, within the upload limits) and each image's editor. Registered by adminRoutes, behind its staff check.
 */
export async function adminImageRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

  async function showLibrary(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { form?: FormState; notice?: string | undefined; before?: string },
  ) {
    const cursor = extra.before ? /^(\d+)\.(\d+)$/.exec(extra.before) : null;
    const found = await ctx.media.list(actor(request), {
      before: cursor ? { createdAt: new Date(Number(cursor[1])), id: Number(cursor[2]) } : undefined,
      limit: PAGE_SIZE + 1,
    });
    const images = found.slice(0, PAGE_SIZE);
    const last = images.at(-1);
    const page = imageLibraryPage(await pageChrome(ctx, request), {
      images,
      older: found.length > PAGE_SIZE && last ? `${last.createdAt.getTime()}.${last.id}` : null,
      form: extra.form ?? { values: { ratio: DEFAULT_RATIO, focusX: '50', focusY: '50' }, errors: {} },
      csrf: reply.generateCsrf(),
      notice: extra.notice,
      timeZone: ctx.policy.timeZone,
    });
    return sendPage(reply, status, page);
  }

  async function loadImage(request: FastifyRequest) {
    const params = readForm(request, ImageParams, 'params');
    const image = params.ok ? await ctx.media.image(actor(request), params.values.id) : null;
    if (!image) throw new HttpProblem('not-found', 'There is no such image.');
    return image;
  }

  await parent.register(async (scope) => {
    await acceptImageUploads(scope, 10);
    await scope.register(
      declaredRoutes((app) => {
        useForms(app);

        app.get(
          '/admin/images',
          { schema: { querystring: LibraryQuery }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            const query = readForm(request, LibraryQuery, 'query');
            if (!query.ok) throw new HttpProblem('invalid-input', query.messages[0] ?? 'Check the address.');
            const notice = query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
            return showLibrary(request, reply, 200, { notice, before: query.values.before });
          },
        );

        app.post(
          '/admin/images',
          { schema: { body: ImageForm }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            const read = readForm(request, ImageForm);
            const file = uploadedFile(request.body);
            if (!read.ok) {
              const status = file?.truncated ? ERROR_STATUS['payload-too-large'] : ERROR_STATUS['invalid-input'];
              return showLibrary(request, reply, status, { form: typed(read, file?.truncated ? { file: TOO_LARGE } : {}) });
            }
            const result = await ctx.media.upload(actor(request), { file, ...read.values, ...cropOf(read.values) });
            if (result.ok) return reply.redirect(`/admin/images/${result.image.id}/edit?notice=uploaded`, 303);
            return showLibrary(request, reply, statusOf(result), { form: typed(read, result.errors) });
          },
        );

        app.get(
          '/admin/images/:id/edit',
          { schema: { params: ImageParams, querystring: EditQuery }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            const image = await loadImage(request);
            const query = readForm(request, EditQuery, 'query');
            const notice = query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
            const page = imageEditPage(await pageChrome(ctx, request), {
              image,
              form: imageForm(image),
              csrf: reply.generateCsrf(),
              notice,
            });
            return sendPage(reply, 200, page);
          },
        );

        app.post(
          '/admin/images/:id/edit',
          { schema: { params: ImageParams, body: ImageForm }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            const image = await loadImage(request);
            const read = readForm(request, ImageForm);
            const result = read.ok ? await ctx.media.edit(actor(request), image.id, { ...read.values, ...cropOf(read.values) }) : null;
            if (result?.ok) return reply.redirect(`/admin/images/${image.id}/edit?notice=saved`, 303);
            const page = imageEditPage(await pageChrome(ctx, request), {
              image,
              form: typed(read, result ? result.errors : {}),
              csrf: reply.generateCsrf(),
            });
            return sendPage(reply, 400, page);
          },
        );
      }),
    );
  });
}
