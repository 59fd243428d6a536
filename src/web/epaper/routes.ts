import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Edition, PageImage } from '../../domain/epaper/model.js';
import { DomainError } from '../../domain/errors.js';
import { actorOf } from '../../domain/policies/policies.js';
import { dayIn } from '../../domain/time/zoned.js';
import { sendPage } from '../accounts/flow.js';
import { ERROR_STATUS, HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, id, keyword, readForm, text, useForms } from '../http/forms.js';
import { contentSecurityPolicy, publicPage } from '../http/security-headers.js';
import { pageChrome } from '../pages/chrome.js';
import { withinSearchAllowance } from '../search/searching.js';
import { formatMonthYear } from '../views/format.js';
import { EPAPER_CSS, EPAPER_SCRIPT } from './assets.js';
import { SEARCH_TEXT_MAX } from '../../domain/search/query-text.js';
import {
  clippingsPage,
  epaperEditionPage,
  epaperHomePage,
  epaperPageView,
  epaperSearchPage,
  EPAPER_CSS_PATH,
  EPAPER_SCRIPT_PATH,
  sharedClippingPage,
  type CalendarMonth,
} from './views.js';

const NoQuery = form({});
const SearchQuery = form({
  q: text({ maxLength: SEARCH_TEXT_MAX, messages: { maxLength: `Search for at most ${SEARCH_TEXT_MAX} characters.` } }),
  before: text({ maxLength: 21, pattern: '^$|^\\d{4}-\\d{2}-\\d{2}\\.[1-9]\\d{0,9}$' }),
});
const HomeQuery = form({
  month: text({ maxLength: 7, pattern: '^$|^(19|2\\d)\\d{2}-(0[1-9]|1[0-2])$', messages: { pattern: 'Give the month as YYYY-MM.' } }),
});
const EditionParams = form({
  slug: text({ maxLength: 60, pattern: '^[a-z0-9][a-z0-9-]{0,59}$' }),
  date: text({ maxLength: 10, pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
});
const PageParams = form({ ...EditionParams.properties, page: id({ invalid: 'There is no such page.' }) });
const NOTICES = { saved: 'Saved to your clippings.', deleted: 'Deleted.' } as const;
const PageQuery = form({ notice: keyword(Object.keys(NOTICES)) });
const FileParams = form({
  expires: text({ maxLength: 12, pattern: '^[1-9]\\d{0,11}$' }),
  signature: text({ maxLength: 22, pattern: '^[A-Za-z0-9_-]{22}$' }),
  '*': text({ maxLength: 200, pattern: '^[a-z0-9._/-]+$' }),
});
const box = text({ maxLength: 5, pattern: '^\\d{1,5}$' });
const ClipForm = form({
  edition: id({ invalid: 'There is no such edition.' }),
  page: id({ invalid: 'There is no such page.' }),
  x: box,
  y: box,
  w: box,
  h: box,
  headline: text({ maxLength: 300, normalise: ['trim'] }),
});
const ClipParams = form({ id: id({ invalid: 'There is no such clipping.' }) });
const ClippingsQuery = form({
  notice: keyword(Object.keys(NOTICES)),
  before: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$' }),
});
const ShareParams = form({ token: text({ maxLength: 24, pattern: '^[A-Za-z0-9_-]{24}$' }) });

/** Pages that run the viewer may load scripts from this site; every other page keeps `script-src 'none'`. */
const VIEWER_CSP = contentSecurityPolicy({ 'script-src': "'self'" });
const CLIPPINGS_PAGE = 30;

const notFound = () => new HttpProblem('not-found', 'There is no such edition.');

/** The reader's e-paper: `/epaper` and below (pages, signed files, clippings, shared clippings). */
export function epaperRoutes(parent: FastifyInstance, ctx: AppContext) {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

  /** Personal: the page names what the reader may read, and its image addresses are signed for them. */
  const personal = (reply: FastifyReply) => reply.header('cache-control', 'private, no-cache').header('vary', 'Cookie');

  async function editionOf(request: FastifyRequest): Promise<Edition> {
    const params = readForm(request, EditionParams, 'params');
    const edition = params.ok ? await ctx.epaper.publishedEdition(params.values.slug, params.values.date) : null;
    if (!edition) throw notFound();
    return edition;
  }

  async function calendarOf(month: string): Promise<CalendarMonth> {
    const [year, m] = month.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
    const editions = await ctx.epaper.published({ from: `${month}-01`, until: `${month}-${last}`, limit: 31 * 20 });
    const days = new Map<number, { slug: string; name: string }[]>();
    for (const e of editions.toReversed()) {
      const day = Number(e.date.slice(8));
      days.set(day, [...(days.get(day) ?? []), { slug: e.slug, name: e.name }]);
    }
    const first = await ctx.epaper.firstDate();
    const shift = (by: number) => {
      const d = new Date(Date.UTC(year, m - 1 + by, 1));
      return d.toISOString().slice(0, 7);
    };
    const today = dayIn(ctx.now(), ctx.policy.timeZone).date.slice(0, 7);
    return {
      month,
      label: formatMonthYear(year, m, ctx.site.language),
      days,
      previous: first && first.slice(0, 7) < month ? shift(-1) : null,
      next: month < today ? shift(1) : null,
    };
  }

  const thumbOf = (images: { size: string; key: string }[], size: string) => {
    const image = images.find((i) => i.size === size);
    return image ? ctx.epaper.fileUrl(image.key) : null;
  };

  const tilesOf = (images: PageImage[]) => {
    const zoom = images.find((i) => i.size === 'zoom');
    const urls = zoom ? ctx.epaper.tileUrls(zoom) : null;
    return zoom?.tiles && urls ? { width: zoom.width, height: zoom.height, size: zoom.tiles.size, urls } : null;
  };

  return parent.register(
    declaredRoutes((app) => {
      useForms(app);

      app.get(EPAPER_CSS_PATH, { schema: { querystring: NoQuery } }, async (_request, reply) => {
        reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600');
        return EPAPER_CSS;
      });
      app.get(EPAPER_SCRIPT_PATH, { schema: { querystring: NoQuery } }, async (_request, reply) => {
        reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600');
        return EPAPER_SCRIPT;
      });

      app.get('/epaper', { schema: { querystring: HomeQuery } }, async (request, reply) => {
        const query = readForm(request, HomeQuery, 'query');
        if (!query.ok) throw new HttpProblem('invalid-input', query.messages[0] ?? 'Check the address.');
        const [newest] = await ctx.epaper.published({ limit: 1 });
        const latest = newest ? await ctx.epaper.published({ from: newest.date, until: newest.date, limit: 50 }) : [];
        const entitled = await ctx.epaper.mayRead(actor(request));
        const covers = new Map<number, string>();
        if (entitled) {
          for (const edition of latest) {
            const [cover] = await ctx.epaper.pages(edition);
            const url = cover ? thumbOf(cover.images, 'thumb') : null;
            if (url) covers.set(edition.id, url);
          }
        }
        const month = query.values.month || (newest?.date ?? dayIn(ctx.now(), ctx.policy.timeZone).date).slice(0, 7);
        personal(reply);
        return sendPage(
          reply,
          200,
          epaperHomePage(await pageChrome(ctx, request), {
            latest: latest.toReversed(),
            covers,
            calendar: await calendarOf(month),
            entitled,
            signedIn: Boolean(request.auth),
          }),
        );
      });

      app.get('/epaper/search', { schema: { querystring: SearchQuery } }, async (request, reply) => {
        const query = readForm(request, SearchQuery, 'query');
        if (!query.ok) throw new HttpProblem('invalid-input', query.messages[0] ?? 'Check the address.');
        const q = query.values.q.trim();
        const search = () => ctx.epaper.search(actor(request), q, query.values.before);
        let result = null;
        let tooBroad: string | undefined;
        try {
          // A search counts against the reader's allowance of searches, the archive's and the e-paper's together.
          result = q === '' ? await search() : await withinSearchAllowance(ctx, request, request.auth?.user.id ?? null, search);
        } catch (error) {
          // The reader is shown the form again, to narrow the search.
          if (!(error instanceof DomainError && error.code === 'search-too-broad')) throw error;
          tooBroad = error.message;
        }
        personal(reply);
        const page = epaperSearchPage(await pageChrome(ctx, request), { q, result, tooBroad, signedIn: Boolean(request.auth) });
        return sendPage(reply, tooBroad ? ERROR_STATUS['search-too-broad'] : 200, page);
      });

      app.get('/epaper/clippings', { schema: { querystring: ClippingsQuery } }, async (request, reply) => {
        if (!request.auth) return reply.redirect('/login?next=/epaper/clippings', 303);
        const query = readForm(request, ClippingsQuery, 'query');
        const notice = query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
        const before = query.ok && query.values.before ? Number(query.values.before) : undefined;
        return showClippings(request, reply, 200, { notice, before });
      });

      async function showClippings(
        request: FastifyRequest,
        reply: FastifyReply,
        status: number,
        extra: { notice?: string | undefined; before?: number | undefined; shareUrl?: string },
      ) {
        const found = await ctx.epaper.clippings(actor(request), { before: extra.before, limit: CLIPPINGS_PAGE + 1 });
        const clippings = found.slice(0, CLIPPINGS_PAGE);
        reply.header('cache-control', 'no-store');
        return sendPage(
          reply,
          status,
          clippingsPage(await pageChrome(ctx, request), {
            clippings: clippings.map((c) => ({ ...c, imageUrl: null })),
            older: found.length > CLIPPINGS_PAGE ? (clippings.at(-1)?.id ?? null) : null,
            csrf: reply.generateCsrf(),
            notice: extra.notice,
            shareUrl: extra.shareUrl,
            sharing: ctx.epaper.sharingOn(),
          }),
        );
      }

      app.post('/epaper/clippings', { schema: { body: ClipForm }, attachValidation: true }, async (request, reply) => {
        if (!request.auth) throw new HttpProblem('unauthorized', 'Sign in to save clippings.');
        const read = readForm(request, ClipForm);
        if (!read.ok) throw new HttpProblem('invalid-input', read.messages[0] ?? 'Check the clipping.');
        const v = read.values;
        const saved = await ctx.epaper.saveClipping(actor(request), {
          editionId: v.edition,
          pageNumber: v.page,
          box: { x: Number(v.x), y: Number(v.y), w: Number(v.w), h: Number(v.h) },
          headline: v.headline,
        });
        if (!saved.ok) throw new HttpProblem(saved.message.startsWith('Clippings') ? 'forbidden' : 'invalid-input', saved.message);
        return reply.redirect('/epaper/clippings?notice=saved', 303);
      });

      app.post('/epaper/clippings/:id/share', { schema: { params: ClipParams, body: NoQuery } }, async (request, reply) => {
        if (!request.auth) throw new HttpProblem('unauthorized', 'Sign in to share clippings.');
        const params = readForm(request, ClipParams, 'params');
        if (!params.ok) throw new HttpProblem('not-found', 'There is no such clipping.');
        const shared = await ctx.epaper.share(actor(request), params.values.id);
        if (!shared.ok) {
          const problem = { 'cap-reached': 'rate-limited', forbidden: 'forbidden', 'not-found': 'not-found' } as const;
          throw new HttpProblem(problem[shared.code], shared.message);
        }
        return showClippings(request, reply, 200, { shareUrl: `${ctx.config.publicUrl}/epaper/shared/${shared.token}` });
      });

      app.post('/epaper/clippings/:id/delete', { schema: { params: ClipParams, body: NoQuery } }, async (request, reply) => {
        if (!request.auth) throw new HttpProblem('unauthorized', 'Sign in first.');
        const params = readForm(request, ClipParams, 'params');
        if (!params.ok || !(await ctx.epaper.deleteClipping(actor(request), params.values.id))) {
          throw new HttpProblem('not-found', 'There is no such clipping.');
        }
        return reply.redirect('/epaper/clippings?notice=deleted', 303);
      });

      app.get('/epaper/shared/:token', { schema: { params: ShareParams, querystring: NoQuery } }, async (request, reply) => {
        const params = readForm(request, ShareParams, 'params');
        const clipping = params.ok ? await ctx.epaper.shared(params.values.token) : null;
        if (!clipping || !params.ok) throw new HttpProblem('not-found', 'This link does not open a clipping.');
        // The same for everyone signed out; a signed-in visitor's page names them, so it is kept private.
        publicPage(request, reply, 300);
        return sendPage(
          reply,
          200,
          sharedClippingPage(await pageChrome(ctx, request), {
            clipping,
            imageUrl: `/epaper/shared/${params.values.token}/image.webp`,
            publication: ctx.site.publicationName,
          }),
        );
      });

      app.get('/epaper/shared/:token/image.webp', { schema: { params: ShareParams, querystring: NoQuery } }, async (request, reply) => {
        const params = readForm(request, ShareParams, 'params');
        const file = params.ok ? await ctx.epaper.sharedImage(params.values.token) : null;
        if (!file) throw new HttpProblem('not-found', 'Not found.');
        return reply
          .header('content-type', file.contentType)
          .header('content-length', file.size)
          .header('cache-control', 'public, max-age=86400')
          .header('x-content-type-options', 'nosniff')
          .send(file.body);
      });

      app.get('/epaper/files/:expires/:signature/*', { schema: { params: FileParams, querystring: NoQuery } }, async (request, reply) => {
        const params = readForm(request, FileParams, 'params');
        const file = params.ok ? await ctx.epaper.file(params.values['*'], Number(params.values.expires), params.values.signature) : null;
        // A wrong, expired or altered address: the same answer as a file that is not there.
        if (!file || !params.ok) throw new HttpProblem('not-found', 'Not found, or the address has expired: open the page again.');
        const left = Math.max(0, Number(params.values.expires) - Math.floor(ctx.now().getTime() / 1000));
        reply
          .header('content-type', file.contentType)
          .header('content-length', file.size)
          // Only the reader's own browser keeps it, and only while the address works; the signature is in the path, so
          // any cache's key holds it.
          .header('cache-control', `private, max-age=${left}, immutable`)
          .header('x-content-type-options', 'nosniff');
        if (file.contentType === 'application/pdf') reply.header('content-disposition', 'attachment');
        return reply.send(file.body);
      });

      app.get('/epaper/:slug/:date', { schema: { params: EditionParams, querystring: NoQuery } }, async (request, reply) => {
        const edition = await editionOf(request);
        const entitled = await ctx.epaper.mayRead(actor(request));
        const [pages, regions] = await Promise.all([entitled ? ctx.epaper.pages(edition) : [], ctx.epaper.regions(edition)]);
        personal(reply);
        return sendPage(
          reply,
          200,
          epaperEditionPage(await pageChrome(ctx, request), {
            edition,
            pages: pages.map((p) => ({ ...p, thumbUrl: thumbOf(p.images, 'thumb') })),
            regions,
            entitled,
            signedIn: Boolean(request.auth),
            pdfUrls: entitled ? edition.sources.map((s) => ctx.epaper.fileUrl(s.key)) : [],
          }),
        );
      });

      app.get('/epaper/:slug/:date/:page', { schema: { params: PageParams, querystring: PageQuery } }, async (request, reply) => {
        const edition = await editionOf(request);
        const params = readForm(request, PageParams, 'params');
        const page = params.ok ? await ctx.epaper.page(edition, params.values.page) : null;
        if (!page) throw new HttpProblem('not-found', 'There is no such page.');
        personal(reply);
        // Without the e-paper: the edition's contents and the offer, never a page's image or text.
        if (!(await ctx.epaper.mayRead(actor(request)))) return reply.redirect(`/epaper/${edition.slug}/${edition.date}`, 303);
        const query = readForm(request, PageQuery, 'query');
        const notice = query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
        reply.header('content-security-policy', VIEWER_CSP);
        return sendPage(
          reply,
          200,
          epaperPageView(await pageChrome(ctx, request), {
            edition,
            page,
            pageCount: edition.pageCount,
            regions: await ctx.epaper.regions(edition, page.number),
            pageUrl: thumbOf(page.images, 'page') ?? '',
            zoomUrl: thumbOf(page.images, 'zoom') ?? '',
            tiles: tilesOf(page.images),
            csrf: reply.generateCsrf(),
            notice,
          }),
        );
      });
    }),
  );
}
