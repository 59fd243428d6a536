import { planDisplay, type Plan } from '../../domain/billing/plans.js';
import type { CatalogueEntry } from '../../domain/entitlements/catalogue.js';
import type { GiftSummary, GiftView } from '../../domain/gifts/model.js';
import { GIFT_LIMITS } from '../../domain/gifts/model.js';
import { csrfField, formMessage, input } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { formatDate } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import { includesList } from '../views/includes.js';
import type { PageChrome } from '../views/layout.js';
import { billingFields } from './checkout-views.js';
import { billingLayout, messagePage } from './page-parts.js';

/** Gift subscriptions: the form to buy one, the outcome, the redemption page, and the buyer's list. */

/** The plan as a gift: its price once, its term, and that nothing renews. */
function giftSummary(plan: Plan): SafeHtml {
  const shown = planDisplay(plan);
  return html`<section class="plan checkout-plan" data-plan="${plan.slug}" aria-labelledby="gift-plan">
<h2 id="gift-plan">${plan.name} as a gift</h2>
<p class="price">${shown.price} once, for ${shown.term} (GST included)</p>
</section>
<p id="no-renewal"><strong>One payment, nothing renews.</strong> The recipient gets ${shown.term} from the day they redeem the gift, and a year to redeem it. We email it on the day you choose.</p>`;
}

function textarea(form: FormState, spec: { name: string; label: string; id: string; maxlength: number; hint: string }): SafeHtml {
  const error = form.errors[spec.name];
  const errorId = `${spec.id}-error`;
  return html`<div class="field${error ? ' has-error' : ''}">
<label for="${spec.id}">${spec.label}</label>
<p class="hint" id="${spec.id}-hint">${spec.hint}</p>
${error ? html`<p class="field-error" id="${errorId}">${error}</p>` : ''}
<textarea id="${spec.id}" name="${spec.name}" rows="4" maxlength="${spec.maxlength}" aria-describedby="${spec.id}-hint${error ? ` ${errorId}` : ''}"${
    error ? html` aria-invalid="true"` : ''
  }>${form.values[spec.name] ?? ''}</textarea>
</div>`;
}

function deliveryFields(form: FormState, days: { today: string; last: string }): SafeHtml {
  const deliver = form.values.deliver === 'date' ? 'date' : 'now';
  const error = form.errors.deliver_on ?? form.errors.deliver;
  return html`<fieldset class="field${error ? ' has-error' : ''}">
<legend>When should we email it?</legend>
${error ? html`<p class="field-error" id="gift-deliver-error">${error}</p>` : ''}
<div><input type="radio" id="gift-deliver-now" name="deliver" value="now"${deliver === 'now' ? html` checked` : ''}>
<label for="gift-deliver-now" class="inline-label">Now</label></div>
<div><input type="radio" id="gift-deliver-date" name="deliver" value="date"${deliver === 'date' ? html` checked` : ''}>
<label for="gift-deliver-date" class="inline-label">On a day of my choice</label></div>
<label for="gift-deliver-on">Day (from ${days.today} to ${days.last})</label>
<input type="date" id="gift-deliver-on" name="deliver_on" min="${days.today}" max="${days.last}"${
    form.values.deliver_on ? html` value="${form.values.deliver_on}"` : ''
  }${error ? html` aria-invalid="true" aria-describedby="gift-deliver-error"` : ''}>
</fieldset>`;
}

export function giftFormPage(
  chrome: PageChrome,
  data: { plan: Plan; csrf: string; form: FormState; days: { today: string; last: string } },
): string {
  const { form } = data;
  const main = html`<h1>Give ${data.plan.name}</h1>
${giftSummary(data.plan)}
<form method="post" action="/gift/${data.plan.slug}" class="account-form" novalidate aria-describedby="no-renewal">
${csrfField(data.csrf)}
${formMessage(form)}
<h2>Who is it for?</h2>
${input({ form, name: 'recipient_email', label: 'Their email address', id: 'gift-email', type: 'email', autocomplete: 'off', required: true, maxlength: GIFT_LIMITS.email })}
${input({ form, name: 'recipient_name', label: 'Their name', id: 'gift-name', autocomplete: 'off', required: true, maxlength: GIFT_LIMITS.name })}
${textarea(form, { name: 'message', label: 'Your message (optional)', id: 'gift-message', maxlength: GIFT_LIMITS.message, hint: `Up to ${GIFT_LIMITS.message} characters, sent with the gift.` })}
${deliveryFields(form, data.days)}
${billingFields(form, false)}
<button type="submit" class="button">Continue to payment</button>
</form>
<p><a href="/plans">Back to the plans</a></p>`;
  return billingLayout(chrome, `Give ${data.plan.name}`, main);
}

/** After paying: the gift is on its way (or the payment is still being confirmed, or failed). */
export function giftOutcomePage(chrome: PageChrome, data: { gift: GiftSummary; declined: boolean; timeZone: string }): string {
  const { gift } = data;
  if (gift.status === 'paid' || gift.status === 'refunded') {
    const when =
      gift.deliverAt.getTime() <= (gift.paidAt ?? gift.deliverAt).getTime() ? 'now' : `on ${formatDate(gift.deliverAt, data.timeZone)}`;
    return messagePage(chrome, {
      title: 'Your gift is paid',
      body: html`<p class="notice" role="status">Thank you. We email ${gift.planName} to ${gift.recipientName} (${gift.recipientEmail}) ${when}. Your receipt and tax invoice are on their way by email.</p>
<p><a class="button" href="/account/gifts">See your gifts</a></p>`,
    });
  }
  if (gift.status === 'awaiting-payment' && !data.declined) {
    return messagePage(chrome, {
      title: 'Confirming your payment…',
      head: html`<meta http-equiv="refresh" content="3">`,
      body: html`<p role="status">We are waiting for the payment gateway to confirm your payment. This page refreshes by itself.</p>
<p>If nothing changes after a few minutes, see <a href="/account/gifts">your gifts</a>: you will never be charged twice.</p>`,
    });
  }
  return messagePage(chrome, {
    title: 'The payment did not go through',
    body: html`<p role="alert">Your payment was not completed, so nothing was charged and no gift was sent.</p>
<p><a class="button" href="/plans">Back to the plans</a></p>`,
  });
}

/** The redemption page: the gift, from whom, the message; a button to redeem it, or to sign in first. */
export function redeemPage(
  chrome: PageChrome,
  data: { gift: GiftView; includes: readonly CatalogueEntry[]; token: string; csrf: string | null; timeZone: string },
): string {
  const { gift } = data;
  const action = data.csrf
    ? html`<form method="post" action="/gift/redeem/${data.token}">${csrfField(data.csrf)}<button type="submit" class="button">Redeem into my account</button></form>`
    : html`<p><a class="button" href="/login?next=${encodeURIComponent(`/gift/redeem/${data.token}`)}">Sign in or create an account to redeem</a></p>`;
  const main = html`<h1>A gift for ${gift.recipientName}</h1>
<p class="notice">${gift.from} has given you <strong>${gift.planName}</strong>: ${gift.term} of ${chrome.site.publicationName}. Nothing renews and nothing is charged to you.</p>
${gift.message ? html`<blockquote class="gift-message">${gift.message}</blockquote>` : ''}
${data.includes.length ? html`<h2>What's included</h2>${includesList(data.includes)}` : ''}
<p>Redeem it by ${formatDate(gift.redeemableUntil, data.timeZone)}, with any email address: the ${gift.term} start when you redeem.</p>
${action}`;
  return billingLayout(chrome, `A gift: ${gift.planName}`, main);
}

export function redeemedPage(
  chrome: PageChrome,
  data: { planName: string; endsAt: Date; includes: readonly CatalogueEntry[]; timeZone: string },
): string {
  return messagePage(chrome, {
    title: 'Your gift is redeemed',
    body: html`<p class="notice" role="status">Enjoy: ${data.planName} is yours until ${formatDate(new Date(data.endsAt.getTime() - 1), data.timeZone)}. Nothing renews and nothing will be charged.</p>
${data.includes.length ? html`<h2>What's included</h2>${includesList(data.includes)}` : ''}
<p><a class="button" href="/">Start reading</a> <a href="/account">Your account</a></p>`,
  });
}

export function alreadyRedeemedPage(chrome: PageChrome): string {
  return messagePage(chrome, {
    title: 'This gift has already been redeemed',
    body: html`<p role="alert">Someone has already redeemed this gift, so it cannot be redeemed again. If it was meant for you, ask the person who gave it.</p>
<p><a href="/plans">See the plans</a></p>`,
  });
}

/** Where a gift stands, as the buyer reads it. */
function giftStatus(gift: GiftSummary, timeZone: string, now: Date): string {
  const day = (d: Date) => formatDate(d, timeZone);
  if (gift.status === 'awaiting-payment') return 'Awaiting payment';
  if (gift.status === 'refunded') return 'Refunded';
  if (gift.redeemedAt) return `Redeemed on ${day(gift.redeemedAt)}`;
  if (gift.redeemableUntil && gift.redeemableUntil <= now) return `Not redeemed; expired on ${day(gift.redeemableUntil)}`;
  if (gift.emailedAt) return `Paid, emailed on ${day(gift.emailedAt)}`;
  return `Paid, to be emailed on ${day(gift.deliverAt)}`;
}

const NOTICES = { resent: 'The gift email is on its way again, with a new link.', changed: 'The address is changed.' } as const;

export function accountGiftsPage(
  chrome: PageChrome,
  data: {
    gifts: GiftSummary[];
    next: number | null;
    csrf: string;
    timeZone: string;
    now: Date;
    notice: keyof typeof NOTICES | null;
    form?: { giftId: number; state: FormState };
  },
): string {
  const row = (gift: GiftSummary) => {
    const open = gift.status === 'paid' && !gift.redeemedAt && !!gift.redeemableUntil && gift.redeemableUntil > data.now;
    const form = data.form?.giftId === gift.id ? data.form.state : { values: { email: gift.recipientEmail }, errors: {} };
    return html`<tr data-gift="${gift.id}"><td>${gift.planName}</td><td>${gift.recipientName}<br>${gift.recipientEmail}</td><td class="gift-status">${giftStatus(gift, data.timeZone, data.now)}</td><td>${
      open
        ? html`${gift.emailedAt ? html`<form method="post" action="/account/gifts/${gift.id}/resend">${csrfField(data.csrf)}<button type="submit" class="button secondary">Send again</button></form>` : ''}
<form method="post" action="/account/gifts/${gift.id}/recipient" class="account-form">${csrfField(data.csrf)}${formMessage(form)}${input({ form, name: 'email', label: 'Change their address', id: `gift-${gift.id}-email`, type: 'email', maxlength: GIFT_LIMITS.email, required: true })}<button type="submit" class="button secondary">Change</button></form>`
        : ''
    }</td></tr>`;
  };
  const main = html`<h1>Your gifts</h1>
${data.notice ? html`<p class="notice" role="status">${NOTICES[data.notice]}</p>` : ''}
${
  data.gifts.length
    ? html`<table class="gifts"><thead><tr><th scope="col">Gift</th><th scope="col">For</th><th scope="col">Status</th><th scope="col"></th></tr></thead><tbody>${data.gifts.map(row)}</tbody></table>`
    : html`<p>You have not given a subscription yet.</p>`
}
${data.next ? html`<p><a href="/account/gifts?before=${data.next}">Older gifts</a></p>` : ''}
<p><a href="/plans">Give a subscription</a> · <a href="/account/subscription">Your invoices</a></p>`;
  return billingLayout(chrome, 'Your gifts', main);
}
