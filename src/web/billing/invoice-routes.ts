import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../domain/policies/policies.js';
import { redirectToLogin, sendPage } from '../accounts/flow.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { readForm } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { html } from '../views/html.js';
import { invoiceHtml } from '../views/invoice.js';
import { layout } from '../views/layout.js';
import { invoiceAddress, InvoiceParams, NoFields, valuesOr404 } from './forms.js';

/**
 * A reader's tax invoices and credit notes: `/account/invoices/12` as a page, `/account/invoices/12.pdf`
 * as a download. Only those the reader may see are found (policy `viewInvoice`: their own; an admin's, any
 * reader's), so every other id is a 404 whether or not it exists.
 */
export async function invoiceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const schema = { params: InvoiceParams, querystring: NoFields };
  app.get('/account/invoices/:id', { schema, attachValidation: true }, async (request, reply) => {
    const address = invoiceAddress(valuesOr404(readForm(request, InvoiceParams, 'params')).id);
    if (!address) throw new HttpProblem('not-found', 'There is no such invoice.');
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/account/invoices/${address.id}${address.pdf ? '.pdf' : ''}`);
    const invoice = await ctx.billing.service.invoiceFor(actorOf(user), address.id);
    if (!invoice) throw new HttpProblem('not-found', 'There is no such invoice.');
    if (address.pdf) {
      const pdf = await ctx.billing.service.invoicePdf(invoice);
      const filename = `${invoice.kind === 'invoice' ? 'invoice' : invoice.kind}-${invoice.number.replace(/[^A-Za-z0-9-]/g, '-')}.pdf`;
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${filename}"`).send(pdf);
    }
    const title = `${{ invoice: 'Tax invoice', 'credit-note': 'Credit note', 'debit-note': 'Debit note' }[invoice.kind]} ${invoice.number}`;
    const main = html`${invoiceHtml(invoice)}
<p class="invoice-links"><a href="/account/invoices/${invoice.id}.pdf" download>Download PDF</a> · <a href="/account/subscription">Back to your subscription</a></p>`;
    return sendPage(
      reply,
      200,
      layout(await pageChrome(ctx, request), { title, noindex: true }, html`<div class="invoice-page">${main}</div>`),
    );
  });
}
