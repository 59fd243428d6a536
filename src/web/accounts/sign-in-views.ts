import type { Device } from '../../domain/accounts/model.js';
import { html, type SafeHtml } from '../views/html.js';
import { formatDateTime } from '../views/format.js';
import type { PageChrome } from '../views/layout.js';
import { LIMITS, emptyForm, type FormState } from './forms.js';
import { accountLayout, csrfField, formMessage, hidden, input, notice } from './views.js';

/** Sign-up, sign-in, the "check your email" step and the device-limit choice. */

const emailField = (form: FormState, id: string) =>
  input({ form, name: 'email', label: 'Email address', id, type: 'email', autocomplete: 'email', required: true, maxlength: LIMITS.email });

/** "Email me a sign-in code": on the sign-in page and wherever a reader needs a way forward. */
function codeRequestForm(csrf: string, next: string, form: FormState, id: string): SafeHtml {
  return html`<form method="post" action="/login/email" class="account-form" novalidate>
${csrfField(csrf)}${hidden('next', next)}${formMessage(form)}
${emailField(form, id)}
<button type="submit" class="button">Email me a sign-in code</button>
</form>`;
}

export function loginPage(
  chrome: PageChrome,
  data: { csrf: string; next: string; password?: FormState | undefined; code?: FormState | undefined; notice?: string | undefined },
): string {
  const password = data.password ?? emptyForm();
  const main = html`<h1>Sign in</h1>
${notice(data.notice)}
<section aria-labelledby="with-password"><h2 id="with-password">With your password</h2>
<form method="post" action="/login" class="account-form" novalidate>
${csrfField(data.csrf)}${hidden('next', data.next)}${formMessage(password)}
${emailField(password, 'login-email')}
${input({ form: password, name: 'password', label: 'Password', id: 'login-password', type: 'password', autocomplete: 'current-password', required: true, maxlength: LIMITS.password })}
<button type="submit" class="button">Sign in</button>
<p><a href="/reset">Forgotten your password?</a></p>
</form></section>
<section aria-labelledby="with-code"><h2 id="with-code">Or with a code by email</h2>
<p>No password needed: we email you a 6-digit code and a sign-in link.</p>
${codeRequestForm(data.csrf, data.next, data.code ?? emptyForm(), 'code-email')}
</section>
<p>New here? <a href="/register${data.next === '/' ? '' : `?next=${encodeURIComponent(data.next)}`}">Create a free account</a></p>`;
  return accountLayout(chrome, 'Sign in', main);
}

export function registerPage(chrome: PageChrome, data: { csrf: string; next: string; form?: FormState | undefined }): string {
  const form = data.form ?? emptyForm();
  const main = html`<h1>Create a free account</h1>
<form method="post" action="/register" class="account-form" novalidate>
${csrfField(data.csrf)}${hidden('next', data.next)}${formMessage(form)}
${input({ form, name: 'name', label: 'Your name', id: 'register-name', autocomplete: 'name', required: true, maxlength: LIMITS.name })}
${emailField(form, 'register-email')}
${input({
  form,
  name: 'password',
  label: 'Password (optional)',
  id: 'register-password',
  type: 'password',
  autocomplete: 'new-password',
  maxlength: LIMITS.password,
  hint: 'At least 8 characters. Leave it empty to sign in with a code we email you each time.',
})}
<button type="submit" class="button">Create account</button>
</form>
<p>Already have an account? <a href="/login${data.next === '/' ? '' : `?next=${encodeURIComponent(data.next)}`}">Sign in</a></p>`;
  return accountLayout(chrome, 'Create a free account', main);
}

/**
 * "Check your email" with the code form. Shown the same whether or not the address has an account
 * (ASVS 6.3.8). For a password reset the form also asks for the new password.
 */
export function checkEmailPage(
  chrome: PageChrome,
  data: {
    csrf: string;
    next: string;
    email: string;
    purpose: 'sign-in' | 'reset';
    form?: FormState | undefined;
    showEmailField?: boolean | undefined;
  },
): string {
  const form = data.form ?? emptyForm({ email: data.email });
  const reset = data.purpose === 'reset';
  const askEmail = data.showEmailField || !data.email || Boolean(form.errors.email);
  const main = html`<h1>Check your email</h1>
${data.email ? html`<p>If <strong>${data.email}</strong> can be used here, we have sent it a message with a 6-digit code and a link. They work for 10 minutes, only in this browser.</p>` : html`<p>Enter the address you asked for a code with, and the 6-digit code from the email.</p>`}
<form method="post" action="${reset ? '/reset/confirm' : '/login/code'}" class="account-form" novalidate>
${csrfField(data.csrf)}${hidden('next', data.next)}${formMessage(form)}
${askEmail ? emailField(form, 'code-page-email') : hidden('email', data.email)}
${input({ form, name: 'code', label: '6-digit code', id: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', required: true, maxlength: 12 })}
${reset ? input({ form, name: 'password', label: 'New password', id: 'new-password', type: 'password', autocomplete: 'new-password', required: true, maxlength: LIMITS.password, hint: 'At least 8 characters.' }) : ''}
<button type="submit" class="button">${reset ? 'Set new password' : 'Continue'}</button>
</form>
<p>No email after a few minutes? Check your spam folder, or <a href="${reset ? '/reset' : '/login'}">ask for a new code</a>.</p>`;
  return accountLayout(chrome, 'Check your email', main);
}

/**
 * At the device limit: the reader chooses a device to sign out, so they are never locked out. Each button
 * carries the one-time choice token (not in the URL) and the device's id.
 */
export function deviceLimitPage(
  chrome: PageChrome,
  data: {
    csrf: string;
    next: string;
    choiceToken: string;
    devices: Device[];
    limit: number;
    timeZone: string;
    message?: string | undefined;
  },
): string {
  const main = html`<h1>You are signed in on too many devices</h1>
${data.message ? html`<p class="form-error" role="alert">${data.message}</p>` : ''}
<p>Your account can be signed in on ${data.limit} device${data.limit === 1 ? '' : 's'} at a time. Choose a device to sign out, and you will be signed in here.</p>
<ul class="device-list">${data.devices.map(
    (
      d,
    ) => html`<li class="device"><p id="device-${d.id}"><strong>${d.name}</strong><br>Last active ${formatDateTime(d.lastSeenAt, data.timeZone)}</p>
<form method="post" action="/login/replace-device">${csrfField(data.csrf)}${hidden('next', data.next)}${hidden('choiceToken', data.choiceToken)}${hidden('deviceId', d.id)}
<button type="submit" class="button" aria-describedby="device-${d.id}">Sign out this device and continue</button></form></li>`,
  )}</ul>
<p>Not now? <a href="/">Go to the home page</a> without signing in.</p>`;
  return accountLayout(chrome, 'Choose a device to sign out', main);
}

/** A link that did not work (expired, used, or opened elsewhere), with a way forward. */
export function linkProblemPage(
  chrome: PageChrome,
  data: { csrf: string; next: string; title: string; message: string; advice?: string | undefined },
): string {
  const main = html`<h1>${data.title}</h1>
<p class="form-error" role="alert">${data.message}</p>
${data.advice ? html`<p>${data.advice}</p>` : ''}
<h2>Ask for a new code</h2>
${codeRequestForm(data.csrf, data.next, emptyForm(), 'link-email')}
<p><a href="/login">Sign in with your password</a> instead.</p>`;
  return accountLayout(chrome, data.title, main);
}
