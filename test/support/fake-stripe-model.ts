import type { FakeStripe } from './fake-stripe.js';
import { stripeEvent, stripeSample } from './stripe-fixtures.js';

/**
 * Documented Stripe behaviour on top of the fake API's route table, built from Stripe's sample objects:
 * - a paid invoice is paid through a PaymentIntent and its Charge, linked by an InvoicePayment
 *   (API 2025-03-31 and later: the invoice itself no longer names them);
 * - `POST /v1/refunds` answers a `pending` refund; it later succeeds (`refund.updated`) or fails
 *   (`refund.updated` with `status=failed` and `refund.failed`) — https://docs.stripe.com/refunds#failed-refunds;
 * - a refund made in the Dashboard carries no metadata and names the charge and PaymentIntent;
 * - `POST /v1/invoices/create_preview` answers the proration Stripe would invoice for a plan change.
 * Each outcome is returned as the webhook Event(s) Stripe would send, for the test to sign and deliver.
 */
export interface PaidInvoice {
  invoice: string;
  paymentIntent: string;
  charge: string;
  amount: number;
}

export function modelStripe(fake: FakeStripe, clock: () => Date) {
  const invoices = new Map<string, PaidInvoice>();
  const refunds = new Map<string, Record<string, unknown>>();
  let preview: { amountDue: number; credit: number } = { amountDue: 0, credit: 0 };
  let n = 0;
  const now = () => Math.floor(clock().getTime() / 1000);
  const byIntent = (pi: string) => [...invoices.values()].find((i) => i.paymentIntent === pi);
  const byCharge = (ch: string) => [...invoices.values()].find((i) => i.charge === ch);

  fake.on('GET', /^\/v1\/invoices\/(in_\w+)$/, (_r, [id]) => {
    const paid = invoices.get(id ?? '');
    if (!paid) return { status: 404, body: { error: { type: 'invalid_request_error', message: `No such invoice: '${id}'` } } };
    const payment = stripeSample('invoice_payment', {
      id: `inpay_${paid.invoice}`,
      invoice: paid.invoice,
      status: 'paid',
      amount_paid: paid.amount,
      currency: 'inr',
      payment: { type: 'payment_intent', payment_intent: paid.paymentIntent },
    });
    return { body: stripeSample('invoice', { id: paid.invoice, status: 'paid', payments: { object: 'list', data: [payment] } }) };
  });
  fake.on('GET', /^\/v1\/charges\/(\w+)$/, (_r, [id]) => {
    const paid = byCharge(id ?? '');
    return paid
      ? { body: stripeSample('charge', { id: paid.charge, payment_intent: paid.paymentIntent, amount: paid.amount, currency: 'inr' }) }
      : { status: 404, body: { error: { type: 'invalid_request_error', message: `No such charge: '${id}'` } } };
  });
  fake.on('GET', /^\/v1\/invoice_payments$/, (r) => {
    const paid = byIntent(r.query['payment[payment_intent]']?.[0] ?? '');
    const data = paid
      ? [
          stripeSample('invoice_payment', {
            invoice: paid.invoice,
            status: 'paid',
            payment: { type: 'payment_intent', payment_intent: paid.paymentIntent },
          }),
        ]
      : [];
    return { body: { object: 'list', data, has_more: false, url: '/v1/invoice_payments' } };
  });
  fake.on('POST', /^\/v1\/refunds$/, (r) => {
    const paid = byIntent(r.form.payment_intent ?? '') ?? byCharge(r.form.charge ?? '');
    if (!paid) return { status: 400, body: { error: { type: 'invalid_request_error', message: 'No such payment_intent' } } };
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.form)) {
      const key = /^metadata\[(.+)\]$/.exec(k)?.[1];
      if (key) metadata[key] = v;
    }
    const refund = makeRefund(paid, Number(r.form.amount ?? paid.amount), metadata);
    return { body: refund };
  });
  fake.on('POST', /^\/v1\/invoices\/create_preview$/, () => ({
    body: stripeSample('invoice', {
      id: `upcoming_in_${++n}`,
      status: 'draft',
      currency: 'inr',
      amount_due: preview.amountDue,
      total: preview.amountDue,
      lines: {
        object: 'list',
        has_more: false,
        data: [
          {
            id: `il_tmp_credit_${n}`,
            amount: -preview.credit,
            currency: 'inr',
            parent: { type: 'subscription_item_details', subscription_item_details: { proration: true, subscription: 'sub' } },
          },
          {
            id: `il_tmp_new_${n}`,
            amount: preview.amountDue + preview.credit,
            currency: 'inr',
            parent: { type: 'subscription_item_details', subscription_item_details: { proration: false, subscription: 'sub' } },
          },
        ],
      },
    }),
  }));

  function makeRefund(paid: PaidInvoice, amount: number, metadata: Record<string, string>) {
    const refund = stripeSample('refund', {
      id: `re_test_${++n}`,
      amount,
      currency: 'inr',
      charge: paid.charge,
      payment_intent: paid.paymentIntent,
      created: now(),
      metadata,
      status: 'pending',
    });
    refunds.set(refund.id as string, refund);
    return refund;
  }

  return {
    /** Stripe took `amount` for `invoice` through a PaymentIntent and its Charge. */
    paid(invoice: string, amount: number): PaidInvoice {
      const paid = { invoice, paymentIntent: `pi_${invoice.slice(3)}`, charge: `ch_${invoice.slice(3)}`, amount };
      invoices.set(invoice, paid);
      return paid;
    },
    refund: (id: string) => refunds.get(id),
    /** A refund made in the Dashboard: no metadata of ours; `refund.created` while pending. */
    dashboardRefund(invoice: string, amount: number) {
      const paid = invoices.get(invoice);
      if (!paid) throw new Error(`no paid invoice ${invoice}`);
      const refund = makeRefund(paid, amount, {});
      return { refund, events: [stripeEvent('refund.created', refund, { created: now() })] };
    },
    /** The pending refund's outcome, as the events Stripe sends for it. */
    settle(refundId: string, outcome: 'succeeded' | 'failed') {
      const refund = refunds.get(refundId);
      if (!refund) throw new Error(`no refund ${refundId}`);
      const previous = { status: refund.status };
      Object.assign(
        refund,
        outcome === 'failed' ? { status: 'failed', failure_reason: 'expired_or_canceled_card' } : { status: 'succeeded' },
      );
      const updated = stripeEvent('refund.updated', { ...refund }, { created: now(), previousAttributes: previous });
      return outcome === 'failed' ? [updated, stripeEvent('refund.failed', { ...refund }, { created: now() })] : [updated];
    },
    /** A dispute of the invoice's charge, as `charge.dispute.created` or `.closed` with its status. */
    dispute(invoice: string, status: 'needs_response' | 'won' | 'lost') {
      const paid = invoices.get(invoice);
      if (!paid) throw new Error(`no paid invoice ${invoice}`);
      const dispute = stripeSample('dispute', {
        id: `dp_${paid.invoice.slice(3)}`,
        amount: paid.amount,
        currency: 'inr',
        charge: paid.charge,
        payment_intent: paid.paymentIntent,
        reason: 'fraudulent',
        status,
      });
      return stripeEvent(status === 'needs_response' ? 'charge.dispute.created' : 'charge.dispute.closed', dispute, { created: now() });
    },
    /** What the next upgrade preview answers: the amount due and the credit for unused time. */
    setPreview(p: { amountDue: number; credit: number }) {
      preview = p;
    },
  };
}
