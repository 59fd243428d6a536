import type { Device, User } from '../../domain/accounts/model.js';
import type { Holding } from '../../domain/entitlements/holdings.js';
import type { PartnerAccess } from '../../domain/partners/claims.js';
import { partnerAccessSection } from './partner-views.js';
import { html, type SafeHtml } from '../views/html.js';
import { formatDate, formatDateTime } from '../views/format.js';
import type { PageChrome } from '../views/layout.js';
import { LIMITS, emptyForm, type FormState } from './forms.js';
import { allowanceLine } from './gift-views.js';
import { accountLayout, accountNav, csrfField, formMessage, input, notice } from './views.js';

/** The signed-in reader's pages: overview, devices, password, data download and deletion. */

export function accountHomePage(
  chrome: PageChrome,
  data: {
    csrf: string;
    user: User;
    deviceCount: number;
    holdings: readonly Holding[];
    /** Gift links this month: the line shows to readers with something to gift (or links made), while gifting is on. */
    gifts?: { cap: number; made: number; remaining: number } | undefined;
    partners: readonly PartnerAccess[];
    /** Whether plans may be bought as gifts here (a gateway takes one-time payments): then the buyer's list is linked. */
    giftSubscriptions?: boolean | undefined;
    timeZone: string;
    notice?: string | undefined;
    /** Group access: the network's groups, the groups the reader's address may join. */
    groups?: SafeHtml | undefined;
    /** The newsletters this reader may sign up to. */
    newsletters?: SafeHtml | undefined;
  },
): string {
  const gifts = data.gifts;
  const { user } = data;
  const until = (date: Date | null) =>
    date ? html`<time datetime="${date.toISOString()}">${formatDate(date, data.timeZone)}</time>` : 'no end date';
  const main = html`<h1>Your account</h1>
${notice(data.notice)}
<dl class="account-details">
<dt>Name</dt><dd>${user.name || '(not given)'}</dd>
<dt>Email</dt><dd>${user.email}</dd>
<dt>Member since</dt><dd>${formatDate(user.createdAt, data.timeZone)}</dd>
</dl>
<section class="block" aria-labelledby="holdings"><h2 id="holdings">What you have</h2>${
    data.holdings.length
      ? html`<table class="holdings"><thead><tr><th scope="col">What</th><th scope="col">From</th><th scope="col">Until</th></tr></thead><tbody>${data.holdings.map(
          (h) => html`<tr data-entitlement="${h.key}"><td>${h.name}</td><td>${h.from}</td><td>${until(h.until)}</td></tr>`,
        )}</tbody></table>`
      : html`<p>Nothing beyond the free articles yet. <a href="/plans">See the plans</a>.</p>`
  }</section>
${data.groups ?? ''}
${data.newsletters ?? ''}
${partnerAccessSection(data.partners, data.csrf)}
<ul class="account-links">
<li><a href="/account/subscription">Subscription and invoices</a></li>
${
  gifts && gifts.cap > 0 && (gifts.made > 0 || data.holdings.length > 0)
    ? html`<li><a href="/account/gifted-articles">Gifted articles</a>: ${allowanceLine(gifts)}</li>`
    : ''
}
${data.giftSubscriptions ? html`<li><a href="/account/gifts">Gifts you have given</a></li>` : ''}
<li><a href="/account/devices">Devices</a>: signed in on ${data.deviceCount} device${data.deviceCount === 1 ? '' : 's'}</li>
<li><a href="/account/password">${user.hasPassword ? 'Change your password' : 'Set a password'}</a></li>
<li><a href="/account/export">Download your data</a> (JSON)</li>
<li><a href="/account/delete">Delete your account</a></li>
</ul>
${accountNav(data.csrf, '/account')}`;
  return accountLayout(chrome, 'Your account', main);
}

/** The reader's devices; a device shows its sign-out button when the reader may sign it out. */
export function devicesPage(
  chrome: PageChrome,
  data: {
    csrf: string;
    devices: (Device & { canSignOut: boolean })[];
    timeZone: string;
    notice?: string | undefined;
    error?: string | undefined;
  },
): string {
  const others = data.devices.filter((d) => !d.current).length;
  const main = html`<h1>Devices</h1>
${notice(data.notice)}
${data.error ? html`<p class="form-error" role="alert">${data.error}</p>` : ''}
<p>Your account is signed in on these devices. Sign out any you do not recognise, then change your password.</p>
<ul class="device-list">${data.devices.map(
    (
      d,
    ) => html`<li class="device${d.current ? ' current' : ''}"><p id="device-${d.id}"><strong>${d.name}</strong>${d.current ? html` <span class="this-device">(this device)</span>` : ''}<br>
Signed in ${formatDate(d.createdAt, data.timeZone)} · last active ${formatDateTime(d.lastSeenAt, data.timeZone)}</p>
${d.canSignOut ? html`<form method="post" action="/account/devices/${d.id}/sign-out">${csrfField(data.csrf)}<button type="submit" class="button secondary" aria-describedby="device-${d.id}">Sign out</button></form>` : ''}</li>`,
  )}</ul>
${others > 0 ? html`<form method="post" action="/account/devices/sign-out-others">${csrfField(data.csrf)}<button type="submit" class="button">Sign out all other devices</button></form>` : ''}
${accountNav(data.csrf, '/account/devices')}`;
  return accountLayout(chrome, 'Devices', main);
}

export function passwordPage(chrome: PageChrome, data: { csrf: string; hasPassword: boolean; form?: FormState | undefined }): string {
  const form = data.form ?? emptyForm();
  const title = data.hasPassword ? 'Change your password' : 'Set a password';
  const main = html`<h1>${title}</h1>
<form method="post" action="/account/password" class="account-form" novalidate>
${csrfField(data.csrf)}${formMessage(form)}
${data.hasPassword ? input({ form, name: 'current', label: 'Current password', id: 'current-password', type: 'password', autocomplete: 'current-password', required: true, maxlength: LIMITS.password }) : ''}
${input({ form, name: 'password', label: 'New password', id: 'new-password', type: 'password', autocomplete: 'new-password', required: true, maxlength: LIMITS.password, hint: 'At least 8 characters. Every other device will be signed out.' })}
<button type="submit" class="button">${title}</button>
</form>
${accountNav(data.csrf, '/account/password')}`;
  return accountLayout(chrome, title, main);
}

export function deletePage(chrome: PageChrome, data: { csrf: string; email: string; form?: FormState | undefined }): string {
  const form = data.form ?? emptyForm();
  const main = html`<h1>Delete your account</h1>
<p>This deletes the account for <strong>${data.email}</strong>: every device is signed out, your reading history is erased and any subscription access ends. It cannot be undone.</p>
<p>You may want to <a href="/account/export">download your data</a> first.</p>
<form method="post" action="/account/delete" class="account-form" novalidate>
${csrfField(data.csrf)}${formMessage(form)}
${input({ form, name: 'confirm', label: 'Type DELETE to confirm', id: 'confirm-delete', autocomplete: 'off', required: true, maxlength: 20 })}
<button type="submit" class="button danger">Delete my account</button>
</form>
${accountNav(data.csrf, '/account/delete')}`;
  return accountLayout(chrome, 'Delete your account', main);
}

export function goodbyePage(chrome: PageChrome): string {
  const main = html`<h1>Your account has been deleted</h1>
<p>Every device has been signed out and your personal data erased. Thank you for reading.</p>
<p><a href="/">Go to the home page</a> · <a href="/register">Create a new account</a></p>`;
  return accountLayout(chrome, 'Account deleted', main);
}

export function resetRequestPage(chrome: PageChrome, data: { csrf: string; form?: FormState | undefined }): string {
  const form = data.form ?? emptyForm();
  const main = html`<h1>Reset your password</h1>
<p>We will email you a 6-digit code and a link to choose a new password.</p>
<form method="post" action="/reset" class="account-form" novalidate>
${csrfField(data.csrf)}${formMessage(form)}
${input({ form, name: 'email', label: 'Email address', id: 'reset-email', type: 'email', autocomplete: 'email', required: true, maxlength: LIMITS.email })}
<button type="submit" class="button">Email me a code</button>
</form>
<p><a href="/login">Back to sign in</a></p>`;
  return accountLayout(chrome, 'Reset your password', main);
}

/** The page the emailed reset link opens: the token travels on in a hidden field, not a URL. */
export function resetConfirmPage(chrome: PageChrome, data: { csrf: string; token: string; form?: FormState | undefined }): string {
  const form = data.form ?? emptyForm();
  const main = html`<h1>Choose a new password</h1>
<form method="post" action="/reset/confirm" class="account-form" novalidate>
${csrfField(data.csrf)}<input type="hidden" name="token" value="${data.token}">${formMessage(form)}
${input({ form, name: 'password', label: 'New password', id: 'new-password', type: 'password', autocomplete: 'new-password', required: true, maxlength: LIMITS.password, hint: 'At least 8 characters. Every device will be signed out.' })}
<button type="submit" class="button">Set new password</button>
</form>
<p>Link not working? <a href="/reset">Ask for a new one</a>.</p>`;
  return accountLayout(chrome, 'Choose a new password', main);
}
