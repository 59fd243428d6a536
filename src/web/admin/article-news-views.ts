import type { Correction } from '../../domain/content/model.js';
import type { NewsroomArticle } from '../../domain/content/newsroom.js';
import { csrfField, input } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { formatDate, formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';

/** The editor's news conventions: embargo, "Show as updated", SEO fields, corrections, autosave and previews. */

export const AUTOSAVE_SCRIPT_PATH = '/admin/assets/autosave.js';

const field = (form: FormState, name: string, label: string, maxlength: number, hint?: string) =>
  input({ form, name, label, id: `article-${name}`, maxlength, ...(hint ? { hint } : {}) });

function errorOf(form: FormState, name: string): SafeHtml | '' {
  const error = form.errors[name];
  return error ? html`<p class="field-error" id="article-${name}-error">${error}</p>` : '';
}

/** Embargo, "Show as updated" (for an article on the site) and the SEO fields. */
export function newsFields(form: FormState, timeZone: string, onSite: boolean): SafeHtml {
  const embargoError = form.errors.embargoUntil;
  return html`<div class="field${embargoError ? ' has-error' : ''}"><label for="article-embargoUntil">Embargo until (${timeZone})</label>
<p class="hint">Left empty, no embargo. An embargoed story cannot be published before this time; a schedule must be at or after it.</p>${errorOf(form, 'embargoUntil')}
<input id="article-embargoUntil" name="embargoUntil" type="datetime-local" value="${form.values.embargoUntil ?? ''}"${embargoError ? html` aria-describedby="article-embargoUntil-error" aria-invalid="true"` : ''}></div>
${
  onSite
    ? html`<div class="field"><label><input type="checkbox" name="showUpdated" value="on"${form.values.showUpdated === 'on' ? ' checked' : ''}> Show as updated</label>
<p class="hint">A substantive update: readers see “Updated” with this save’s time beside the publication time. Leave it unticked for a typo fix.</p></div>`
    : ''
}
<fieldset class="seo"><legend>Search and social</legend>
${field(form, 'seoTitle', 'SEO title', 120, 'In the browser tab, search results and social cards. Left empty, the headline.')}
${field(form, 'metaDescription', 'Meta description', 300, 'Left empty, the standfirst.')}
${field(form, 'canonicalUrl', 'Canonical address', 2000, 'Only when another address is the original: a path on this site or https://…')}
${field(form, 'socialImageUrl', 'Social image', 2000, 'https://… or a path on this site. Left empty, the lead image.')}
</fieldset>`;
}

/** Offers this editor's autosave when it is newer than the article's last save. */
export function autosaveOffer(offer: { savedAt: Date; restoreHref: string; discardAction: string } | null, csrf: string, timeZone: string) {
  if (!offer) return '';
  return html`<div class="notice autosave-offer" role="status"><a href="${offer.restoreHref}">Restore unsaved changes from ${formatDateTime(offer.savedAt, timeZone)}</a>
<form method="post" action="${offer.discardAction}" class="inline-form">${csrfField(csrf)}<button type="submit" class="button secondary">Discard them</button></form></div>`;
}

/** The autosave script and where it reports; the form carries where it saves to. */
export function autosaveParts(): SafeHtml {
  return html`<p class="autosave-status" id="autosave-status" role="status" aria-live="polite"></p><script src="${AUTOSAVE_SCRIPT_PATH}" defer></script>`;
}

/** The three previews: inside the meter, at the paywall, as a subscriber. */
export function previewLinks(article: Pick<NewsroomArticle, 'id'>): SafeHtml {
  const base = `/admin/articles/${article.id}/preview`;
  return html`<a href="${base}?as=subscriber">Preview</a> as a subscriber, or as <a href="${base}?as=meter">a reader inside the meter</a> or <a href="${base}?as=paywall">at the paywall</a>`;
}

const KIND_LABEL = { correction: 'Correction', clarification: 'Clarification' } as const;

function kindSelect(name: string, current: string): SafeHtml {
  return html`<select name="${name}">${(['correction', 'clarification'] as const).map(
    (k) => html`<option value="${k}"${k === current ? ' selected' : ''}>${KIND_LABEL[k]}</option>`,
  )}</select>`;
}

/** The article's corrections (each editable, never removable) and the form to append one. */
export function correctionsSection(input: {
  article: NewsroomArticle;
  corrections: Correction[];
  form: FormState;
  /** The correction whose edit failed, with what was typed. */
  failed?: { id: number; form: FormState } | undefined;
  csrf: string;
  timeZone: string;
}): SafeHtml {
  const { article, form } = input;
  return html`<section class="corrections-admin" id="corrections" aria-labelledby="corrections-title"><h2 id="corrections-title">Corrections and clarifications</h2>
<p class="hint">Shown at the foot of the article with their date, in order. They cannot be removed; every edit is recorded.</p>
<ol>${input.corrections.map((c) => {
    const failed = input.failed?.id === c.id ? input.failed.form : null;
    const kind = failed?.values.kind ?? c.kind;
    const text = failed?.values.text ?? c.text;
    return html`<li data-correction="${c.id}">${formatDate(c.createdAt, input.timeZone)} · ${KIND_LABEL[c.kind]}
<form method="post" action="/admin/articles/${article.id}/corrections/${c.id}" class="correction-form">${csrfField(input.csrf)}
<label>Kind ${kindSelect('kind', kind)}</label>${failed?.errors.text ? html`<p class="field-error">${failed.errors.text}</p>` : ''}
<label>Text <textarea name="text" rows="2" maxlength="2000">${text}</textarea></label>
<button type="submit" class="button secondary">Save this ${KIND_LABEL[c.kind].toLowerCase()}</button></form></li>`;
  })}</ol>
<form method="post" action="/admin/articles/${article.id}/corrections" class="correction-form">${csrfField(input.csrf)}
<label>Kind ${kindSelect('kind', form.values.kind ?? 'correction')}</label>${errorOf(form, 'text')}
<label for="correction-text">Text</label><textarea id="correction-text" name="text" rows="3" maxlength="2000">${form.values.text ?? ''}</textarea>
<button type="submit" class="button">Append</button></form></section>`;
}
