import { renderEmail } from '../domain/notifications/email-layout.js';
import { renderInvoicePdf } from '../adapters/pdf/invoice-pdf.js';
import { findUserById } from '../domain/accounts/users.js';
import { formatInvoiceDate } from '../domain/billing/invoice-sheet.js';
import { findUserInvoice as findInvoice, listUserInvoices as listInvoices } from '../domain/billing/invoice-queries.js';
import { formatMoney } from '../domain/billing/money.js';
import { findPayment, findRefund } from '../domain/billing/payment-queries.js';
import { findPlan } from '../domain/billing/plan-queries.js';
import { findSubscription } from '../domain/billing/subscriptions.js';
import type { AppContext } from '../context.js';

export interface BillingEmailJob {
  template: 'receipt' | 'pre-debit' | 'payment-failed' | 'dunning' | 'ended' | 'refund';
  subscriptionId?: number;
  paymentId?: number;
  invoiceId?: number;
  refundId?: number;
}

const GATEWAY_NAMES = { test: 'test gateway', razorpay: 'Razorpay', stripe: 'Stripe' } as const;

/**
 * Sends one billing email (a job, so it survives restarts and runs after the change it reports has
 * committed). Every amount comes from the stored payment or invoice, so emails, invoices and the account
 * page agree to the paisa.
 */
export async function sendBillingEmail(ctx: AppContext, job: BillingEmailJob): Promise<void> {
  const { copy } = ctx;
  const publication = ctx.site.publicationName;
  const manage = `${ctx.config.publicUrl}/account/subscription`;
  const footer = copy.render('email.billing.footer', { publication });
  const send = async (
    userId: number,
    subject: string,
    paragraphs: string[],
    action: { label: string; url: string },
    attachments?: { filename: string; content: Buffer; contentType: string }[],
  ) => {
    const user = await findUserById(ctx.db, userId);
    if (!user) return; // the account was deleted meanwhile
    await ctx.mailer.send({
      to: user.email,
      subject,
      tag: job.template,
      attachments,
      ...renderEmail({ publication, preheader: subject, paragraphs, action, footer }),
    });
  };

  if (job.template === 'receipt' && job.paymentId) {
    const payment = await findPayment(ctx.db, job.paymentId);
    if (!payment) return;
    const invoice = job.invoiceId ? await findInvoice(ctx.db, payment.userId, job.invoiceId) : null;
    const plan = await findPlan(ctx.db, payment.planId);
    const amount = formatMoney({ minor: payment.amountMinor, currency: payment.currency });
    const period = `${formatInvoiceDate(payment.periodStart)} to ${formatInvoiceDate(new Date(payment.periodEnd.getTime() - 1))}`;
    const pdf = invoice
      ? [
          {
            filename: `${invoice.number.replaceAll('/', '-')}.pdf`,
            content: await renderInvoicePdf(invoice),
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
    const refund = await findRefund(ctx.db, job.refundId);
    const payment = refund ? await findPayment(ctx.db, refund.paymentId) : null;
    if (!refund || !payment) return;
    const note = (await listInvoices(ctx.db, payment.userId)).find((i) => i.refundId === job.refundId);
    const amount = formatMoney({ minor: refund.amountMinor, currency: payment.currency });
    await send(
      payment.userId,
      copy.render('email.refund.subject', { amount, publication }),
      [copy.render('email.refund.body', { amount, credit_note: note?.number ?? '' })],
      {
        label: copy.render('email.billing.action'),
        url: manage,
      },
    );
    return;
  }

  const sub = job.subscriptionId ? await findSubscription(ctx.db, job.subscriptionId) : null;
  if (!sub) return;
  const plan = await findPlan(ctx.db, sub.nextPlanId ?? sub.planId);
  const planName = plan?.name ?? 'your plan';
  const amount = plan ? formatMoney(plan.price) : '';
  const date = sub.currentPeriodEnd ? formatInvoiceDate(sub.currentPeriodEnd) : '';
  const update = (await ctx.billing.service.paymentMethodUpdateUrl(sub).catch(() => null)) ?? manage;
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
          url: `${ctx.config.publicUrl}/plans`,
        },
      );
      return;
  }
}
