import { Type } from 'typebox';
import type { Copy } from '../copy/copy.js';
import type { NotificationTemplates } from '../notifications/notifications.js';
import { renderEmail } from '../notifications/email-layout.js';
import type { Db } from '../ports/database.js';
import type { RenderInvoicePdf } from '../ports/invoice-pdf.js';
import type { EmailMessage } from '../ports/mailer.js';
import { findUserInvoice, listUserInvoices } from './invoice-queries.js';
import { formatInvoiceDate } from './invoice-sheet.js';
import { formatMoney } from './money.js';
import { findPayment, findRefund } from './payment-queries.js';
import { findPlan } from './plan-queries.js';
import { describeTerm } from './plans.js';
import { findGift } from '../gifts/queries.js';
import { findReader, type FindReaders } from './readers.js';
import { pendingPaymentAction } from './reversal-queries.js';
import { findSubscription, type Subscription } from './subscriptions.js';

/** Which billing email, and the ids its figures are read from when it is sent. */
export interface BillingEmailJob {
  template: 'receipt' | 'pre-debit' | 'payment-failed' | 'payment-action-required' | 'dunning' | 'ended' | 'refund';
  subscriptionId?: number | undefined;
  paymentId?: number | undefined;
  invoiceId?: number | undefined;
  refundId?: number | undefined;
}

const Id = Type.Integer({ minimum: 1 });
const OfSubscription = Type.Object({ subscriptionId: Id });

/**
 * The billing emails as notification templates: each carries only ids, and is written when it is sent, so
 * every amount comes from the stored payment or invoice and a deleted account gets nothing.
 */
export function billingEmailTemplates(deps: BillingEmailDeps) {
  const render = (job: BillingEmailJob) => renderBillingEmail(deps, job);
  return {
    'billing.receipt': {
      data: Type.Object({ paymentId: Id, invoiceId: Type.Optional(Id) }),
      render: (data: { paymentId: number; invoiceId?: number }) => render({ template: 'receipt', ...data }),
    },
    'billing.refund': {
      data: Type.Object({ refundId: Id }),
      render: (data: { refundId: number }) => render({ template: 'refund', ...data }),
    },
    'billing.pre-debit': { data: OfSubscription, render: (data: { subscriptionId: number }) => render({ template: 'pre-debit', ...data }) },
    'billing.payment-failed': {
      data: OfSubscription,
      render: (data: { subscriptionId: number }) => render({ template: 'payment-failed', ...data }),
    },
    'billing.payment-action-required': {
      data: OfSubscription,
      render: (data: { subscriptionId: number }) => render({ template: 'payment-action-required', ...data }),
    },
    'billing.dunning': { data: OfSubscription, render: (data: { subscriptionId: number }) => render({ template: 'dunning', ...data }) },
    'billing.ended': { data: OfSubscription, render: (data: { subscriptionId: number }) => render({ template: 'ended', ...data }) },
  } satisfies NotificationTemplates;
}

export type BillingEmailTemplates = ReturnType<typeof billingEmailTemplates>;

/** Queues a billing email in `db`'s transaction, once per `uniqueKey`; it is written and sent after the change commits. */
export type BillingNotify = <K extends keyof BillingEmailTemplates>(
  db: Db,
  template: K,
  data: Parameters<BillingEmailTemplates[K]['render']>[0],
  uniqueKey: string,
) => Promise<void>;

export interface BillingEmailDeps {
  db: Db;
  copy: Copy;
  /** The publication's current name, read for each email. */
  publication: () => string;
  publicUrl: string;
  renderInvoicePdf: RenderInvoicePdf;
  findReaders: FindReaders;
  /** Where the reader updates the payment method, if the gateway offers a page. */
  paymentMethodUpdateUrl(sub: Subscription): Promise<string | null>;
}

const GATEWAY_NAMES = { test: 'test gateway', razorpay: 'Razorpay', stripe: 'Stripe' } as const;

/**
 * Writes one billing email, or null when there is nothing to send (the account or the record is gone).
 * Every amount comes from the stored payment or invoice, so emails, invoices and the account page agree
 * to the paisa.
 */
async function renderBillingEmail(deps: BillingEmailDeps, job: BillingEmailJob): Promise<EmailMessage | null> {
  const { copy, db } = deps;
  const publication = deps.publication();
  const manage = `${deps.publicUrl}/account/subscription`;
  const footer = copy.render('email.billing.footer', { publication });
  const message = async (
    userId: number,
    subject: string,
    paragraphs: string[],
    action: { label: string; url: string },
    attachments?: EmailMessage['attachments'],
  ): Promise<EmailMessage | null> => {
    const reader = await findReader(deps.findReaders, db, userId);
    if (!reader) return null; // the account was deleted meanwhile
    return {
      to: reader.email,
      subject,
      tag: job.template,
      ...(attachments ? { attachments } : {}),
      ...renderEmail({ publication, preheader: subject, paragraphs, action, footer }),
    };
  };

  if (job.template === 'receipt' && job.paymentId) {
    const payment = await findPayment(db, job.paymentId);
    if (!payment) return null;
    const invoice = job.invoiceId ? await findUserInvoice(db, payment.userId, job.invoiceId) : null;
    const plan = await findPlan(db, payment.planId);
    const amount = formatMoney({ minor: payment.amountMinor, currency: payment.currency });
    const gift = payment.giftId ? await findGift(db, payment.giftId) : null;
    const period = `${formatInvoiceDate(payment.periodStart)} to ${formatInvoiceDate(new Date(payment.periodEnd.getTime() - 1))}`;
    const pdf = invoice
      ? [
          {
            filename: `${invoice.number.replaceAll('/', '-')}.pdf`,
            content: await deps.renderInvoicePdf(invoice),
            contentType: 'application/pdf',
          },
        ]
      : undefined;
    if (gift) {
      const planName = plan?.name ?? 'a subscription';
      return message(
        payment.userId,
        copy.render('email.gift_receipt.subject', { plan: planName, publication, amount }),
        [
          copy.render('email.gift_receipt.body', {
            amount,
            plan: planName,
            term: plan ? describeTerm(plan.term) : '',
            recipient: `${gift.recipientName} (${gift.recipientEmail})`,
            date: formatInvoiceDate(gift.deliverAt),
            invoice: invoice?.number ?? '',
          }),
        ],
        { label: copy.render('email.gift_receipt.action'), url: `${deps.publicUrl}/account/gifts` },
        pdf,
      );
    }
    return message(
      payment.userId,
      copy.render('email.receipt.subject', { publication, amount }),
      [copy.render('email.receipt.body', { amount, plan: plan?.name ?? 'your plan', period, invoice: invoice?.number ?? '' })],
      { label: copy.render('email.billing.action'), url: manage },
      pdf,
    );
  }

  if (job.template === 'refund' && job.refundId) {
    const refund = await findRefund(db, job.refundId);
    const payment = refund ? await findPayment(db, refund.paymentId) : null;
    if (!refund || !payment) return null;
    const note = (await listUserInvoices(db, payment.userId)).find((i) => i.refundId === job.refundId && i.kind === 'credit-note');
    const amount = formatMoney({ minor: refund.amountMinor, currency: payment.currency });
    return message(
      payment.userId,
      copy.render('email.refund.subject', { amount, publication }),
      [copy.render('email.refund.body', { amount, credit_note: note?.number ?? '' })],
      { label: copy.render('email.billing.action'), url: manage },
    );
  }

  const sub = job.subscriptionId ? await findSubscription(db, job.subscriptionId) : null;
  if (!sub) return null;
  const plan = await findPlan(db, sub.nextPlanId ?? sub.planId);
  const planName = plan?.name ?? 'your plan';
  const amount = plan ? formatMoney(plan.price) : '';
  const date = sub.currentPeriodEnd ? formatInvoiceDate(sub.currentPeriodEnd) : '';
  const update = (await deps.paymentMethodUpdateUrl(sub).catch(() => null)) ?? manage;
  switch (job.template) {
    case 'pre-debit':
      return message(
        sub.userId,
        copy.render('email.pre_debit.subject', { publication, date }),
        [
          copy.render('email.pre_debit.body', {
            plan: planName,
            date,
            amount,
            method: sub.paymentMethod ?? 'your saved payment method',
            gateway: GATEWAY_NAMES[sub.gateway],
          }),
        ],
        { label: copy.render('email.billing.action'), url: manage },
      );
    case 'payment-failed':
    case 'dunning': {
      const graceUntil = sub.graceUntil ? formatInvoiceDate(sub.graceUntil) : date;
      const subject =
        job.template === 'dunning'
          ? copy.render('email.dunning.subject', { publication })
          : copy.render('email.payment_failed.subject', { publication });
      return message(sub.userId, subject, [copy.render('email.payment_failed.body', { amount, plan: planName, grace_until: graceUntil })], {
        label: copy.render('email.billing.update_action'),
        url: update,
      });
    }
    case 'payment-action-required': {
      // Written when sent: a charge confirmed meanwhile needs no email.
      const action = await pendingPaymentAction(db, sub.id);
      if (!action) return null;
      return message(
        sub.userId,
        copy.render('email.action_required.subject', { publication }),
        [copy.render('email.action_required.body', { amount, plan: planName })],
        { label: copy.render('email.billing.confirm_action'), url: action.url },
      );
    }
    case 'ended':
      return message(
        sub.userId,
        copy.render('email.ended.subject', { publication }),
        [copy.render('email.ended.body', { plan: planName, date })],
        {
          label: copy.render('email.billing.action'),
          url: `${deps.publicUrl}/plans`,
        },
      );
  }
  return null;
}
