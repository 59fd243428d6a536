import { allowedTo } from './admin-layout.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decideAccess } from '../../domain/access/decide-access.js';
import { ENTITLEMENTS, type Reader } from '../../domain/access/model.js';
import { meterPeriod } from '../../domain/metering/period.js';
import { parseCursor } from '../../domain/content/model.js';
import type { ArticleStatus, NewsroomArticle, SaveAction } from '../../domain/content/newsroom.js';
import type { SaveResult } from '../../domain/content/newsroom-service.js';
import { diffFields } from '../../domain/content/revision-diff.js';
import { prepareArticle } from '../../domain/content/service.js';
import { dayIn } from '../../domain/time/zoned.js';
import { imageIdOf, imagePath } from '../../domain/media/model.js';
import { actorOf } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { sendPage } from '../accounts/flow.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { lowestPerMonth, offeredByPlans, pageChrome } from '../pages/chrome.js';
import { articlePage } from '../views/article.js';
import { formatDateTime } from '../views/format.js';
import { html } from '../views/html.js';
import {
  ArticleForm,
  ArticleParams,
  formOf,
  parseWallClock,
  readArticleForm,
  RestoreForm,
  RevisionParams,
  typedForm,
} from './article-form.js';
import { previewLinks } from './article-news-views.js';
import { contentSecurityPolicy } from '../http/security-headers.js';
import { adminNewsRoutes } from './article-news.js';
import { articleEditPage, articleListPage } from './article-views.js';

const PAGE_SIZE = 50;
const DAY = '^\\d{4}-\\d{2}-\\d{2}$';
const NOTICES = {
  saved: 'Saved.',
  published: 'Published: it is on the site.',
  scheduled: 'Scheduled.',
  unpublished: 'Unpublished: readers no longer see it.',
  restored: 'The revision is restored (as a new revision).',
  corrected: 'The correction is saved: readers see it at the foot of the article.',
  discarded: 'The unsaved changes are discarded.',
} as const;
const NOTICE_OF = { save: 'saved', publish: 'published', schedule: 'scheduled', unpublish: 'unpublished', restore: 'restored' } as const;

const ListQuery = form({
  q: text({ maxLength: 200, normalise: ['trim'], messages: { maxLength: 'Search with at most 200 characters.' } }),
  section: text({ maxLength: 60, pattern: '^$|^[a-z0-9-]{1,60}$', messages: { invalid: 'There is no such section.' } }),
  visibility: keyword(['free', 'metered', 'premium']),
  status: keyword(['draft', 'scheduled', 'published', 'unpublished']),
  provenance: keyword(['staff', 'wire', 'partner']),
  before: text({ maxLength: 30, pattern: '^$|^\\d{1,15}\\.[1-9]\\d{0,9}$', messages: { invalid: 'That is not a place in the list.' } }),
  author: text({
    maxLength: 120,
    normalise: ['trim', 'lower'],
    pattern: '^$|^[a-z0-9][a-z0-9-]{0,119}$',
    messages: { invalid: 'Choose an author from the list.' },
  }),
  from: text({ maxLength: 10, pattern: `^$|${DAY}`, messages: { invalid: 'Enter a date like 2026-03-01.' } }),
  to: text({ maxLength: 10, pattern: `^$|${DAY}`, messages: { invalid: 'Enter a date like 2026-03-01.' } }),
});
const EditQuery = form({
  notice: keyword(Object.keys(NOTICES)),
  /** Fill the form with this editor's autosave. */
  restore: keyword(['autosave']),
  /** A revision to compare with the current text. */
  compare: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$', messages: { invalid: 'There is no such revision.' } }),
});
const PreviewQuery = form({ as: keyword(['subscriber', 'paywall', 'meter']) });

/** Editors and admins (policy `editContent`); to the rest of the staff these pages do not exist. */
const mayEditContent = allowedTo('editContent');

type PreviewAs = 'subscriber' | 'paywall' | 'meter';
const PREVIEW_LABEL: Record<PreviewAs, string> = {
  subscriber: 'a subscriber',
  paywall: 'a reader at the paywall',
  meter: 'an anonymous reader inside the meter',
};

/** The day after `day` (YYYY-MM-DD), as YYYY-MM-DD. */
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Big enough for the largest body the import takes (200,000 characters, percent-encoded). */
const FORM_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * The newsroom: the article list, the editor (write, save, publish, schedule, unpublish), revisions and
 * preview. Registered by adminRoutes, behind its staff check; each route checks `editContent` first.
 */
export async function adminArticleRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  // Read at each request: the settings may change the publisher's time zone while the app runs.
  const tz = () => ctx.policy.timeZone;
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

  async function showEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    input: {
      article: NewsroomArticle | null;
      form: FormState;
      notice?: string | undefined;
      compare?: number | undefined;
      correctionForm?: FormState | undefined;
      failedCorrection?: { id: number; form: FormState } | undefined;
      /** The form shows the autosave already: offer nothing. */
      restoring?: boolean | undefined;
    },
  ) {
    const { article } = input;
    const revisions = article ? await ctx.newsroom.revisions(actor(request), article.id) : [];
    const corrections = article ? await ctx.newsroom.corrections.list(actor(request), article.id) : [];
    const autosaved = input.restoring ? null : await ctx.newsroom.autosaves.find(actor(request), article?.id ?? null);
    const lastSave = revisions[0]?.createdAt ?? null;
    const editorPath = article ? `/admin/articles/${article.id}/edit` : '/admin/articles/new';
    const autosave =
      autosaved && (!lastSave || autosaved.savedAt > lastSave)
        ? {
            savedAt: autosaved.savedAt,
            restoreHref: `${editorPath}?restore=autosave`,
            discardAction: `/admin/articles/autosave/discard?article=${article?.id ?? ''}`,
          }
        : null;
    let compare;
    if (article && input.compare) {
      const revision = await ctx.newsroom.revision(actor(request), article.id, input.compare);
      if (!revision) throw new HttpProblem('not-found', 'There is no such revision.');
      compare = { revision, diffs: diffFields(revision.fields, article) };
    }
    const page = articleEditPage(await pageChrome(ctx, request), {
      ...input,
      leadImage: await uploadedImage(input.form.values.leadImageId ?? ''),
      sections: await ctx.content.sections(),
      csrf: reply.generateCsrf(),
      now: ctx.now(),
      timeZone: tz(),
      revisions,
      compare,
      corrections,
      correctionForm: input.correctionForm ?? { values: {}, errors: {} },
      failedCorrection: input.failedCorrection,
      autosave,
    });
    // The editor's one script (autosave) is served from this site; nothing inline.
    reply.header('content-security-policy', contentSecurityPolicy({ 'script-src': "'self'" }));
    return sendPage(reply, status, page);
  }

  /** The uploaded image an article form names by its number, if there is one. */
  async function uploadedImage(number: string) {
    const id = /^\d{1,10}$/.test(number) ? imageIdOf(imagePath(Number(number))) : null;
    return id === null ? null : ((await ctx.media.views([id])).get(id) ?? null);
  }

  /** The form's reading, refused beside the field when it names an image the library does not have. */
  async function withLeadImage<R extends ReturnType<typeof readArticleForm>>(read: R, values: { leadImageId: string }) {
    if (!read.ok || !values.leadImageId || (await uploadedImage(values.leadImageId))) return read;
    return { ok: false as const, errors: { leadImageId: 'There is no image with this number in the library (/admin/images).' } };
  }

  /** After a save: on to the article, or the form again with what was typed and why it was not saved. */
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    done: { result: SaveResult; action: SaveAction['kind'] },
    typed: FormState,
    article: NewsroomArticle | null,
  ) {
    const { result } = done;
    if (result.ok) return reply.redirect(`/admin/articles/${result.id}/edit?notice=${NOTICE_OF[done.action]}`, 303);
    if (result.kind === 'invalid')
      return showEditor(request, reply, 400, { article, form: { ...typed, errors: { ...typed.errors, ...result.errors } } });
    // Someone saved meanwhile: keep what this editor typed, say so, and let a second save be a deliberate choice.
    const theirs = result.current;
    const message = `Someone else saved this article (${formatDateTime(theirs.updatedAt, tz())}) while you were editing, so your changes were not saved. Your text is below; compare it with theirs (open the article in another tab). Saving again replaces their version with yours.`;
    return showEditor(request, reply, 409, {
      article: theirs,
      form: { values: { ...typed.values, version: String(theirs.version) }, errors: typed.errors, message },
    });
  }

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();

      app.get(
        '/admin/articles',
        { schema: { querystring: ListQuery }, attachValidation: true, onRequest: mayEditContent },
        async (request, reply) => {
          const read = readForm(request, ListQuery, 'query');
          if (!read.ok) throw new HttpProblem('invalid-input', read.messages[0] ?? 'Check the filters.');
          const q = read.values;
          const cursor = q.before ? parseCursor(q.before) : null;
          const author = q.author ? await ctx.content.author(q.author) : null;
          const authors = await ctx.newsroom.authors.list(actor(request), { limit: 500 });
          const from = q.from ? parseWallClock(`${q.from}T00:00`, tz()) : null;
          const to = q.to ? parseWallClock(`${q.to}T00:00`, tz()) : null;
          const filterError =
            q.author && !author
              ? `No author has the address “${q.author}”.`
              : (q.from && !from) || (q.to && !to)
                ? 'That date does not exist.'
                : undefined;
          const found = filterError
            ? []
            : await ctx.newsroom.list(actor(request), {
                authorId: author?.id,
                publishedFrom: from ?? undefined,
                // Up to the end of the day `to`.
                publishedTo: to
                  ? new Date(parseWallClock(`${nextDay(q.to)}T00:00`, tz())?.getTime() ?? to.getTime() + 86_400_000)
                  : undefined,
                search: q.q || undefined,
                section: q.section || undefined,
                visibility: q.visibility || undefined,
                // keyword() lets only these words through.
                status: (q.status || undefined) as ArticleStatus | undefined,
                provenance: (q.provenance || undefined) as 'staff' | 'wire' | 'partner' | undefined,
                before: cursor ? { updatedAt: cursor.publishedAt, id: cursor.id } : undefined,
                limit: PAGE_SIZE + 1,
              });
          const articles = found.slice(0, PAGE_SIZE);
          const last = articles.at(-1);
          // Today in the publisher's time zone as it is now (a changed setting counts at once).
          const today = dayIn(ctx.now(), ctx.policy.timeZone);
          const premium = await ctx.newsroom.premiumCount(actor(request), today);
          const query = Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'before' && v !== ''));
          const page = articleListPage(await pageChrome(ctx, request), {
            articles,
            authors,
            filterError,
            sections: await ctx.content.sections(),
            query,
            older: found.length > PAGE_SIZE && last ? `${last.updatedAt.getTime()}.${last.id}` : null,
            now: ctx.now(),
            timeZone: tz(),
            premiumToday: { ...premium, date: today.date, promised: ctx.site.premiumPromisedDaily },
          });
          return sendPage(reply, filterError ? 400 : 200, page);
        },
      );

      app.get(
        '/admin/articles/new',
        { schema: { querystring: EditQuery }, attachValidation: true, onRequest: mayEditContent },
        async (request, reply) => {
          const [first] = await ctx.content.sections();
          const values = { section: first?.slug ?? '', visibility: 'metered', provenance: 'staff' };
          const query = readForm(request, EditQuery, 'query');
          const notice = query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
          const restored = query.ok && query.values.restore ? await ctx.newsroom.autosaves.find(actor(request), null) : null;
          const form = { values: restored ? { ...values, ...restored.values, version: '' } : values, errors: {} };
          return showEditor(request, reply, 200, { article: null, form, notice, restoring: restored !== null });
        },
      );

      app.post(
        '/admin/articles/new',
        { schema: { body: ArticleForm }, attachValidation: true, bodyLimit: FORM_BODY_LIMIT, onRequest: mayEditContent },
        async (request, reply) => {
          const read = readForm(request, ArticleForm);
          const fields = read.ok ? await withLeadImage(readArticleForm(read.values, tz()), read.values) : null;
          if (!read.ok || !fields?.ok)
            return showEditor(request, reply, 400, { article: null, form: typedForm(read, fields && !fields.ok ? fields.errors : {}) });
          const result = await ctx.newsroom.save(actor(request), { id: null, version: null, fields: fields.fields, action: fields.action });
          return answer(request, reply, { result, action: fields.action.kind }, typedForm(read), null);
        },
      );

      app.get(
        '/admin/articles/:id/edit',
        { schema: { params: ArticleParams, querystring: EditQuery }, attachValidation: true, onRequest: mayEditContent },
        async (request, reply) => {
          const article = await loadArticle(request);
          const query = readForm(request, EditQuery, 'query');
          const compare = query.ok && query.values.compare ? Number(query.values.compare) : undefined;
          const notice = query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
          // The autosave as typed, over the stored article: its version is the one the editor had open, so
          // saving it over a newer save is refused as a conflict like any other.
          const restored = query.ok && query.values.restore ? await ctx.newsroom.autosaves.find(actor(request), article.id) : null;
          const stored = formOf(article, article, tz());
          const form = restored ? { values: { ...stored.values, ...restored.values }, errors: {} } : stored;
          return showEditor(request, reply, 200, { article, form, notice, compare, restoring: restored !== null });
        },
      );

      app.post(
        '/admin/articles/:id/edit',
        {
          schema: { params: ArticleParams, body: ArticleForm },
          attachValidation: true,
          bodyLimit: FORM_BODY_LIMIT,
          onRequest: mayEditContent,
        },
        async (request, reply) => {
          const article = await loadArticle(request);
          const read = readForm(request, ArticleForm);
          const fields = read.ok ? await withLeadImage(readArticleForm(read.values, tz()), read.values) : null;
          if (!read.ok || !fields?.ok)
            return showEditor(request, reply, 400, { article, form: typedForm(read, fields && !fields.ok ? fields.errors : {}) });
          const result = await ctx.newsroom.save(actor(request), {
            id: article.id,
            version: fields.version ?? 0,
            fields: fields.fields,
            action: fields.action,
            showUpdated: fields.showUpdated,
          });
          return answer(request, reply, { result, action: fields.action.kind }, typedForm(read), article);
        },
      );

      app.post(
        '/admin/articles/:id/revisions/:revision/restore',
        { schema: { params: RevisionParams, body: RestoreForm }, onRequest: mayEditContent },
        async (request, reply) => {
          const article = await loadArticle(request);
          const result = await ctx.newsroom.restore(actor(request), article.id, request.params.revision, Number(request.body.version));
          if (!result) throw new HttpProblem('not-found', 'There is no such revision.');
          if (result.ok) return reply.redirect(`/admin/articles/${article.id}/edit?notice=restored`, 303);
          return answer(request, reply, { result, action: 'restore' }, formOf(article, article, tz()), article);
        },
      );

      app.get(
        '/admin/articles/:id/preview',
        { schema: { params: ArticleParams, querystring: PreviewQuery }, attachValidation: true, onRequest: mayEditContent },
        async (request, reply) => {
          const article = await loadArticle(request);
          const query = readForm(request, PreviewQuery, 'query');
          const asReader = query.ok && (query.values.as === 'paywall' || query.values.as === 'meter') ? query.values.as : 'subscriber';
          return sendPage(reply, 200, await preview(request, article, asReader));
        },
      );
    }),
  );

  await adminNewsRoutes(parent, ctx, { showEditor, loadArticle, mayEditContent });

  async function loadArticle(request: FastifyRequest): Promise<NewsroomArticle> {
    const params = readForm(request, ArticleParams, 'params');
    const article = params.ok ? await ctx.newsroom.article(actor(request), params.values.id) : null;
    if (!article) throw new HttpProblem('not-found', 'There is no such article.');
    return article;
  }

  /**
   * The article page exactly as a reader will see it — as a subscriber, or as an anonymous reader whose free
   * articles are used up (the paywall) — whatever its status, with a banner and kept out of search engines.
   */
  async function preview(request: FastifyRequest, article: NewsroomArticle, as: PreviewAs): Promise<string> {
    const now = ctx.now();
    const sections = await ctx.content.sections();
    const { status: _status, version: _version, embargoUntil: _embargo, ...fields } = article;
    const uploaded = fields.leadImage ? imageIdOf(fields.leadImage.url) : null;
    const image = uploaded === null ? null : await uploadedImage(String(uploaded));
    const leadImage = fields.leadImage && image ? { ...fields.leadImage, image } : fields.leadImage;
    const bylines = await ctx.newsroom.authors.bylines(actor(request), article.authors);
    const corrections = await ctx.newsroom.corrections.list(actor(request), article.id);
    const prepared = prepareArticle(
      { ...fields, leadImage, bylines, publishedAt: article.publishedAt ?? now },
      sections,
      ctx.business.paywall.lead,
      corrections,
    );
    const period = meterPeriod(now, tz());
    const reader: Reader =
      as === 'subscriber'
        ? {
            kind: 'registered',
            entitlements: new Set([ENTITLEMENTS.premium, ENTITLEMENTS.archive, ENTITLEMENTS.adFree, prepared.item.premiumEntitlement]),
          }
        : { kind: 'anonymous', entitlements: new Set() };
    // At the paywall: a month's free articles already read (ids no article has). Inside the meter: none read yet.
    const meter = { period, read: as === 'paywall' ? Array.from({ length: ctx.policy.freeLimit }, (_, i) => -1 - i) : [] };
    const decision = decideAccess({ reader, item: prepared.item, meter, network: null, policy: ctx.policy, now });
    const banner = html`<div class="preview-banner notice" role="status"><strong>Preview</strong> as ${PREVIEW_LABEL[as]}: readers do not see this page. ${previewLinks(article)} · <a href="/admin/articles/${article.id}/edit">Back to the editor</a></div>`;
    return articlePage({
      chrome: await pageChrome(ctx, request),
      read: { prepared, decision, readerContext: { reader, meter, period, userId: null, groups: [], anonymous: null } },
      publicUrl: ctx.config.publicUrl,
      timeZone: tz(),
      freeLimit: ctx.policy.freeLimit,
      registrationBonus: ctx.policy.registrationBonus,
      lowestPerMonth: await lowestPerMonth(ctx),
      includes: await offeredByPlans(ctx),
      previewBanner: banner,
    });
  }
}
