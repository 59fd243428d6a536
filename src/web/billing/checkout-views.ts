import { contentSecurityPolicy } from '../http/security-headers.js';
import { selectableStates } from '../../domain/billing/gst.js';
import { E_MANDATE_LIMIT, needsExtraAuthentication } from '../../domain/billing/mandate-limits.js';
import { formatMoney, type Money } from '../../domain/billing/money.js';
import { planDisplay, type Plan } from '../../domain/billing/plans.js';
import type { CatalogueEntry } from '../../domain/entitlements/catalogue.js';
import { emptyForm, type FormState } from '../http/forms.js';
import { csrfField, formMessage, input } from '../accounts/views.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { includesList } from '../views/includes.js';
import { billingLayout, messagePage, selectField } from './page-parts.js';
import { PROFILE_LIMITS } from './profile-form.js';

/** Checkout: the plan with its auto-renew terms, the billing details form, Razorpay's checkout, the outcome. */

/**
 * Said before the reader pays when a debit on their mandate is above the RBI e-mandate limit: their bank
 * will ask them to approve it (each renewal; an upgrade charge taken today), or it fails. Empty otherwise.
 */
export function mandateNote(renewal: Money, chargeToday: Money | null = null): SafeHtml | '' {
  const debits = [
    chargeToday && needsExtraAuthentication(chargeToday) ? `the payment of ${formatMoney(chargeToday)} today` : null,
    needsExtraAuthentication(renewal) ? `each renewal of ${formatMoney(renewal)}` : null,
  ].filter((d): d is string => d !== null);
  if (debits.length === 0) return '';
  return html`<p class="mandate-note">Your bank may ask you to approve ${debits.join(' and ')} with an OTP or PIN: RBI rules require that for automatic payments above ${formatMoney(E_MANDATE_LIMIT)}.</p>`;
}

/** The plan as /plans shows it, and the renewal terms said plainly before any payment. */
export function planSummary(chrome: PageChrome, plan: Plan): SafeHtml {
  const shown = planDisplay(plan);
  return html`<section class="plan checkout-plan" data-plan="${plan.slug}" aria-labelledby="checkout-plan">
<h2 id="checkout-plan">${plan.name}</h2>
<div class="per-month">${chrome.copy.render('plans.per_month', { amount: shown.perMonth })}</div>
<p class="price">${chrome.copy.render('plans.renewal', { price: shown.price, term: shown.term })}</p>
</section>
<p class="auto-renew" id="auto-renew"><strong>Renews automatically every ${shown.term} at ${shown.price}</strong> (GST included) until you cancel. Cancel anytime from your account: you keep access until the end of the term you paid for. We email you before each renewal.</p>
${mandateNote(plan.price)}`;
}

/** The buyer's billing details for the GST invoice (checkout and gifts ask the same); `message`: the form's message here. */
export function billingFields(form: FormState, message = true): SafeHtml {
  const states = selectableStates().map((s) => ({ value: s.code, label: s.name }));
  return html`<h2>Billing details</h2>
<p class="hint">For your GST invoice. Prices include GST; your State decides whether it is CGST and SGST or IGST.</p>
${message ? formMessage(form) : ''}
${input({ form, name: 'name', label: 'Name on the invoice', id: 'billing-name', autocomplete: 'name', required: true, maxlength: PROFILE_LIMITS.name })}
${input({ form, name: 'address_line1', label: 'Address line 1', id: 'billing-line1', autocomplete: 'address-line1', required: true, maxlength: PROFILE_LIMITS.line })}
${input({ form, name: 'address_line2', label: 'Address line 2 (optional)', id: 'billing-line2', autocomplete: 'address-line2', maxlength: PROFILE_LIMITS.line })}
${input({ form, name: 'city', label: 'Town or city', id: 'billing-city', autocomplete: 'address-level2', required: true, maxlength: PROFILE_LIMITS.city })}
${selectField({ form, name: 'state', label: 'State or Union Territory', id: 'billing-state', options: states, placeholder: 'Choose…', autocomplete: 'address-level1' })}
${input({ form, name: 'pin', label: 'PIN code', id: 'billing-pin', autocomplete: 'postal-code', inputmode: 'numeric', required: true, maxlength: 7, hint: '6 digits, like 400013.' })}
${input({ form, name: 'gstin', label: 'GSTIN (optional)', id: 'billing-gstin', autocomplete: 'off', maxlength: 15, hint: 'Only if you buy for a GST-registered business: the invoice then carries your GSTIN.' })}`;
}

export function checkoutPage(chrome: PageChrome, data: { plan: Plan; csrf: string; form?: FormState }): string {
  const form = data.form ?? emptyForm();
  const main = html`<h1>Subscribe: ${data.plan.name}</h1>
${planSummary(chrome, data.plan)}
<form method="post" action="/subscribe/${data.plan.slug}" class="account-form" novalidate aria-describedby="auto-renew">
${csrfField(data.csrf)}
${billingFields(form)}
<button type="submit" class="button">Continue to payment</button>
</form>
<p><a href="/plans">Back to the plans</a></p>`;
  return billingLayout(chrome, `Subscribe: ${data.plan.name}`, main);
}

const RAZORPAY_SCRIPT = 'https://checkout.razorpay.com/v1/checkout.js';

/**
 * Razorpay's form-based checkout: the script draws its Pay button inside our form and, once the buyer has
 * paid, submits the form with the payment's signed ids. The form also carries our CSRF token.
 */
export function razorpayCheckoutPage(chrome: PageChrome, data: { plan: Plan; csrf: string; checkoutForm: Record<string, string> }): string {
  const options = Object.entries(data.checkoutForm).filter(([key]) => key !== 'callback_url' && /^[a-z0-9_.]+$/i.test(key));
  const attributes = options.map(([key, value]) => html` data-${key}="${value}"`);
  const main = html`<h1>Pay for ${data.plan.name}</h1>
${planSummary(chrome, data.plan)}
<p>Press the button below to pay securely with Razorpay by card, UPI AutoPay or netbanking. You authorise the renewals once; each renewal is announced by email before it is charged.</p>
<form action="/checkout/razorpay/callback" method="POST" class="razorpay-checkout">
<script src="${RAZORPAY_SCRIPT}"${attributes}></script>
${csrfField(data.csrf)}
</form>
<noscript><p class="form-error">Razorpay's payment window needs JavaScript. Turn it on for this page, or come back from another browser.</p></noscript>
<p><a href="/plans">Cancel and go back to the plans</a></p>`;
  return billingLayout(chrome, `Pay for ${data.plan.name}`, main);
}

/**
 * The policy of the Razorpay page only: Razorpay's script, its frames and API calls, and the inline styles
 * its payment window sets (no other page allows these); forms still post only here.
 */
export const RAZORPAY_CSP = contentSecurityPolicy({
  'script-src': 'https://checkout.razorpay.com https://*.razorpay.com',
  'frame-src': 'https://api.razorpay.com https://checkout.razorpay.com https://*.razorpay.com',
  'connect-src': "'self' https://*.razorpay.com",
  'style-src': "'self' 'unsafe-inline'",
});

/** The outcome of a paid checkout; `story` is the story that sent the reader to the plans, to go back to. */
export function subscribedPage(
  chrome: PageChrome,
  data: { plan: Plan; includes: readonly CatalogueEntry[]; story: string | null },
): string {
  return messagePage(chrome, {
    title: "You're subscribed",
    body: html`<p class="notice" role="status">Thank you. Your ${data.plan.name} subscription is active and your receipt and tax invoice are on their way by email.</p>
${data.includes.length ? html`<h2>What's included</h2>${includesList(data.includes)}` : ''}
<p>${data.story ? html`<a class="button" href="${data.story}">Continue reading your story</a> <a href="/">Front page</a>` : html`<a class="button" href="/">Start reading premium stories</a>`}</p>
<p><a href="/account/subscription">Manage your subscription and invoices</a></p>`,
  });
}

export function confirmingPage(chrome: PageChrome): string {
  return messagePage(chrome, {
    title: 'Confirming your payment…',
    head: html`<meta http-equiv="refresh" content="3">`,
    body: html`<p role="status">We are waiting for the payment gateway to confirm your payment. This page refreshes by itself every few seconds.</p>
<p>It usually takes a moment. If nothing changes after a few minutes, check <a href="/account/subscription">your subscription</a>: you will never be charged twice.</p>`,
  });
}

export function paymentFailedPage(chrome: PageChrome, data: { plan: Plan | null }): string {
  const retry = data.plan ? `/subscribe/${data.plan.slug}` : '/plans';
  return messagePage(chrome, {
    title: 'The payment did not go through',
    body: html`<p role="alert">Your payment was not completed, so nothing was charged and no subscription started.</p>
<p><a class="button" href="${retry}">Try again</a> <a href="/plans">Choose another plan</a></p>`,
  });
}

export function endedPage(chrome: PageChrome): string {
  return messagePage(chrome, {
    title: 'This subscription has ended',
    body: html`<p>See <a href="/account/subscription">your subscription</a> for its history and invoices, or <a href="/plans">subscribe again</a>.</p>`,
  });
}

export function callbackFailedPage(chrome: PageChrome): string {
  return messagePage(chrome, {
    title: 'We could not confirm this payment',
    body: html`<p role="alert">The payment confirmation we received did not check out, so we cannot treat it as paid. If money left your account, it will be confirmed to us directly by Razorpay within minutes, or refunded.</p>
<p><a href="/account/subscription">Your subscription</a> · <a href="/plans">Plans</a></p>`,
  });
}
