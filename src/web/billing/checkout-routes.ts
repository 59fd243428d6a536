import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Plan } from '../../domain/billing/plans.js';
import { ok } from '../../domain/errors.js';
import { redirectToLogin, sendPage } from '../accounts/flow.js';
import { checkId, field, type FormState } from '../accounts/forms.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
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
import { profileValues, readProfileForm } from './profile-form.js';

type PlanParams = { Params: { plan: string } };
type CompleteQuery = { Querystring: Record<string, unknown> };

const SLUG = /^[a-z0-9][a-z0-9-]{0,119}$/;
/** Razorpay ids (pay_…, sub_…) and the hex signature are short; anything longer is not theirs. */
const GATEWAY_TOKEN = /^[A-Za-z0-9_]{1,100}$/;

/** Checkout: the billing details form, the hand-off to the gateway, Razorpay's callback and the outcome page. */
export async function checkoutRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);

  async function planOf(slug: string): Promise<Plan> {
    const plan = SLUG.test(slug) ? await ctx.billing.service.activePlan(slug) : null;
    if (!plan) throw new HttpProblem('not-found', 'There is no such plan.');
    return plan;
  }

  const showForm = async (request: FastifyRequest, reply: FastifyReply, status: number, plan: Plan, form: FormState) =>
    sendPage(reply, status, checkoutPage(await chrome(request), { plan, csrf: reply.generateCsrf(), form }));

  app.get<PlanParams>('/subscribe/:plan', async (request, reply) => {
    const plan = await planOf(request.params.plan);
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/subscribe/${plan.slug}`);
    // The refusals startCheckout would make, shown before the reader fills in the form.
    const available = await ctx.billing.service.checkoutAvailability(user.id);
    if (!available.ok) {
      const page = describeBillingFailure(available);
      return sendPage(reply, page.status, messagePage(await chrome(request), page));
    }
    const profile = await ctx.billing.service.billingProfile(user.id);
    return showForm(request, reply, 200, plan, { values: profileValues(profile, user.name), errors: {} });
  });

  app.post<PlanParams>('/subscribe/:plan', async (request, reply) => {
    const plan = await planOf(request.params.plan);
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/subscribe/${plan.slug}`);
    const read = readProfileForm(request.body);
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
  app.post('/checkout/razorpay/callback', async (request, reply) => {
    const verify = ctx.billing.verifyRazorpayCheckout;
    if (!verify) throw new HttpProblem('not-found', 'Razorpay is not configured.');
    const input = {
      paymentId: field(request.body, 'razorpay_payment_id'),
      subscriptionId: field(request.body, 'razorpay_subscription_id'),
      signature: field(request.body, 'razorpay_signature'),
    };
    const wellFormed = Object.values(input).every((v) => GATEWAY_TOKEN.test(v));
    if (!wellFormed || !verify(input)) return sendPage(reply, 400, callbackFailedPage(await chrome(request)));
    const sub = await ctx.billing.service.subscriptionByGatewayId('razorpay', input.subscriptionId);
    if (!sub) throw new HttpProblem('not-found', 'There is no such subscription.');
    return reply.redirect(`/subscribe/complete?subscription=${sub.id}`, 303);
  });

  app.get<CompleteQuery>('/subscribe/complete', async (request, reply) => {
    const id = checkId(typeof request.query.subscription === 'string' ? request.query.subscription : '');
    if (!id) throw new HttpProblem('not-found', 'There is no such subscription.');
    const declined = request.query.declined === '1';
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
        return sendPage(reply, 200, subscribedPage(page, { plan }));
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
