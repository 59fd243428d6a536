import type { PlanChangeQuote } from '../../domain/billing/subscription-changes.js';
import { formatMoney } from '../../domain/billing/money.js';
import { planDisplay, type Plan } from '../../domain/billing/plans.js';
import type { Subscription } from '../../domain/billing/subscriptions.js';
import { csrfField, hidden } from '../accounts/views.js';
import { formatDate } from '../views/format.js';
import { html } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { billingLayout, messagePage } from './page-parts.js';
import { mandateNote } from './checkout-views.js';

/** Changing plan: what each other plan would cost and when it takes over; then what happened. */

/** Dearer plans start now with a credit; others take over at the end of the term. */
export type PlanOption = PlanChangeQuote;

export function changePlanPage(
  chrome: PageChrome,
  data: { csrf: string; sub: Subscription; current: Plan; next: Plan | null; options: PlanOption[]; timeZone: string },
): string {
  const end = data.sub.currentPeriodEnd ? formatDate(data.sub.currentPeriodEnd, data.timeZone) : 'the end of your term';
  const form = (
    plan: Plan,
    label: string,
  ) => html`<form method="post" action="/account/subscription/change">${csrfField(data.csrf)}${hidden('subscription', data.sub.id)}${hidden('plan', plan.slug)}
<button type="submit" class="button" aria-describedby="change-${plan.slug}">${label}</button></form>`;
  const main = html`<h1>Change plan</h1>
<p>You are on <strong>${data.current.name}</strong> (${planDisplay(data.current).price} every ${planDisplay(data.current).term})${
    data.next ? html`, switching to <strong>${data.next.name}</strong> on ${end}` : ''
  }.</p>
<ul class="plan-options">
<li><strong>A dearer plan starts today.</strong> The unused part of what you paid for this term is credited against its price, so you pay the difference now and the new term starts today.</li>
<li><strong>A cheaper plan starts when this term ends</strong> (${end}). Nothing is charged today; the next renewal is at the new price.</li>
</ul>
${data.options.map((o) => {
  const shown = planDisplay(o.plan);
  const explain =
    o.when === 'now'
      ? html`Starts today. ${shown.price} less ${formatMoney({ minor: o.credit, currency: o.plan.price.currency })} credit: you pay <strong>${formatMoney({ minor: o.charge, currency: o.plan.price.currency })}</strong> now, then ${shown.price} every ${shown.term}.`
      : html`Switches on ${end}, then ${shown.price} every ${shown.term}. Nothing is charged today.`;
  return html`<section class="plan-option" data-plan="${o.plan.slug}" aria-labelledby="option-${o.plan.slug}">
<h2 id="option-${o.plan.slug}">${o.plan.name} <span class="per-month">${chrome.copy.render('plans.per_month', { amount: shown.perMonth })}</span></h2>
<p id="change-${o.plan.slug}">${explain}</p>
${mandateNote(o.plan.price, o.when === 'now' ? { minor: o.charge, currency: o.plan.price.currency } : null)}
${form(o.plan, `Switch to ${o.plan.name}`)}
</section>`;
})}
${
  data.next
    ? html`<section class="plan-option" aria-labelledby="option-keep"><h2 id="option-keep">Keep ${data.current.name}</h2>
<p id="change-${data.current.slug}">Cancel the switch to ${data.next.name}: you stay on ${data.current.name} and renew at ${planDisplay(data.current).price}.</p>
${form(data.current, `Keep ${data.current.name}`)}</section>`
    : ''
}
<p><a href="/account/subscription">Back to your subscription</a></p>`;
  return billingLayout(chrome, 'Change plan', main);
}

export function changedPage(
  chrome: PageChrome,
  data: {
    outcome: PlanChangeQuote;
    previous: Plan;
    sub: Subscription;
    timeZone: string;
    csrf: string;
  },
): string {
  const { outcome } = data;
  const money = (minor: number) => formatMoney({ minor, currency: outcome.plan.price.currency });
  const end = data.sub.currentPeriodEnd ? formatDate(data.sub.currentPeriodEnd, data.timeZone) : 'the end of your term';
  const back = html`<p><a class="button" href="/account/subscription">Back to your subscription</a></p>`;
  if (outcome.when === 'new-subscription') return replacementOfferPage(chrome, { ...data, money, end });
  if (outcome.when === 'now') {
    return messagePage(chrome, {
      title: `You're on ${outcome.plan.name} now`,
      body: html`<p class="notice change-outcome" role="status">We charged <strong class="charged">${money(outcome.charge)}</strong> after <strong class="credit">${money(outcome.credit)}</strong> credit for the unused part of your ${data.previous.name} term (${planDisplay(outcome.plan).price} − ${money(outcome.credit)}).</p>
<p>Your new ${planDisplay(outcome.plan).term} term starts today. The tax invoice is in your account and on its way by email.</p>${back}`,
    });
  }
  if (outcome.plan.id === data.previous.id) {
    return messagePage(chrome, {
      title: `You're staying on ${outcome.plan.name}`,
      body: html`<p class="notice change-outcome" role="status">The scheduled plan change is cancelled. You renew on ${end} at ${planDisplay(outcome.plan).price}.</p>${back}`,
    });
  }
  return messagePage(chrome, {
    title: `Your plan switches on ${end}`,
    body: html`<p class="notice change-outcome" role="status">Your plan switches to ${outcome.plan.name} on ${end}, when your ${data.previous.name} term ends. Nothing is charged today; the renewal then is ${planDisplay(outcome.plan).price}.</p>${back}`,
  });
}

/**
 * The gateway cannot move this subscription to another plan (Razorpay: UPI AutoPay, e-mandate and most domestic
 * cards): nothing changed, and the reader may switch by a new subscription they authorise.
 */
function replacementOfferPage(
  chrome: PageChrome,
  data: { outcome: PlanChangeQuote; previous: Plan; sub: Subscription; csrf: string; money: (minor: number) => string; end: string },
): string {
  const { outcome, previous } = data;
  const shown = planDisplay(outcome.plan);
  return messagePage(chrome, {
    title: `Your payment method cannot switch plans`,
    body: html`<p class="notice change-outcome" role="status">Your payment method does not let us change the plan of a running subscription, so nothing has changed: you stay on ${previous.name} and renew on ${data.end}.</p>
<p>You can switch to ${outcome.plan.name} with a new subscription instead. You authorise a new payment mandate and pay <strong class="charged">${shown.price}</strong> for a new ${shown.term} term starting today. As soon as that payment goes through, your ${previous.name} subscription is cancelled and the unused part of it is refunded to you: <strong class="credit">${data.money(outcome.credit)}</strong> if you switch now.</p>
<form method="post" action="/account/subscription/replace">${csrfField(data.csrf)}${hidden('subscription', data.sub.id)}${hidden('plan', outcome.plan.slug)}
<button type="submit" class="button">Start a new ${outcome.plan.name} subscription</button></form>
<p><a href="/account/subscription">Keep ${previous.name}</a></p>`,
  });
}
