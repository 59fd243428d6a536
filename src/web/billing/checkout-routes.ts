import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Plan } from '../../domain/billing/plans.js';
import { ok } from '../../domain/errors.js';
import { redirectToLogin, sendPage } from '../accounts/flow.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { readForm, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import {
  callbackFailedPage,
  checkoutPage,
  confirmingPage,
  endedPage,
  paymentFailedPage,
  RAZORPAY_CSP,
  razorpayCheckoutPage,
  subscribedPage,
} from './checkout-views.js';
import { describeBillingFailure, withBillingPage } from './failures.js';
import { messagePage } from './page-parts.js';
import { gatewayFormCsp, planOnSale } from './plan-forms.js';
import { CompleteQuery, PlanParams, RazorpayCallbackForm, valuesOr404 } from './forms.js';
import { ProfileForm, profileValues, readProfile } from './profile-form.js';
import { FromQuery, fromQuery, rememberStory, takeStory } from './return-to.js';

/** Every route reads what it takes through the form helper; an address that names nothing is a 404. */
const READS = { attachValidation: true } as const;

/** Checkout: the billing details form, the hand-off to the gateway, Razorpay's callback and the outcome page. */
export async function checkoutRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);

  const planOf = (request: FastifyRequest) => planOnSale(ctx, request);
  const formCsp = gatewayFormCsp(ctx);
  const showForm = async (request: FastifyRequest, reply: FastifyReply, status: number, plan: Plan, form: FormState) => {
    reply.header('content-security-policy', formCsp);
    return sendPage(reply, status, checkoutPage(await chrome(request), { plan, csrf: reply.generateCsrf(), form }));
  };

  app.get('/subscribe/:plan', { schema: { params: PlanParams, querystring: FromQuery }, ...READS }, async (request, reply) => {
    const plan = await planOf(request);
    const read = readForm(request, FromQuery, 'query');
    const from = read.ok ? read.values.from : '/';
    const user = request.auth?.user;
    // Signing in comes back to this address, the story it came from included.
    if (!user) return redirectToLogin(reply, `/subscribe/${plan.slug}${fromQuery(from)}`);
    rememberStory(ctx, reply, from);
    // The refusals startCheckout would make, shown before the reader fills in the form.
    const available = await ctx.billing.service.checkoutAvailability(user.id);
    if (!available.ok) {
      const page = describeBillingFailure(available);
      return sendPage(reply, page.status, messagePage(await chrome(request), page));
    }
    const profile = await ctx.billing.service.billingProfile(user.id);
    return showForm(request, reply, 200, plan, { values: profileValues(profile, user.name), errors: {} });
  });

  app.post('/subscribe/:plan', { schema: { params: PlanParams, body: ProfileForm }, ...READS }, async (request, reply) => {
    const plan = await planOf(request);
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/subscribe/${plan.slug}`);
    const read = readProfile(readForm(request, ProfileForm));
    if (!read.ok) return showForm(request, reply, 400, plan, read.form);
    await ctx.billing.service.saveBillingProfile(user.id, read.profile);
    const started = await withBillingPage(ctx, request, reply, async () => ok(await ctx.billing.service.startCheckout(user, plan.slug)));
    if (!started.ok) return started.sent;
    const { start } = started.value;
    if (start.redirectUrl) return reply.redirect(start.redirectUrl, 303);
    if (!start.checkoutForm)
      throw new Error(`gateway gave neither a redirect nor a checkout form for subscription ${started.value.subscriptionId}`);
    reply.header('content-security-policy', RAZORPAY_CSP);
    return sendPage(
      reply,
      200,
      razorpayCheckoutPage(await chrome(request), { plan, csrf: reply.generateCsrf(), checkoutForm: start.checkoutForm }),
    );
  });

  /**
   * Razorpay Checkout posts the signed ids of the authorised first payment here. The signature proves
   * the browser's copy; access itself follows the webhook, so this only points to the outcome page.
   */
  app.post('/checkout/razorpay/callback', { schema: { body: RazorpayCallbackForm }, ...READS }, async (request, reply) => {
    const verify = ctx.billing.verifyRazorpayCheckout;
    if (!verify) throw new HttpProblem('not-found', 'Razorpay is not configured.');
    const read = readForm(request, RazorpayCallbackForm);
    const input = read.ok
      ? {
          paymentId: read.values.razorpay_payment_id,
          subscriptionId: read.values.razorpay_subscription_id,
          signature: read.values.razorpay_signature,
        }
      : null;
    if (!input || !verify(input)) return sendPage(reply, 400, callbackFailedPage(await chrome(request)));
    const sub = await ctx.billing.service.subscriptionByGatewayId('razorpay', input.subscriptionId);
    if (!sub) throw new HttpProblem('not-found', 'There is no such subscription.');
    return reply.redirect(`/subscribe/complete?subscription=${sub.id}`, 303);
  });

  app.get('/subscribe/complete', { schema: { querystring: CompleteQuery }, ...READS }, async (request, reply) => {
    const { subscription: id, declined: declinedFlag } = valuesOr404(readForm(request, CompleteQuery, 'query'));
    const declined = declinedFlag === '1';
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/subscribe/complete?subscription=${id}${declined ? '&declined=1' : ''}`);
    // Another reader's subscription is "not found" (a DomainError the error handler answers with 404).
    const sub = await ctx.billing.service.owned(user, id);
    const plan = await ctx.billing.service.plan(sub.planId);
    if (!plan) throw new Error(`subscription ${sub.id} has no plan ${sub.planId}`);
    const page = await chrome(request);
    switch (sub.status) {
      case 'active':
      case 'past-due':
        return sendPage(
          reply,
          200,
          subscribedPage(page, {
            plan,
            includes: ctx.business.catalogue.offered(plan.entitlements),
            story: takeStory(ctx, request, reply),
          }),
        );
      case 'awaiting-payment':
        return sendPage(reply, 200, declined ? paymentFailedPage(page, { plan }) : confirmingPage(page));
      case 'abandoned':
        return sendPage(reply, 200, paymentFailedPage(page, { plan }));
      case 'expired':
      case 'refunded':
        return sendPage(reply, 200, endedPage(page));
    }
  });
}
