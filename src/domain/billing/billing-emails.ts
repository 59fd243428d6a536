import type { Copy } from '../copy/copy.js';
import { renderEmail } from '../notifications/email-layout.js';
import type { Db } from '../ports/database.js';
import type { RenderInvoicePdf } from '../ports/invoice-pdf.js';
import type { EmailMessage, Mailer } from '../ports/mailer.js';
import { findUserInvoice, listUserInvoices } from './invoice-queries.js';
import { formatInvoiceDate } from './invoice-sheet.js';
import { formatMoney } from './money.js';
import { findPayment, findRefund } from './payment-queries.js';
import { findPlan } from './plan-queries.js';
import type { FindReader } from './readers.js';
import { findSubscription, type Subscription } from './subscriptions.js';

/** The payload of a `billing-email` job: which email, and the ids its figures are read from. */
export interface BillingEmailJob {
  template: 'receipt' | 'pre-debit' | 'payment-failed' | 'dunning' | 'ended' | 'refund';
  subscriptionId?: number;
  paymentId?: number;
  invoiceId?: number;
  refundId?: number;
}

export interface BillingEmailDeps {
  db: Db;
  mailer: Mailer;
  copy: Copy;
  publication: string;
  publicUrl: string;
  renderInvoicePdf: RenderInvoicePdf;
  findReader: FindReader;
  /** Where the reader updates the payment method, if the gateway offers a page. */
  paymentMethodUpdateUrl(sub: Subscription): Promise<string | null>;
}

const GATEWAY_NAMES = { test: 'test gateway', razorpay: 'Razorpay', stripe: 'Stripe' } as const;

/**
 * Sends one billing email (a job, so it survives restarts and runs after the change it reports has
 * committed). Every amount comes from the stored payment or invoice, so emails, invoices and the account
 * page agree to the paisa.
 */
export async function sendBillingEmail(deps: BillingEmailDeps, job: BillingEmailJob): Promise<void> {
  const { copy, db, publication } = deps;
  const manage = `${deps.publicUrl}/account/subscription`;
  const footer = copy.render('email.billing.footer', { publication });
  const send = async (
    userId: number,
    subject: string,
    paragraphs: string[],
    action: { label: string; url: string },
    attachments?: EmailMessage['attachments'],
  ) => {
    const reader = await deps.findReader(db, userId);
    if (!reader) return; // the account was deleted meanwhile
    await deps.mailer.send({
      to: reader.email,
      subject,
      tag: job.template,
      attachments,
      ...renderEmail({ publication, preheader: subject, paragraphs, action, footer }),
    });
  };

  if (job.template === 'receipt' && job.paymentId) {
    const payment = await findPayment(db, job.paymentId);
    if (!payment) return;
    const invoice = job.invoiceId ? await findUserInvoice(db, payment.userId, job.invoiceId) : null;
    const plan = await findPlan(db, payment.planId);
    const amount = formatMoney({ minor: payment.amountMinor, currency: payment.currency });
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
    await send(
      payment.userId,
      copy.render('email.receipt.subject', { publication, amount }),
      [copy.render('email.receipt.body', { amount, plan: plan?.name ?? 'your plan', period, invoice: invoice?.number ?? '' })],
      { label: copy.render('email.billing.action'), url: manage },
      pdf,
    );
    return;
  }

  if (job.template === 'refund' && job.refundId) {
    const refund = await findRefund(db, job.refundId);
    const payment = refund ? await findPayment(db, refund.paymentId) : null;
    if (!refund || !payment) return;
    const note = (await listUserInvoices(db, payment.userId)).find((i) => i.refundId === job.refundId);
    const amount = formatMoney({ minor: refund.amountMinor, currency: payment.currency });
    await send(
      payment.userId,
      copy.render('email.refund.subject', { amount, publication }),
      [copy.render('email.refund.body', { amount, credit_note: note?.number ?? '' })],
      { label: copy.render('email.billing.action'), url: manage },
    );
    return;
  }

  const sub = job.subscriptionId ? await findSubscription(db, job.subscriptionId) : null;
  if (!sub) return;
  const plan = await findPlan(db, sub.nextPlanId ?? sub.planId);
  const planName = plan?.name ?? 'your plan';
  const amount = plan ? formatMoney(plan.price) : '';
  const date = sub.currentPeriodEnd ? formatInvoiceDate(sub.currentPeriodEnd) : '';
  const update = (await deps.paymentMethodUpdateUrl(sub).catch(() => null)) ?? manage;
  switch (job.template) {
    case 'pre-debit':
      await send(
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
      return;
    case 'payment-failed':
    case 'dunning': {
      const graceUntil = sub.graceUntil ? formatInvoiceDate(sub.graceUntil) : date;
      const subject =
        job.template === 'dunning'
          ? copy.render('email.dunning.subject', { publication })
          : copy.render('email.payment_failed.subject', { publication });
      await send(sub.userId, subject, [copy.render('email.payment_failed.body', { amount, plan: planName, grace_until: graceUntil })], {
        label: copy.render('email.billing.update_action'),
        url: update,
      });
      return;
    }
    case 'ended':
      await send(
        sub.userId,
        copy.render('email.ended.subject', { publication }),
        [copy.render('email.ended.body', { plan: planName, date })],
        {
          label: copy.render('email.billing.action'),
          url: `${deps.publicUrl}/plans`,
        },
      );
      return;
  }
}
