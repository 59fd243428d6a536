import { adminLayout } from './admin-layout.js';
import { mandateWarning } from '../../domain/billing/mandate-limits.js';
import { formatMoney } from '../../domain/billing/money.js';
import { planDisplay, type Plan } from '../../domain/billing/plans.js';
import { emptyForm, type FormState } from '../http/forms.js';
import { csrfField, formMessage, input, notice } from '../accounts/views.js';
import { formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import type { PaymentSummary } from '../../domain/billing/payments.js';
import { REASON_MAX, rupeesInput } from './refund-form.js';

/** The admin's payments list with a refund form per refundable payment. */

const KIND: Record<PaymentSummary['kind'], string> = { initial: 'First payment', renewal: 'Renewal', upgrade: 'Upgrade', gift: 'Gift' };
const DISPUTE = { open: 'Disputed by the bank', won: 'Dispute won', lost: 'Dispute lost (charged back)' } as const;

function refundForm(p: PaymentSummary, csrf: string, form: FormState): SafeHtml {
  const refundable = p.amountMinor - p.refundedMinor;
  const values = Object.keys(form.values).length ? form : { ...form, values: { amount: rupeesInput(refundable), reason: '' } };
  return html`<form method="post" action="/admin/payments/${p.id}/refund" class="refund-form" novalidate>
${csrfField(csrf)}${formMessage(form)}
${input({ form: values, name: 'amount', label: `Refund amount in rupees (up to ${formatMoney({ minor: refundable, currency: p.currency })})`, id: `refund-amount-${p.id}`, inputmode: 'numeric', required: true, maxlength: 13 })}
${input({ form: values, name: 'reason', label: 'Reason', id: `refund-reason-${p.id}`, required: true, maxlength: REASON_MAX })}
<button type="submit" class="button danger">Refund payment ${p.id}</button>
</form>`;
}

/** The plans on sale as readers see their prices, warning about any priced above the e-mandate limit. */
function plansOnSale(plans: readonly Plan[]): SafeHtml {
  return html`<h2 id="plans">Plans on sale</h2>
<ul class="admin-plans">${plans.map((plan) => {
    const shown = planDisplay(plan);
    const warning = mandateWarning(plan);
    return html`<li data-plan="${plan.slug}">${plan.name}: ${shown.price} every ${shown.term}${warning ? html`<p class="warning mandate-warning" role="note">${warning}</p>` : ''}</li>`;
  })}</ul>`;
}

export function paymentsPage(
  chrome: PageChrome,
  data: {
    payments: PaymentSummary[];
    /** The plans on sale, each with the e-mandate warning when its price is above the limit. */
    plans: readonly Plan[];
    csrf: string;
    timeZone: string;
    notice?: string | undefined;
    failed?: { paymentId: number; form: FormState };
  },
): string {
  const money = (minor: number, currency: string) => formatMoney({ minor, currency });
  const main = html`<h1>Payments</h1>
${notice(data.notice)}
${data.payments.length === 0 ? html`<p>No payments yet.</p>` : ''}
<table class="admin-payments">
<caption class="visually-hidden">Recent payments, newest first</caption>
<thead><tr><th scope="col">Payment</th><th scope="col">Reader</th><th scope="col">Plan</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Refunded</th><th scope="col">Date</th><th scope="col">Invoice</th><th scope="col">Refund</th></tr></thead>
<tbody>${data.payments.map((p) => {
    const form = data.failed?.paymentId === p.id ? data.failed.form : emptyForm();
    return html`<tr data-payment="${p.id}" id="payment-${p.id}">
<th scope="row">${p.id}<br><span class="hint">${KIND[p.kind]}</span></th>
<td>${p.email ?? 'Deleted account'}</td><td>${p.planName}</td>
<td class="num amount">${money(p.amountMinor, p.currency)}</td>
<td class="num refunded">${p.refundedMinor ? money(p.refundedMinor, p.currency) : '—'}</td>
<td>${formatDateTime(p.capturedAt, data.timeZone)}</td>
<td>${p.invoiceNumber ?? '—'}${p.creditNotes.map((n) => html`<br><span class="credit-note">Credit note ${n}</span>`)}${p.debitNotes.map(
      (n) => html`<br><span class="debit-note">Debit note ${n}</span>`,
    )}${p.dispute ? html`<br><span class="dispute">${DISPUTE[p.dispute.status]} (${p.dispute.reason})</span>` : ''}</td>
<td>${p.refundedMinor < p.amountMinor ? refundForm(p, data.csrf, form) : 'Refunded in full'}</td>
</tr>`;
  })}</tbody></table>
${plansOnSale(data.plans)}`;
  return adminLayout(chrome, 'Payments', main);
}
