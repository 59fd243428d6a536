import type { TestCheckout, TestSubscription } from '../../domain/billing/test-gateway-pages.js';
import { formatMoney } from '../../domain/billing/money.js';
import { describeTerm } from '../../domain/billing/plans.js';
import { csrfField } from '../accounts/views.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { billingLayout } from './page-parts.js';

/**
 * The built-in test gateway's "hosted" pages. They stand in for a real gateway's pages and must never
 * be mistaken for one: a loud banner in its own colours says no real money moves.
 */

const banner = html`<p class="test-gateway-banner" role="note"><strong>TEST GATEWAY — no real money moves.</strong> This page stands in for a payment gateway so the whole subscription flow can be tried.</p>`;

function testLayout(chrome: PageChrome, title: string, main: SafeHtml): string {
  return billingLayout(chrome, `${title} (TEST GATEWAY)`, html`<div class="test-gateway">${banner}${main}</div>`);
}

export function testCheckoutPage(chrome: PageChrome, data: { checkout: TestCheckout; csrf: string }): string {
  const c = data.checkout;
  if (c.status !== 'open') {
    return testLayout(
      chrome,
      'Checkout closed',
      html`<h1>This checkout is closed</h1>
<p>It was ${c.status} already.</p><p><a href="${c.returnUrl}">Return to the shop</a></p>`,
    );
  }
  const main = html`<h1>Pay ${formatMoney(c.amount)}</h1>
<dl class="account-details">
<dt>${c.oneTime ? 'For' : 'Plan'}</dt><dd>${c.oneTime ? c.oneTime.description : c.planName}</dd>
<dt>Amount</dt><dd>${formatMoney(c.amount)}${c.oneTime ? ', once (nothing renews)' : html` every ${describeTerm(c.term)}, renewing automatically`}</dd>
<dt>Email</dt><dd>${c.email}</dd>
</dl>
<form method="post" action="/test-gateway/checkout/${c.id}" class="account-form">
${csrfField(data.csrf)}
${
  c.oneTime
    ? ''
    : html`<div class="field"><input type="checkbox" id="decline-renewals" name="decline_renewals" value="1">
<label for="decline-renewals" class="inline-label">Make future renewals fail (to try dunning)</label></div>`
}
<p class="test-gateway-actions">
<button type="submit" class="button" name="choice" value="card">Pay with test card •••• 4242</button>
<button type="submit" class="button" name="choice" value="upi">Pay with test UPI${c.oneTime ? '' : ' AutoPay'}</button>
<button type="submit" class="button danger" name="choice" value="decline">Decline payment</button>
<button type="submit" class="button secondary" name="choice" value="abandon">Abandon and go back</button>
</p>
</form>`;
  return testLayout(chrome, 'Checkout', main);
}

export function testMandatePage(chrome: PageChrome, data: { mandate: TestSubscription; overdue: boolean; csrf: string }): string {
  const m = data.mandate;
  const main = html`<h1>Your payment mandate</h1>
<dl class="account-details">
<dt>Amount</dt><dd>${formatMoney(m.amount)} every ${describeTerm(m.term)}</dd>
<dt>Payment method</dt><dd>${m.method}</dd>
<dt>Renewals</dt><dd>${m.mandate === 'decline' ? 'Set to fail' : 'Will be charged'}</dd>
</dl>
${data.overdue ? html`<p class="form-error" role="alert">A renewal is unpaid. Switching to a working method charges it at once.</p>` : ''}
<form method="post" action="/test-gateway/mandate/${m.id}" class="account-form">
${csrfField(data.csrf)}
<p class="test-gateway-actions">
<button type="submit" class="button" name="method" value="card">Use test card •••• 4242</button>
<button type="submit" class="button" name="method" value="upi">Use test UPI AutoPay</button>
</p>
</form>
<p><a href="/account/subscription">Back to your subscription</a></p>`;
  return testLayout(chrome, 'Payment mandate', main);
}
