import { VISIBILITIES, type Correction, type Section } from '../../domain/content/model.js';
import { shownStatus, ARTICLE_STATUSES, type NewsroomArticle } from '../../domain/content/newsroom.js';
import type { NewsroomSummary, Revision } from '../../domain/content/newsroom-queries.js';
import type { FieldDiff } from '../../domain/content/revision-diff.js';
import { csrfField, formMessage, hidden, input, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import type { ImageView } from '../../domain/media/model.js';
import { chosenLeadImage } from './image-views.js';
import { formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';
import { autosaveOffer, autosaveParts, correctionsSection, newsFields, previewLinks } from './article-news-views.js';

/** The newsroom's pages: the article list and the article editor with its revisions. Everything is escaped by `html`. */

const STATUS_LABEL = { draft: 'Draft', scheduled: 'Scheduled', published: 'Published', unpublished: 'Unpublished' } as const;
const FIELD_LABEL: Record<FieldDiff['field'], string> = {
  headline: 'Headline',
  standfirst: 'Standfirst',
  body: 'Body',
  section: 'Section',
  tags: 'Tags',
  authors: 'Authors',
  dateline: 'Dateline',
  visibility: 'Visibility',
  provenance: 'Provenance',
  slug: 'Slug',
  leadImage: 'Lead image',
  embargoUntil: 'Embargo until',
  seo: 'Search and social',
};

function errorOf(form: FormState, name: string, fieldId: string): SafeHtml | '' {
  const error = form.errors[name];
  return error ? html`<p class="field-error" id="${fieldId}-error">${error}</p>` : '';
}

const invalid = (form: FormState, name: string, fieldId: string): SafeHtml | '' =>
  form.errors[name] ? html` aria-describedby="${fieldId}-error" aria-invalid="true"` : '';

function textarea(form: FormState, name: string, label: string, rows: number, hint?: string): SafeHtml {
  const fieldId = `article-${name}`;
  return html`<div class="field${form.errors[name] ? ' has-error' : ''}"><label for="${fieldId}">${label}</label>
${hint ? html`<p class="hint">${hint}</p>` : ''}${errorOf(form, name, fieldId)}
<textarea id="${fieldId}" name="${name}" rows="${rows}"${invalid(form, name, fieldId)}>${form.values[name] ?? ''}</textarea></div>`;
}

function select(form: FormState, name: string, label: string, options: readonly (readonly [string, string])[]): SafeHtml {
  const fieldId = `article-${name}`;
  const current = form.values[name] ?? '';
  return html`<div class="field${form.errors[name] ? ' has-error' : ''}"><label for="${fieldId}">${label}</label>${errorOf(form, name, fieldId)}
<select id="${fieldId}" name="${name}"${invalid(form, name, fieldId)}>${options.map(
    ([value, text]) => html`<option value="${value}"${value === current ? ' selected' : ''}>${text}</option>`,
  )}</select></div>`;
}

const field = (form: FormState, name: string, label: string, maxlength: number, hint?: string) =>
  input({ form, name, label, id: `article-${name}`, maxlength, ...(hint ? { hint } : {}) });

export interface ArticleListInput {
  articles: NewsroomSummary[];
  /** Authors for the author filter's suggestions. */
  authors: { name: string; slug: string }[];
  /** Messages of filters that could not be applied (an unknown author). */
  filterError?: string | undefined;
  sections: Section[];
  query: Record<string, string>;
  older: string | null;
  now: Date;
  timeZone: string;
  /** Today's premium stories (out, and scheduled for later today) against the publication's promise (0: none). */
  premiumToday: { out: number; scheduled: number; date: string; promised: number };
}

/** "Premium today: 12 of 30 promised", or "12 premium today" with no promise; linked to today's premium stories. */
function premiumTodayLine(p: ArticleListInput['premiumToday']): SafeHtml {
  const count = html`<a href="/admin/articles?visibility=premium&amp;from=${p.date}&amp;to=${p.date}">${p.out}</a>`;
  const later = p.scheduled > 0 ? html` (${p.scheduled} more scheduled for later today)` : '';
  return html`<p class="premium-today" data-premium-today="${p.out}">${
    p.promised > 0 ? html`Premium today: ${count} of ${p.promised} promised` : html`${count} premium today`
  }${later} · <a href="/premium">as readers see it</a></p>`;
}

export function articleListPage(chrome: PageChrome, input: ArticleListInput): string {
  const q = input.query;
  const filter = (name: string, label: string, options: readonly (readonly [string, string])[]) =>
    html`<label>${label} <select name="${name}"><option value="">Any</option>${options.map(
      ([value, text]) => html`<option value="${value}"${q[name] === value ? ' selected' : ''}>${text}</option>`,
    )}</select></label> `;
  const olderQuery = new URLSearchParams({ ...q, before: input.older ?? '' }).toString();
  const main = html`<h1>Articles</h1><p><a class="button" href="/admin/articles/new">Write an article</a></p>
${premiumTodayLine(input.premiumToday)}
<form method="get" action="/admin/articles" class="admin-filters"><label>Headline <input type="search" name="q" value="${q.q ?? ''}" maxlength="200"></label>
${filter(
  'section',
  'Section',
  input.sections.map((s) => [s.slug, s.name] as const),
)}${filter(
    'visibility',
    'Visibility',
    VISIBILITIES.map((v) => [v, v] as const),
  )}${filter(
    'status',
    'Status',
    ARTICLE_STATUSES.map((s) => [s, STATUS_LABEL[s]] as const),
  )}${filter('provenance', 'Provenance', [
    ['staff', 'Staff'],
    ['wire', 'Wire'],
    ['partner', 'Partner'],
  ])}<label>Author <input name="author" list="author-slugs" value="${q.author ?? ''}" maxlength="120"></label>
<datalist id="author-slugs">${input.authors.map((a) => html`<option value="${a.slug}">${a.name}</option>`)}</datalist>
<label>Published from <input type="date" name="from" value="${q.from ?? ''}"></label> <label>to <input type="date" name="to" value="${q.to ?? ''}"></label>
<button type="submit" class="button secondary">Filter</button></form>
${input.filterError ? html`<p class="form-error" role="alert">${input.filterError}</p>` : ''}
${
  input.articles.length === 0
    ? html`<p role="status">No articles match.</p>`
    : html`<table class="admin-table"><thead><tr><th>Headline</th><th>Status</th><th>Section</th><th>Visibility</th><th>Provenance</th><th>Authors</th><th>Published</th><th>Last changed</th></tr></thead><tbody>${input.articles.map(
        (a) =>
          html`<tr data-article="${a.id}"><td><a href="/admin/articles/${a.id}/edit">${a.headline}</a></td><td>${STATUS_LABEL[shownStatus(a, input.now)]}${a.embargoUntil && a.embargoUntil > input.now ? html`<br><span class="embargo">Embargoed until ${formatDateTime(a.embargoUntil, input.timeZone)}</span>` : ''}</td><td>${a.section}</td><td>${a.visibility}</td><td>${a.provenance}</td><td>${a.authors.join(', ')}</td><td>${a.publishedAt ? formatDateTime(a.publishedAt, input.timeZone) : ''}</td><td>${formatDateTime(a.updatedAt, input.timeZone)}</td></tr>`,
      )}</tbody></table>`
}
${input.older ? html`<p><a rel="next" href="/admin/articles?${olderQuery}">Older articles</a></p>` : ''}`;
  return adminLayout(chrome, 'Articles', main);
}

export interface ArticleEditInput {
  /** Null while writing a new article. */
  article: NewsroomArticle | null;
  form: FormState;
  sections: Section[];
  csrf: string;
  now: Date;
  timeZone: string;
  notice?: string | undefined;
  revisions: Revision[];
  /** The revision compared with the current text, and what differs. */
  compare?: { revision: Revision; diffs: FieldDiff[] } | undefined;
  /** The uploaded image chosen as the lead image, shown with the caption and credit readers will see. */
  leadImage?: ImageView | null | undefined;
  // --- News conventions (authors brief) ---
  corrections: Correction[];
  correctionForm: FormState;
  failedCorrection?: { id: number; form: FormState } | undefined;
  /** This editor's autosave, when newer than the article's last save. */
  autosave: { savedAt: Date; restoreHref: string; discardAction: string } | null;
}

function statusLine(article: NewsroomArticle, now: Date, timeZone: string): SafeHtml {
  const status = shownStatus(article, now);
  const when = article.publishedAt ? formatDateTime(article.publishedAt, timeZone) : '';
  const text =
    status === 'scheduled'
      ? html`Scheduled for ${when}`
      : status === 'published'
        ? html`Published ${when} · <a href="/article/${article.slug}">on the site</a>`
        : html`${STATUS_LABEL[status]}`;
  return html`<p class="article-status" data-status="${status}">${text}${article.embargoUntil && article.embargoUntil > now ? html` · Embargoed until ${formatDateTime(article.embargoUntil, timeZone)}` : ''}${article.shownUpdatedAt ? html` · Updated ${formatDateTime(article.shownUpdatedAt, timeZone)}` : ''}</p>
<p class="previews">${previewLinks(article)}</p>`;
}

function revisionList(input: ArticleEditInput, article: NewsroomArticle): SafeHtml {
  return html`<section class="revisions" aria-labelledby="revisions-title"><h2 id="revisions-title">Revisions</h2><ol>${input.revisions.map(
    (
      r,
    ) => html`<li data-revision="${r.id}">${formatDateTime(r.createdAt, input.timeZone)} · ${r.by ?? 'no account (an import or the wire) or a deleted account'} · ${r.action} (version ${r.version})
 · <a href="/admin/articles/${article.id}/edit?compare=${r.id}#compare">Compare with current</a>
<form method="post" action="/admin/articles/${article.id}/revisions/${r.id}/restore" class="inline-form">${csrfField(input.csrf)}${hidden('version', article.version)}<button type="submit" class="button secondary">Restore</button></form></li>`,
  )}</ol></section>`;
}

function comparison(compare: NonNullable<ArticleEditInput['compare']>, timeZone: string): SafeHtml {
  const { revision, diffs } = compare;
  return html`<section id="compare" class="revision-diff" aria-labelledby="compare-title"><h2 id="compare-title">Revision of ${formatDateTime(revision.createdAt, timeZone)} against the current text</h2>
${
  diffs.length === 0
    ? html`<p>No field differs.</p>`
    : diffs.map(
        (d) =>
          html`<h3>${FIELD_LABEL[d.field]}</h3><pre class="diff" data-field="${d.field}">${d.lines.map((line) =>
            line.kind === 'same'
              ? html`  ${line.text}\n`
              : line.kind === 'removed'
                ? html`<del>- ${line.text}</del>\n`
                : html`<ins>+ ${line.text}</ins>\n`,
          )}</pre>`,
      )
}</section>`;
}

export function articleEditPage(chrome: PageChrome, input: ArticleEditInput): string {
  const { article, form } = input;
  const action = article ? `/admin/articles/${article.id}/edit` : '/admin/articles/new';
  const status = article ? shownStatus(article, input.now) : 'draft';
  const live = status === 'published' || status === 'scheduled';
  const main = html`<p><a href="/admin/articles">All articles</a></p>
<h1>${article ? html`Edit: ${article.headline}` : 'Write an article'}</h1>
${notice(input.notice)}${article ? statusLine(article, input.now, input.timeZone) : ''}
${autosaveOffer(input.autosave, input.csrf, input.timeZone)}
${formMessage(form)}
<form method="post" action="${action}" class="account-form article-form" data-autosave="/admin/articles/autosave" data-article="${article?.id ?? ''}">${csrfField(input.csrf)}${hidden('version', form.values.version ?? '')}
${field(form, 'headline', 'Headline', 300)}
${textarea(form, 'standfirst', 'Standfirst', 3)}
${textarea(form, 'body', 'Body', 20, 'Markdown, as the import takes it: blank lines between paragraphs, ## for a subheading.')}
${select(
  form,
  'section',
  'Section',
  input.sections.map((s) => [s.slug, s.name] as const),
)}
${field(form, 'tags', 'Tags', 1400, 'Separated by commas.')}
${field(form, 'authors', 'Authors', 1400, 'Names separated by commas. A name not yet in the authors list is added to it, with its own page.')}
${field(form, 'dateline', 'Dateline', 120)}
${select(form, 'visibility', 'Who may read it', [
  ['free', 'Free: everyone'],
  ['metered', 'Metered: counts against the free articles'],
  ['premium', 'Premium: subscribers'],
])}
${field(form, 'provenance', 'Provenance', 70, 'staff, wire:<agency> or partner:<name>.')}
${field(form, 'slug', 'Slug', 120, 'The address: /article/<slug>. Left empty, it is made from the headline. Changing it keeps the old address working.')}
${field(form, 'leadImageId', 'Lead image (its number in the image library)', 10, 'Upload it in Images (/admin/images) first; its caption and credit show under it.')}
${chosenLeadImage(input.leadImage ?? null)}
${field(form, 'imageUrl', 'Or a lead image address', 2000, 'https://… or a path on this site.')}
${field(form, 'imageAlt', 'Lead image description (alt text)', 500, 'Required with an address; for an uploaded image, replaces its own alt text in this article.')}
<div class="field${form.errors.publishAt ? ' has-error' : ''}"><label for="article-publishAt">Publish at (${input.timeZone})</label>${errorOf(form, 'publishAt', 'article-publishAt')}
<input id="article-publishAt" name="publishAt" type="datetime-local" value="${form.values.publishAt ?? ''}"${invalid(form, 'publishAt', 'article-publishAt')}></div>
${newsFields(form, input.timeZone, status === 'published')}
<p class="actions"><button type="submit" name="action" value="save" class="button secondary">${live ? 'Save changes' : 'Save draft'}</button>
${status === 'published' ? '' : html`<button type="submit" name="action" value="publish" class="button">Publish now</button> `}
${status === 'published' ? '' : html`<button type="submit" name="action" value="schedule" class="button secondary">Schedule</button> `}
${live ? html`<button type="submit" name="action" value="unpublish" class="button danger">Unpublish</button>` : ''}</p>
</form>
${autosaveParts()}
${article ? correctionsSection({ article, corrections: input.corrections, form: input.correctionForm, failed: input.failedCorrection, csrf: input.csrf, timeZone: input.timeZone }) : ''}
${input.compare ? comparison(input.compare, input.timeZone) : ''}
${article ? revisionList(input, article) : ''}`;
  return adminLayout(chrome, article ? `Edit: ${article.headline}` : 'Write an article', main);
}

/** The staff's start page: what each may do. */
