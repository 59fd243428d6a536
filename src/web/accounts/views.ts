import { html, type SafeHtml } from '../views/html.js';
import { layout, type PageChrome } from '../views/layout.js';
import type { FormState } from './forms.js';

/** Building blocks shared by the account pages: labelled fields with their errors beside them, hidden fields, the shell. */

export interface FieldSpec {
  form: FormState;
  name: string;
  label: string;
  /** Unique on the page: several forms may each have an email field. */
  id: string;
  type?: 'text' | 'email' | 'password';
  autocomplete?: string;
  hint?: string;
  required?: boolean;
  maxlength?: number;
  inputmode?: 'numeric' | 'email' | 'text';
}

/**
 * A labelled input. The error sits between label and input and is tied to it with aria-describedby, so
 * screen readers announce it with the field. Password fields never carry a value back.
 */
export function input(spec: FieldSpec): SafeHtml {
  const error = spec.form.errors[spec.name];
  const type = spec.type ?? 'text';
  const value = type === 'password' ? '' : (spec.form.values[spec.name] ?? '');
  const hintId = `${spec.id}-hint`;
  const errorId = `${spec.id}-error`;
  const describedBy = [spec.hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  // No maxlength on passwords: a browser would silently cut a pasted one short (ASVS 6.2.8); the server says so instead.
  const maxlength = type === 'password' ? undefined : spec.maxlength;
  return html`<div class="field${error ? ' has-error' : ''}">
<label for="${spec.id}">${spec.label}</label>
${spec.hint ? html`<p class="hint" id="${hintId}">${spec.hint}</p>` : ''}
${error ? html`<p class="field-error" id="${errorId}">${error}</p>` : ''}
<input id="${spec.id}" name="${spec.name}" type="${type}"${value ? html` value="${value}"` : ''}${spec.autocomplete ? html` autocomplete="${spec.autocomplete}"` : ''}${
    maxlength ? html` maxlength="${maxlength}"` : ''
  }${spec.inputmode ? html` inputmode="${spec.inputmode}"` : ''}${spec.required ? html` required` : ''}${
    describedBy ? html` aria-describedby="${describedBy}"` : ''
  }${error ? html` aria-invalid="true"` : ''}>
</div>`;
}

export const hidden = (name: string, value: string | number): SafeHtml => html`<input type="hidden" name="${name}" value="${value}">`;

/** The anti-forgery token every state-changing form carries (ASVS 3.5.1). */
export const csrfField = (token: string): SafeHtml => hidden('_csrf', token);

/** The form-level message (e.g. "that code is not right"), announced when the page loads. */
export function formMessage(form: FormState): SafeHtml {
  if (form.message) return html`<p class="form-error" role="alert">${form.message}</p>`;
  if (Object.keys(form.errors).length > 0) return html`<p class="form-error" role="alert">Please correct the fields marked below.</p>`;
  return html``;
}

export const notice = (text: string | undefined): SafeHtml => (text ? html`<p class="notice" role="status">${text}</p>` : html``);

export function signOutForm(csrf: string): SafeHtml {
  return html`<form method="post" action="/logout" class="inline-form">${csrfField(csrf)}<button type="submit" class="button secondary">Sign out</button></form>`;
}

/** Links between the account pages and the sign-out button (ASVS 7.4.4: logout within easy reach). */
export function accountNav(csrf: string, current: string): SafeHtml {
  const links: [string, string][] = [
    ['/account', 'Your account'],
    ['/account/devices', 'Devices'],
    ['/account/password', 'Password'],
    ['/account/export', 'Download your data'],
    ['/account/delete', 'Delete account'],
  ];
  return html`<nav class="account-nav" aria-label="Account"><ul>${links.map(
    ([href, label]) => html`<li><a href="${href}"${href === current ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )}</ul>${signOutForm(csrf)}</nav>`;
}

/** An account page: never indexed. */
export function accountLayout(chrome: PageChrome, title: string, main: SafeHtml): string {
  return layout(chrome, { title, noindex: true }, html`<div class="account-page">${main}</div>`);
}
