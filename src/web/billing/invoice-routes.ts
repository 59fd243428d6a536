import type { FastifyInstance } from 'fastify';
import { redirectToLogin, sendPage } from '../accounts/flow.js';
import { checkId } from '../accounts/forms.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { pageChrome } from '../pages/chrome.js';
import { html } from '../views/html.js';
import { invoiceHtml } from '../views/invoice.js';
import { layout } from '../views/layout.js';

/**
 * A reader's tax invoices and credit notes: `/account/invoices/12` as a page, `/account/invoices/12.pdf`
 * as a download. Only the owner's own documents are found (findInvoice filters by user), so every other
 * id is a 404 whether or not it exists.
 */
export async function invoiceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Params: { id: string } }>('/account/invoices/:id', async (request, reply) => {
    const match = /^(\d{1,10})(\.pdf)?$/.exec(request.params.id);
    const id = match ? checkId(match[1]!) : null;
    if (!id || !match) throw new HttpProblem('not-found', 'There is no such invoice.');
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/account/invoices/${request.params.id}`);
    const invoice = await ctx.billing.service.invoice(user.id, id);
    if (!invoice) throw new HttpProblem('not-found', 'There is no such invoice.');
    if (match[2]) {
      const pdf = await ctx.billing.service.invoicePdf(invoice);
      const filename = `${invoice.kind === 'credit-note' ? 'credit-note' : 'invoice'}-${invoice.number.replace(/[^A-Za-z0-9-]/g, '-')}.pdf`;
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${filename}"`).send(pdf);
    }
    const title = `${invoice.kind === 'credit-note' ? 'Credit note' : 'Tax invoice'} ${invoice.number}`;
    const main = html`${invoiceHtml(invoice)}
<p class="invoice-links"><a href="/account/invoices/${invoice.id}.pdf" download>Download PDF</a> · <a href="/account/subscription">Back to your subscription</a></p>`;
    return sendPage(
      reply,
      200,
      layout(await pageChrome(ctx, request), { title, noindex: true }, html`<div class="invoice-page">${main}</div>`),
    );
  });
}
