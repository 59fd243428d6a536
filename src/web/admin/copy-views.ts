import type { CopyTemplate } from '../../domain/copy/templates.js';
import { csrfField, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { formatDateTime } from '../views/format.js';
import { html } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

const vars = (names: readonly string[]) => (names.length ? names.map((n) => html`<code>{${n}}</code> `) : html`none`);

/** Every reader-facing message by group, with the text in use and whether it is the default. */
export function copyListPage(chrome: PageChrome, data: { templates: CopyTemplate[]; notice?: string | undefined }): string {
  const groups = new Map<string, CopyTemplate[]>();
  for (const t of data.templates) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
  const main = html`<h1>Copy templates</h1>${notice(data.notice)}
<p>Every message readers see, in ICU MessageFormat: <code>{name}</code> fills in a variable, and
<code>{count, plural, one {# article} other {# articles}}</code> picks the words for a number. A template is checked before it is saved.</p>
${[...groups].map(
  ([group, templates]) => html`<section class="block"><h2>${group}</h2>
<table class="admin-payments"><thead><tr><th>Message</th><th>Text in use</th><th></th></tr></thead><tbody>
${templates.map(
  (t) =>
    html`<tr data-key="${t.key}"><td><a href="/admin/copy/${t.key}">${t.key}</a></td><td>${t.text}</td><td>${t.overridden ? html`<span class="badge">edited</span>` : 'default'}</td></tr>`,
)}
</tbody></table></section>`,
)}`;
  return adminLayout(chrome, 'Copy templates', main);
}

export interface CopyEditData {
  template: CopyTemplate;
  form: FormState;
  csrf: string;
  /** The template filled with today's figures, or null when it has a problem (shown beside the field). */
  preview: string | null;
  timeZone: string;
  notice?: string | undefined;
}

/** One message's template: the text, what it may and must use, a preview with real figures, save and reset. */
export function copyEditPage(chrome: PageChrome, data: CopyEditData): string {
  const { template: t, form } = data;
  const error = form.errors.text;
  const main = html`<p><a href="/admin/copy">All copy templates</a></p>
<h1>${t.key}</h1>${notice(data.notice)}
<p>${t.group}. Variables: ${vars(t.vars)}${t.required.length ? html` — must use: ${vars(t.required)}` : ''}</p>
<form method="post" action="/admin/copy/${t.key}" class="account-form">${csrfField(data.csrf)}
<label for="template">Template</label>
${error ? html`<p class="field-error" id="template-error">${error}</p>` : ''}
<textarea id="template" name="text" rows="4" cols="80" maxlength="2000" data-preview="/admin/copy/${t.key}/preview"${error ? html` aria-describedby="template-error" aria-invalid="true"` : ''}>${form.values.text ?? t.text}</textarea>
<h2>Preview</h2>
<p class="notice" id="preview" role="status" aria-live="polite">${data.preview ?? ''}</p>
<p><button type="submit" name="action" value="preview" class="button secondary">Preview</button>
<button type="submit" name="action" value="save" class="button">Save</button></p>
</form>
<p>Default: <q>${t.defaultText}</q></p>
${
  t.overridden
    ? html`<form method="post" action="/admin/copy/${t.key}/reset">${csrfField(data.csrf)}
<p>Edited ${t.updatedAt ? formatDateTime(t.updatedAt, data.timeZone) : ''}. <button type="submit" class="button secondary">Reset to default</button></p></form>`
    : ''
}`;
  return adminLayout(chrome, t.key, main, html`<script src="/admin/copy/preview.js" defer></script>`);
}

/**
 * The live preview: as the template is typed, asks the server to render it with today's figures and shows the
 * text or the problem. Served from our origin (the page's CSP allows only 'self' scripts); without it, the
 * Preview button does the same.
 */
export const PREVIEW_SCRIPT = `(() => {
  const field = document.getElementById('template');
  const out = document.getElementById('preview');
  if (!field || !out) return;
  let timer = 0;
  let asked = 0;
  const show = async () => {
    const mine = ++asked;
    try {
      const res = await fetch(field.dataset.preview + '?text=' + encodeURIComponent(field.value), { headers: { accept: 'application/json' } });
      const body = await res.json();
      if (mine !== asked) return;
      out.textContent = body.ok ? body.text : body.message;
      out.className = body.ok ? 'notice' : 'field-error';
    } catch {
      // Offline or signed out: the Preview button still works.
    }
  };
  field.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(show, 250);
  });
})();
`;
