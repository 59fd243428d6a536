import { formatInvoiceDate } from '../billing/invoice-sheet.js';
import { describeTerm, type Plan } from '../billing/plans.js';
import type { Copy } from '../copy/copy.js';
import { renderEmail } from '../notifications/email-layout.js';
import type { EmailMessage } from '../ports/mailer.js';
import type { Gift } from './model.js';

/** The email that brings the gift to its recipient, with the redemption link and the buyer's message. */
export function renderGiftEmail(
  deps: { copy: Copy; publication: () => string },
  data: { gift: Gift; plan: Plan; buyer: string; url: string },
): EmailMessage {
  const { copy } = deps;
  const publication = deps.publication();
  const { gift, plan, buyer } = data;
  const subject = copy.render('email.gift.subject', { buyer, plan: plan.name, publication });
  const paragraphs = [
    copy.render('email.gift.body', {
      recipient: gift.recipientName,
      buyer,
      plan: plan.name,
      term: describeTerm(plan.term),
      publication,
      until: gift.redeemableUntil ? formatInvoiceDate(gift.redeemableUntil) : '',
    }),
    ...(gift.message ? [copy.render('email.gift.message', { message: gift.message })] : []),
  ];
  return {
    to: gift.recipientEmail,
    subject,
    tag: 'gift',
    ...renderEmail({
      publication,
      preheader: subject,
      paragraphs,
      action: { label: copy.render('email.gift.action'), url: data.url },
      footer: copy.render('email.gift.footer', { buyer, publication }),
    }),
  };
}
