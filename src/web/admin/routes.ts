import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatMoney } from '../../domain/billing/money.js';
import { ok } from '../../domain/errors.js';
import { actorOf, can } from '../../domain/policies/policies.js';
import { sendPage } from '../accounts/flow.js';
import { withBillingPage } from '../billing/failures.js';
import { valuesOr404 } from '../billing/forms.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { form, keyword, readForm, useForms, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { paymentsPage } from './payments-views.js';
import { PaymentParams, readRefund, RefundForm } from './refund-form.js';
import { adminUserRoutes } from './users.js';
import { adminArticleRoutes } from './articles.js';
import { adminImageRoutes } from './images.js';
import { adminFrontPageRoutes } from './front-page.js';
import { adminSectionRoutes } from './sections.js';
import { adminAuthorRoutes } from './authors.js';
import { adminSettingsRoutes } from './site-settings.js';
import { adminAuditRoutes } from './audit.js';
import { adminHomePage, allowedTo } from './admin-layout.js';
import { adminCopyRoutes } from './copy.js';
import { adminPaywallRoutes } from './paywall.js';
import { adminPlanRoutes } from './plans.js';
import { adminEntitlementRoutes } from './entitlements.js';
import { adminPartnerRoutes } from './partners.js';
import { lowStockWarning } from './partner-views.js';
import { html } from '../views/html.js';
import { adminGroupRoutes } from './groups.js';
import { adminEpaperRoutes } from './epaper.js';
import { adminNewsletterRoutes } from './newsletters.js';
import { adminWireRoutes } from './wire.js';

const NOTICES: Record<string, string> = { refunded: 'The refund is recorded and its credit note issued.' };
const PaymentsQuery = form({ notice: keyword(Object.keys(NOTICES)) });

/** Route option: the policy a route needs, checked before anything else the route does (a refusal reads as not found). */
const allowed = (ability: 'viewPayments' | 'refund') => ({ onRequest: allowedTo(ability) });

/**
 * Admin pages. Only staff (policy `viewNewsroom`) learn they exist: everyone else, signed in or not, gets the
 * ordinary 404, decided before anything else runs (CSRF included); each route then checks its own ability, so
 * an editor finds no payments and the business team no article editor. Every query string, path parameter and
 * form is read by the form helper (`useForms`).
 */
export async function adminRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  useForms(app);
  app.addHook('onRequest', async (request, reply) => {
    if (!can(actorOf(request.auth?.user), 'viewNewsroom')) throw new HttpProblem('not-found', 'Not found.');
    reply.header('cache-control', 'no-store');
    reply.header('x-robots-tag', 'noindex');
  });

  await adminUserRoutes(app, ctx);
  await adminArticleRoutes(app, ctx);
  await adminImageRoutes(app, ctx);
  await adminSectionRoutes(app, ctx);
  await adminFrontPageRoutes(app, ctx);
  await adminAuthorRoutes(app, ctx);
  await adminSettingsRoutes(app, ctx);
  await adminCopyRoutes(app, ctx);
  await adminPaywallRoutes(app, ctx);
  await adminPlanRoutes(app, ctx);
  await adminEntitlementRoutes(app, ctx);
  await adminPartnerRoutes(app, ctx);
  await adminGroupRoutes(app, ctx);
  await adminEpaperRoutes(app, ctx);
  await adminNewsletterRoutes(app, ctx);
  await adminWireRoutes(app, ctx);
  adminAuditRoutes(app, ctx);

  /** The staff's start page: links to what this member of staff may do, and nothing else. */
  app.get('/admin', { schema: { querystring: form({}) } }, async (request, reply) => {
    const actor = actorOf(request.auth?.user);
    // The business team hears of partners running out of codes where they start.
    const partners = can(actor, 'manageBusiness') ? await ctx.partners.service.list(actor) : [];
    return sendPage(reply, 200, adminHomePage(await pageChrome(ctx, request), html`${partners.map(lowStockWarning)}`));
  });

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { notice?: string | undefined; failed?: { paymentId: number; form: FormState } },
  ) {
    const payments = await ctx.billing.service.recentPayments();
    const page = paymentsPage(await pageChrome(ctx, request), {
      payments,
      plans: await ctx.billing.service.activePlans(),
      csrf: reply.generateCsrf(),
      timeZone: ctx.policy.timeZone,
      ...extra,
    });
    return sendPage(reply, status, page);
  }

  app.get(
    '/admin/payments',
    { schema: { querystring: PaymentsQuery }, attachValidation: true, ...allowed('viewPayments') },
    async (request, reply) => {
      const query = readForm(request, PaymentsQuery, 'query');
      return show(request, reply, 200, { notice: query.ok ? NOTICES[query.values.notice] : undefined });
    },
  );

  /** Full or partial refund through the gateway; the credit note is issued as it is recorded. */
  const refundSchema = { params: PaymentParams, body: RefundForm };
  app.post('/admin/payments/:id/refund', { schema: refundSchema, attachValidation: true, ...allowed('refund') }, async (request, reply) => {
    const { id: paymentId } = valuesOr404(readForm(request, PaymentParams, 'params'));
    const payment = await ctx.billing.service.payment(paymentId);
    if (!payment) throw new HttpProblem('not-found', 'There is no such payment.');
    const read = readRefund(readForm(request, RefundForm));
    if (!read.ok) return show(request, reply, 400, { failed: { paymentId: payment.id, form: read.form } });
    const refundable = payment.amountMinor - payment.refundedMinor;
    const tooMuch = () => {
      const error =
        refundable > 0
          ? `Refund at most ${formatMoney({ minor: refundable, currency: payment.currency })}, the part of this payment not yet refunded.`
          : 'This payment is already refunded in full.';
      return show(request, reply, 400, { failed: { paymentId: payment.id, form: { values: read.typed, errors: { amount: error } } } });
    };
    if (read.amountMinor > refundable) return tooMuch();
    const done = await withBillingPage(ctx, request, reply, async () => {
      const refunded = await ctx.billing.service.refund(payment.id, read.amountMinor, read.reason);
      // Another refund of the same payment may have landed between our check and the service's.
      if (!refunded.ok && refunded.code === 'invalid-amount') return ok(false);
      return refunded.ok ? ok(true) : refunded;
    });
    if (!done.ok) return done.sent;
    if (!done.value) return tooMuch();
    return reply.redirect('/admin/payments?notice=refunded', 303);
  });
}
