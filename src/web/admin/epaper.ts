import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { UPLOAD_LIMITS } from '../../domain/epaper/rules.js';
import { actorOf } from '../../domain/policies/policies.js';
import { instantOfWallClock, wallClockAsUtc } from '../../domain/time/zoned.js';
import { sendPage } from '../accounts/flow.js';
import { ERROR_STATUS, HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, id, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { contentSecurityPolicy } from '../http/security-headers.js';
import { acceptImageUploads, uploadedFiles } from '../http/uploads.js';
import { pageChrome } from '../pages/chrome.js';
import { allowedTo } from './admin-layout.js';
import { epaperEditionPage, epaperEditionsPage, EPAPER_UPLOAD_SCRIPT_PATH } from './epaper-views.js';
import { UPLOAD_SCRIPT } from './partner-views.js';

const PAGE_SIZE = 30;
/** The list page loads the upload's progress script from this site. */
const UPLOAD_CSP = contentSecurityPolicy({ 'script-src': "'self'" });
const NOTICES = { uploaded: 'Uploaded: its pages are being rendered.', saved: 'Saved.', added: 'Region added.' } as const;
const mayEditContent = allowedTo('editContent');

const WALL_CLOCK = '^$|^(19|2\\d)\\d{2}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$';
const UploadForm = form({
  name: text({ maxLength: 60, normalise: ['trim'], messages: { maxLength: 'Use at most 60 characters.' } }),
  date: text({
    maxLength: 10,
    normalise: ['trim'],
    pattern: '^\\d{4}-\\d{2}-\\d{2}$',
    messages: { pattern: 'Give the date as YYYY-MM-DD.' },
  }),
  publishAt: text({ maxLength: 16, normalise: ['trim'], pattern: WALL_CLOCK, messages: { pattern: 'Give a date and time.' } }),
});
const ListQuery = form({
  notice: keyword(Object.keys(NOTICES)),
  before: text({
    maxLength: 30,
    pattern: '^$|^\\d{4}-\\d{2}-\\d{2}\\.[1-9]\\d{0,9}$',
    messages: { invalid: 'That is not a place in the list.' },
  }),
});
const EditionParams = form({ id: id({ invalid: 'There is no such edition.' }) });
const PageParams = form({ id: id({ invalid: 'There is no such edition.' }), page: id({ invalid: 'There is no such page.' }) });
const RegionParams = form({ id: id({ invalid: 'There is no such region.' }) });
const NoticeQuery = form({ notice: keyword(Object.keys(NOTICES)) });
const PublishForm = form({
  publishAt: text({ maxLength: 16, pattern: WALL_CLOCK.slice(3), messages: { pattern: 'Give a date and time.' } }),
});
const percent = text({
  maxLength: 5,
  normalise: ['trim'],
  pattern: '^(100(\\.0)?|\\d{1,2}(\\.\\d)?)$',
  messages: { pattern: 'A percentage from 0 to 100.' },
});
const RegionForm = form({
  headline: text({ maxLength: 300, normalise: ['trim'] }),
  x: percent,
  y: percent,
  w: percent,
  h: percent,
  articleId: text({ maxLength: 10, normalise: ['trim'], pattern: '^$|^[1-9]\\d{0,8}$', messages: { pattern: 'An article’s number.' } }),
});

/** A wall-clock time typed in the publisher's zone (`YYYY-MM-DDTHH:MM`) as an instant. */
function instantOf(wall: string, timeZone: string): Date {
  const parsed = Date.parse(`${wall}:00Z`);
  if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 16) !== wall) {
    throw new HttpProblem('invalid-input', 'That publishing time does not exist: give a date and time.');
  }
  return new Date(instantOfWallClock(parsed, timeZone));
}
const wallOf = (at: Date, timeZone: string) => new Date(wallClockAsUtc(at.getTime(), timeZone)).toISOString().slice(0, 16);

function regionFields(values: { headline: string; x: string; y: string; w: string; h: string; articleId: string }) {
  const part = (value: string) => Math.round(Number(value) * 100);
  return {
    headline: values.headline,
    x: part(values.x),
    y: part(values.y),
    w: part(values.w),
    h: part(values.h),
    articleId: values.articleId === '' ? null : Number(values.articleId),
  };
}

/**
 * The newsroom's e-paper (policy `editContent`): editions with the upload form (one PDF or one per page, with a
 * progress bar), each edition's rendering progress, publishing time and article regions.
 */
export async function adminEpaperRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

  async function showList(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { form?: FormState; notice?: string; before?: string },
  ) {
    const cursor = extra.before ? /^(\d{4}-\d{2}-\d{2})\.(\d+)$/.exec(extra.before) : null;
    const found = await ctx.epaper.editions(actor(request), {
      before: cursor?.[1] && cursor[2] ? { date: cursor[1], id: Number(cursor[2]) } : undefined,
      limit: PAGE_SIZE + 1,
    });
    const editions = found.slice(0, PAGE_SIZE);
    const last = editions.at(-1);
    return sendPage(
      reply,
      status,
      epaperEditionsPage(await pageChrome(ctx, request), {
        editions,
        older: found.length > PAGE_SIZE && last ? `${last.date}.${last.id}` : null,
        form: extra.form ?? { values: {}, errors: {} },
        csrf: reply.generateCsrf(),
        notice: extra.notice,
        timeZone: ctx.policy.timeZone,
        now: ctx.now(),
      }),
    );
  }

  async function showEdition(
    request: FastifyRequest,
    reply: FastifyReply,
    editionId: number,
    status: number,
    extra: { notice?: string; error?: string },
  ) {
    const edition = await ctx.epaper.edition(actor(request), editionId);
    if (!edition) throw new HttpProblem('not-found', 'There is no such edition.');
    const [pages, regions] = await Promise.all([ctx.epaper.pages(edition), ctx.epaper.regions(edition)]);
    const page = epaperEditionPage(await pageChrome(ctx, request), {
      edition,
      pages: pages.map((p) => {
        const thumb = p.images.find((i) => i.size === 'thumb');
        return { ...p, thumbUrl: thumb ? ctx.epaper.fileUrl(thumb.key) : null, regions: regions.filter((r) => r.pageNumber === p.number) };
      }),
      csrf: reply.generateCsrf(),
      notice: extra.notice,
      error: extra.error,
      publishAt: wallOf(edition.publishAt, ctx.policy.timeZone),
      timeZone: ctx.policy.timeZone,
      now: ctx.now(),
    });
    return sendPage(reply.header('cache-control', 'no-store'), status, page);
  }

  await parent.register(async (scope) => {
    await acceptImageUploads(scope, 6, UPLOAD_LIMITS.bytes, UPLOAD_LIMITS.files);
    await scope.register(
      declaredRoutes((app) => {
        useForms(app);

        app.get(EPAPER_UPLOAD_SCRIPT_PATH, { schema: { querystring: form({}) }, onRequest: mayEditContent }, async (_request, reply) => {
          reply.type('text/javascript; charset=utf-8').header('cache-control', 'private, max-age=300');
          return UPLOAD_SCRIPT.replace('Checking and importing every row…', 'Checking the PDF…');
        });

        app.get(
          '/admin/epaper',
          { schema: { querystring: ListQuery }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            const query = readForm(request, ListQuery, 'query');
            if (!query.ok) throw new HttpProblem('invalid-input', query.messages[0] ?? 'Check the address.');
            const notice = query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
            return showList(request, reply.header('content-security-policy', UPLOAD_CSP), 200, {
              ...(notice ? { notice } : {}),
              before: query.values.before,
            });
          },
        );

        app.post(
          '/admin/epaper',
          { schema: { body: UploadForm }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            reply.header('content-security-policy', UPLOAD_CSP);
            const read = readForm(request, UploadForm);
            const files = uploadedFiles(request.body);
            if (!read.ok) return showList(request, reply, ERROR_STATUS['invalid-input'], { form: read.form });
            const { name, date, publishAt } = read.values;
            const result = await ctx.epaper.upload(actor(request), {
              name,
              date,
              publishAt: publishAt ? instantOf(publishAt, ctx.policy.timeZone) : ctx.now(),
              files,
            });
            if (result.ok) return reply.redirect(`/admin/epaper/${result.edition.id}?notice=uploaded`, 303);
            const status =
              result.kind === 'too-large'
                ? ERROR_STATUS['payload-too-large']
                : result.kind === 'conflict'
                  ? ERROR_STATUS.conflict
                  : ERROR_STATUS['invalid-input'];
            return showList(request, reply, status, { form: { values: { name, date, publishAt }, errors: result.errors } });
          },
        );

        app.get(
          '/admin/epaper/:id',
          { schema: { params: EditionParams, querystring: NoticeQuery }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            const params = readForm(request, EditionParams, 'params');
            if (!params.ok) throw new HttpProblem('not-found', 'There is no such edition.');
            const query = readForm(request, NoticeQuery, 'query');
            const notice = query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
            return showEdition(request, reply, params.values.id, 200, notice ? { notice } : {});
          },
        );

        app.post(
          '/admin/epaper/:id/publish-at',
          { schema: { params: EditionParams, body: PublishForm }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            const params = readForm(request, EditionParams, 'params');
            if (!params.ok) throw new HttpProblem('not-found', 'There is no such edition.');
            const read = readForm(request, PublishForm);
            if (!read.ok) return showEdition(request, reply, params.values.id, 400, { error: read.messages[0] ?? 'Give a date and time.' });
            const edition = await ctx.epaper.edition(actor(request), params.values.id);
            if (!edition) throw new HttpProblem('not-found', 'There is no such edition.');
            await ctx.epaper.setPublishAt(actor(request), edition.id, instantOf(read.values.publishAt, ctx.policy.timeZone));
            return reply.redirect(`/admin/epaper/${edition.id}?notice=saved`, 303);
          },
        );

        app.post(
          '/admin/epaper/regions/:id',
          { schema: { params: RegionParams, body: RegionForm }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            const params = readForm(request, RegionParams, 'params');
            const region = params.ok ? await ctx.epaper.region(params.values.id) : null;
            if (!region) throw new HttpProblem('not-found', 'There is no such region.');
            const read = readForm(request, RegionForm);
            const saved = read.ok ? await ctx.epaper.editRegion(actor(request), region.id, regionFields(read.values)) : null;
            if (saved?.ok) return reply.redirect(`/admin/epaper/${region.editionId}?notice=saved`, 303);
            const message = saved ? saved.message : read.ok ? 'Check the region.' : (read.messages[0] ?? 'Check the region.');
            return showEdition(request, reply, region.editionId, 400, { error: message });
          },
        );

        app.post(
          '/admin/epaper/:id/pages/:page/regions',
          { schema: { params: PageParams, body: RegionForm }, attachValidation: true, onRequest: mayEditContent },
          async (request, reply) => {
            const params = readForm(request, PageParams, 'params');
            if (!params.ok) throw new HttpProblem('not-found', 'There is no such page.');
            const read = readForm(request, RegionForm);
            const added = read.ok
              ? await ctx.epaper.addRegion(actor(request), params.values.id, params.values.page, regionFields(read.values))
              : null;
            if (added?.ok) return reply.redirect(`/admin/epaper/${params.values.id}?notice=added`, 303);
            const message = added ? added.message : read.ok ? 'Check the region.' : (read.messages[0] ?? 'Check the region.');
            return showEdition(request, reply, params.values.id, 400, { error: message });
          },
        );
      }),
    );
  });
}
