import type { Invoice } from '../../domain/billing/invoices.js';
import { formatMoney } from '../../domain/billing/money.js';
import { planDisplay, type Plan } from '../../domain/billing/plans.js';
import type { Subscription } from '../../domain/billing/subscriptions.js';
import { accountNav, csrfField, hidden, notice } from '../accounts/views.js';
import { formatDate } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { billingLayout } from './page-parts.js';
import { actionsFor, statusInWords } from './subscription-status.js';

/** The reader's subscription page: plan, status, renewal, payment method, actions and invoices. */

export interface SubscriptionPageData {
  csrf: string;
  timeZone: string;
  now: Date;
  sub: Subscription | null;
  plan: Plan | null;
  /** The plan the next renewal charges: a scheduled downgrade's plan, else the current one. */
  renewalPlan: Plan | null;
  updateUrl: string | null;
  /** The gateway's page where the reader confirms a charge their bank asks them to approve (3-D Secure, e-mandate). */
  paymentActionUrl?: string | null | undefined;
  /** Renewals paused at the gateway (not the reader's own cancellation). */
  paused?: boolean | undefined;
  invoices: Invoice[];
  notice?: string | undefined;
  /** The subscription's gateway cannot take a cancellation back (Razorpay). */
  finalCancellation: boolean;
}

const DOCUMENT_NAMES: Record<Invoice['kind'], string> = {
  invoice: 'Tax invoice',
  'credit-note': 'Credit note',
  'debit-note': 'Debit note',
};

function invoiceTable(invoices: Invoice[], timeZone: string): SafeHtml {
  if (invoices.length === 0) return html`<p>No invoices yet: each payment's tax invoice appears here.</p>`;
  return html`<table class="invoice-list">
<caption class="visually-hidden">Your invoices and credit notes</caption>
<thead><tr><th scope="col">Document</th><th scope="col">Number</th><th scope="col">Date</th><th scope="col" class="num">Total</th><th scope="col">Download</th></tr></thead>
<tbody>${invoices.map(
    (
      i,
    ) => html`<tr data-invoice="${i.id}"><td>${DOCUMENT_NAMES[i.kind]}</td><th scope="row">${i.number}</th><td>${formatDate(i.issuedAt, timeZone)}</td>
<td class="num">${i.kind === 'credit-note' ? '−' : i.kind === 'debit-note' ? '+' : ''}${formatMoney({ minor: i.totalMinor, currency: i.currency })}</td>
<td><a href="/account/invoices/${i.id}">View<span class="visually-hidden"> ${i.number}</span></a> · <a href="/account/invoices/${i.id}.pdf" download>PDF<span class="visually-hidden"> of ${i.number}</span></a></td></tr>`,
  )}</tbody></table>`;
}

function details(data: SubscriptionPageData, sub: Subscription, plan: Plan): SafeHtml {
  const day = (d: Date | null) => (d ? formatDate(d, data.timeZone) : '');
  const can = actionsFor(sub, data.now);
  const renewal = data.renewalPlan ?? plan;
  return html`<dl class="account-details subscription-details">
<dt>Plan</dt><dd>${plan.name} (${planDisplay(plan).price} every ${planDisplay(plan).term})</dd>
<dt>Status</dt><dd class="subscription-status">${statusInWords(sub, data.timeZone, data.paused)}</dd>
${
  can.renews
    ? html`<dt>Next renewal</dt><dd class="next-renewal">${day(sub.currentPeriodEnd)}: ${formatMoney(renewal.price)}${
        renewal.id !== plan.id ? html` for ${renewal.name} (your plan changes then)` : ''
      }</dd>`
    : ''
}
${sub.status === 'active' && sub.cancelAtPeriodEnd ? html`<dt>Access until</dt><dd>${day(sub.currentPeriodEnd)}</dd>` : ''}
${sub.paymentMethod ? html`<dt>Payment method</dt><dd class="payment-method">${sub.paymentMethod}</dd>` : ''}
</dl>`;
}

function actions(data: SubscriptionPageData, sub: Subscription): SafeHtml {
  const can = actionsFor(sub, data.now, data.finalCancellation);
  const paused = sub.status === 'active' && sub.cancelAtPeriodEnd && !!data.paused;
  const cancelledForGood = sub.status === 'active' && sub.cancelAtPeriodEnd && data.finalCancellation && !paused;
  const pastDue = sub.status === 'past-due';
  return html`<div class="subscription-actions">
${
  pastDue
    ? html`<p class="form-error" role="alert">Your last renewal payment failed. Update your payment method to keep reading after ${
        sub.graceUntil ? formatDate(sub.graceUntil, data.timeZone) : 'the grace period'
      }.</p>`
    : ''
}
${
  data.paymentActionUrl
    ? html`<p class="form-error payment-action" role="alert">Your bank asks you to confirm this payment. <a class="button" href="${data.paymentActionUrl}">Confirm the payment</a></p>`
    : ''
}
${can.running && data.updateUrl ? html`<p><a class="button${pastDue ? '' : ' secondary'}" href="${data.updateUrl}">Update payment method</a></p>` : ''}
${can.changePlan ? html`<p><a class="button secondary" href="/account/subscription/change">Change plan</a></p>` : ''}
${
  paused
    ? html`<p class="notice paused">Renewals of this subscription are paused at the payment gateway (from your UPI app or bank, or by us). You keep access until ${
        sub.currentPeriodEnd ? formatDate(sub.currentPeriodEnd, data.timeZone) : 'the end of your term'
      }; resume the mandate there before then to keep it renewing.</p>`
    : ''
}
${
  cancelledForGood
    ? html`<p class="notice final-cancellation">Your cancellation has gone to the payment gateway, which cannot take it back. You keep access until ${
        sub.currentPeriodEnd ? formatDate(sub.currentPeriodEnd, data.timeZone) : 'the end of your term'
      }; from then you can subscribe again from <a href="/plans">the plans page</a>.</p>`
    : ''
}
${
  can.undoCancel
    ? html`<form method="post" action="/account/subscription/undo-cancel">${csrfField(data.csrf)}${hidden('subscription', sub.id)}
<button type="submit" class="button">Undo cancellation</button></form>`
    : ''
}
${can.cancel ? html`<p><a href="/account/subscription/cancel">Cancel subscription</a></p>` : ''}
${!can.running ? html`<p><a class="button" href="/plans">See the plans</a></p>` : ''}
</div>`;
}

export function subscriptionPage(chrome: PageChrome, data: SubscriptionPageData): string {
  const { sub, plan } = data;
  const main = html`<h1>Your subscription</h1>
${notice(data.notice)}
${sub && plan ? html`${details(data, sub, plan)}${actions(data, sub)}` : html`<p>You do not have a subscription.</p><p><a class="button" href="/plans">See the plans</a></p>`}
<section aria-labelledby="invoices"><h2 id="invoices">Invoices</h2>${invoiceTable(data.invoices, data.timeZone)}</section>
${accountNav(data.csrf, '/account/subscription')}`;
  return billingLayout(chrome, 'Your subscription', main);
}

export function cancelPage(
  chrome: PageChrome,
  data: { csrf: string; sub: Subscription; plan: Plan; timeZone: string; finalCancellation: boolean },
): string {
  const until = data.sub.currentPeriodEnd ? formatDate(data.sub.currentPeriodEnd, data.timeZone) : 'the end of the term you paid for';
  const undo = data.finalCancellation
    ? 'This cannot be undone: your payment gateway does not let us take a cancellation back. You can subscribe again once your term ends.'
    : 'You can undo this until then.';
  const main = html`<h1>Cancel your subscription?</h1>
<p class="notice">You keep access until ${until}. Your ${data.plan.name} subscription will not renew, and nothing more is charged. ${undo}</p>
<form method="post" action="/account/subscription/cancel">${csrfField(data.csrf)}${hidden('subscription', data.sub.id)}
<button type="submit" class="button danger">Cancel subscription</button></form>
<p><a href="/account/subscription">Keep my subscription</a></p>`;
  return billingLayout(chrome, 'Cancel your subscription', main);
}
