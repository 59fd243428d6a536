import type { FormState } from '../http/forms.js';
import { html, type SafeHtml } from '../views/html.js';
import { layout, type PageChrome } from '../views/layout.js';

/** Building blocks the billing pages share: the shell, a labelled select, and a page with one message. */

/** A personal billing page: never indexed; `head` carries e.g. a refresh. */
export function billingLayout(chrome: PageChrome, title: string, main: SafeHtml, head?: SafeHtml): string {
  return layout(chrome, { title, noindex: true, head }, html`<div class="account-page billing-page">${main}</div>`);
}

/** A labelled select whose error sits between label and control, tied to it like the account inputs. */
export function selectField(spec: {
  form: FormState;
  name: string;
  label: string;
  id: string;
  options: { value: string; label: string }[];
  placeholder: string;
  autocomplete?: string;
}): SafeHtml {
  const error = spec.form.errors[spec.name];
  const current = spec.form.values[spec.name] ?? '';
  const errorId = `${spec.id}-error`;
  return html`<div class="field${error ? ' has-error' : ''}">
<label for="${spec.id}">${spec.label}</label>
${error ? html`<p class="field-error" id="${errorId}">${error}</p>` : ''}
<select id="${spec.id}" name="${spec.name}" required${spec.autocomplete ? html` autocomplete="${spec.autocomplete}"` : ''}${
    error ? html` aria-describedby="${errorId}" aria-invalid="true"` : ''
  }>
<option value=""${current ? '' : html` selected`}>${spec.placeholder}</option>
${spec.options.map((o) => html`<option value="${o.value}"${o.value === current ? html` selected` : ''}>${o.label}</option>`)}
</select>
</div>`;
}

/** A page that says one thing and offers a way on. */
export function messagePage(chrome: PageChrome, data: { title: string; body: SafeHtml; head?: SafeHtml }): string {
  return billingLayout(chrome, data.title, html`<h1>${data.title}</h1>\n${data.body}`, data.head);
}
