import type { Edition, EditionPage, Region } from '../../domain/epaper/model.js';
import { csrfField, formMessage, input, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

/** The newsroom's e-paper pages: the editions with the upload form, and one edition (progress, publishing, regions). */

export const EPAPER_UPLOAD_SCRIPT_PATH = '/admin/assets/epaper-upload.js';

const STATUS: Record<Edition['status'], string> = { rendering: 'Rendering', ready: 'Ready', failed: 'Failed' };

function statusOf(edition: Edition, now: Date): string {
  if (edition.status === 'rendering') return `Rendering: ${edition.pagesRendered} of ${edition.pageCount} pages`;
  if (edition.status === 'ready') return edition.publishAt.getTime() <= now.getTime() ? 'Published' : 'Ready, waiting for its time';
  return STATUS[edition.status];
}

export function epaperEditionsPage(
  chrome: PageChrome,
  data: {
    editions: Edition[];
    older: string | null;
    form: FormState;
    csrf: string;
    notice?: string | undefined;
    timeZone: string;
    now: Date;
  },
): string {
  const fileError = data.form.errors.file;
  const main = html`<h1>E-paper</h1>${notice(data.notice)}
<h2>Upload an edition</h2>
<form method="post" action="/admin/epaper" enctype="multipart/form-data" data-progress-upload>${csrfField(data.csrf)}
${formMessage(data.form)}
${input({ form: data.form, name: 'name', label: 'Edition', id: 'epaper-name', maxlength: 60, hint: 'For example Mumbai or Delhi.' })}
${typedInput(data.form, 'date', 'Date', 'date', 'The day the edition is for.')}
${typedInput(data.form, 'publishAt', 'Publish at', 'datetime-local', `In ${data.timeZone}; empty: as soon as every page is rendered.`)}
<div class="field${fileError ? ' has-error' : ''}"><label for="epaper-file">PDF (one file, or one per page in order)</label>
${fileError ? html`<p class="field-error" id="epaper-file-error">${fileError}</p>` : ''}
<input id="epaper-file" name="file" type="file" accept="application/pdf,.pdf" multiple required${fileError ? html` aria-invalid="true" aria-describedby="epaper-file-error"` : ''}></div>
<progress data-upload-progress max="100" value="0" hidden></progress> <span data-upload-status role="status"></span>
<p><button type="submit">Upload</button></p>
</form>
<h2>Editions</h2>
${
  data.editions.length === 0
    ? html`<p>No edition has been uploaded yet.</p>`
    : html`<table><thead><tr><th scope="col">Date</th><th scope="col">Edition</th><th scope="col">Pages</th><th scope="col">Status</th><th scope="col">Publish at</th></tr></thead><tbody>
${data.editions.map(
  (e) =>
    html`<tr><td>${e.date}</td><td><a href="/admin/epaper/${e.id}">${e.name}</a></td><td>${e.pageCount}</td><td>${statusOf(e, data.now)}</td><td>${formatDateTime(e.publishAt, data.timeZone)}</td></tr>`,
)}</tbody></table>`
}
${data.older ? html`<p><a href="/admin/epaper?before=${data.older}">Older editions</a></p>` : ''}`;
  return adminLayout(chrome, 'E-paper', main, html`<script src="${EPAPER_UPLOAD_SCRIPT_PATH}" defer></script>`);
}

/** A date or date-and-time field with its hint and error. */
function typedInput(form: FormState, name: string, label: string, type: 'date' | 'datetime-local', hint: string): SafeHtml {
  const error = form.errors[name];
  const id = `epaper-${name}`;
  return html`<div class="field${error ? ' has-error' : ''}"><label for="${id}">${label}</label>
<p class="hint" id="${id}-hint">${hint}</p>
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
<input id="${id}" name="${name}" type="${type}" value="${form.values[name] ?? ''}"${type === 'date' ? html` required` : ''} aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"${error ? html` aria-invalid="true"` : ''}></div>`;
}

const pct = (n: number) => (n / 100).toFixed(1);

function regionForm(region: Region, csrf: string): SafeHtml {
  const field = (name: 'x' | 'y' | 'w' | 'h', label: string) =>
    html`<label>${label} <input name="${name}" value="${pct(region[name])}" inputmode="decimal" size="5" maxlength="5"></label> `;
  return html`<form method="post" action="/admin/epaper/regions/${region.id}" class="epaper-region">${csrfField(csrf)}
<label>Headline <input name="headline" value="${region.headline}" maxlength="300"></label>
${field('x', 'Left %')}${field('y', 'Top %')}${field('w', 'Width %')}${field('h', 'Height %')}
<label>Web article id <input name="articleId" value="${region.article?.id ?? ''}" inputmode="numeric" size="7" maxlength="10"></label>
${region.article ? html`<a href="/${region.article.slug}">${region.article.headline}</a>` : html`<span>not linked</span>`}
<span>(${region.source === 'pdf' ? 'from the PDF' : 'by an editor'})</span>
<button type="submit">Save region</button></form>`;
}

export function epaperEditionPage(
  chrome: PageChrome,
  data: {
    edition: Edition;
    pages: (EditionPage & { thumbUrl: string | null; regions: Region[] })[];
    csrf: string;
    notice?: string | undefined;
    error?: string | undefined;
    publishAt: string;
    timeZone: string;
    now: Date;
  },
): string {
  const { edition } = data;
  const main = html`<h1>${edition.name}, ${edition.date}</h1>${notice(data.notice)}
${data.error ? html`<p class="form-error" role="alert">${data.error}</p>` : ''}
<p role="status">${statusOf(edition, data.now)}.</p>
${edition.error ? html`<p class="form-error" role="alert">${edition.error} Nothing of this edition is shown to readers; upload it again.</p>` : ''}
${edition.status === 'rendering' ? html`<progress max="${edition.pageCount}" value="${edition.pagesRendered}">${edition.pagesRendered} of ${edition.pageCount}</progress>` : ''}
<form method="post" action="/admin/epaper/${edition.id}/publish-at">${csrfField(data.csrf)}
<label for="publish-at">Publish at (${data.timeZone})</label> <input id="publish-at" name="publishAt" type="datetime-local" value="${data.publishAt}" required>
<button type="submit">Set</button></form>
${edition.status === 'ready' && edition.publishAt.getTime() <= data.now.getTime() ? html`<p><a href="/epaper/${edition.slug}/${edition.date}">Open it as readers do</a></p>` : ''}
${data.pages.map(
  (page) => html`<section><h2>Page ${page.number}</h2>
${page.thumbUrl ? html`<p><img src="${page.thumbUrl}" alt="Page ${page.number}" width="240"></p>` : ''}
${page.regions.length === 0 ? html`<p>No article regions on this page.</p>` : page.regions.map((r) => regionForm(r, data.csrf))}
<details><summary>Draw a region</summary><form method="post" action="/admin/epaper/${edition.id}/pages/${page.number}/regions">${csrfField(data.csrf)}
<label>Headline <input name="headline" maxlength="300"></label>
<label>Left % <input name="x" inputmode="decimal" size="5" maxlength="5" required></label>
<label>Top % <input name="y" inputmode="decimal" size="5" maxlength="5" required></label>
<label>Width % <input name="w" inputmode="decimal" size="5" maxlength="5" required></label>
<label>Height % <input name="h" inputmode="decimal" size="5" maxlength="5" required></label>
<label>Web article id <input name="articleId" inputmode="numeric" size="7" maxlength="10"></label>
<button type="submit">Add region</button></form></details></section>`,
)}
<p><a href="/admin/epaper">All editions</a></p>`;
  const head = edition.status === 'rendering' ? html`<meta http-equiv="refresh" content="3">` : undefined;
  return adminLayout(chrome, `E-paper: ${edition.name} ${edition.date}`, main, head);
}
