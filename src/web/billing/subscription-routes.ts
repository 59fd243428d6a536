import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../domain/accounts/model.js';
import type { Plan } from '../../domain/billing/plans.js';
import type { Subscription } from '../../domain/billing/subscriptions.js';
import { redirectToLogin, sendPage } from '../accounts/flow.js';
import type { AppContext } from '../../context.js';
import { readForm } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { changedPage, changePlanPage, type PlanOption } from './change-views.js';
import { ok } from '../../domain/errors.js';
import { withBillingPage } from './failures.js';
import { ChangePlanForm, NoFields, SubscriptionForm, SubscriptionQuery, valuesOr404 } from './forms.js';

import { actionsFor, subscriptionToShow } from './subscription-status.js';
import { cancelPage, subscriptionPage } from './subscription-views.js';
import { RAZORPAY_CSP, razorpayCheckoutPage } from './checkout-views.js';

type Handler = (request: FastifyRequest, reply: FastifyReply, user: User) => Promise<FastifyReply>;

const NOTICES: Record<string, string> = {
  cancelled: 'Your subscription is cancelled: it will not renew, and you keep access until the end of the term you paid for.',
  resumed: 'Your cancellation is undone: your subscription renews as before.',
  'method-updated': 'Your payment method has been updated.',
};

/** The signed-in reader's subscription: status, cancel and undo, plan changes. */
export async function subscriptionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);
  // Read at each request: the settings may change the publisher's time zone while the app runs.
  const timeZone = () => ctx.policy.timeZone;
  const signedIn = (back: string, handler: Handler) => async (request: FastifyRequest, reply: FastifyReply) =>
    request.auth ? handler(request, reply, request.auth.user) : redirectToLogin(reply, back);

  const finalCancellation = (sub: Subscription) => !!ctx.billing.gateways[sub.gateway]?.finalCancellation;

  async function planOf(id: number): Promise<Plan> {
    const plan = await ctx.billing.service.plan(id);
    if (!plan) throw new Error(`plan ${id} not found`);
    return plan;
  }

  /** The running subscription the page acts on; none (or not running) sends the reader back to the overview. */
  async function running(user: User): Promise<{ sub: Subscription; plan: Plan } | null> {
    const sub = await ctx.billing.service.current(user.id);
    return sub ? { sub, plan: await planOf(sub.planId) } : null;
  }

  /** The subscription named by the form's hidden field; a malformed id, like another reader's, reads as not found. */
  const formSubscription = (request: FastifyRequest): number => valuesOr404(readForm(request, SubscriptionForm)).subscription;

  /**
   * What each route reads, through the form helper. A malformed value is answered by the route (after the
   * sign-in check), so a signed-out reader is sent to sign in whatever the form held.
   */
  const page = { schema: { querystring: NoFields }, attachValidation: true };
  const posts = (body: typeof SubscriptionForm | typeof ChangePlanForm) => ({ schema: { body }, attachValidation: true });

  app.get(
    '/account/subscription',
    { schema: { querystring: SubscriptionQuery }, attachValidation: true },
    signedIn('/account/subscription', async (request, reply, user) => {
      const [current, all, invoices] = await Promise.all([
        ctx.billing.service.current(user.id),
        ctx.billing.service.list(user.id),
        ctx.billing.service.invoices(user.id),
      ]);
      const sub = subscriptionToShow(current, all);
      const plan = sub ? await planOf(sub.planId) : null;
      const renewalPlan = sub?.nextPlanId ? await planOf(sub.nextPlanId) : plan;
      const updateUrl =
        sub && actionsFor(sub, ctx.now()).running ? await ctx.billing.service.paymentMethodUpdateUrl(sub).catch(() => null) : null;
      const paymentAction = sub && actionsFor(sub, ctx.now()).running ? await ctx.billing.service.paymentAction(sub.id) : null;
      const paused = !!sub && (await ctx.billing.service.pausedAtGateway(sub));
      const query = readForm(request, SubscriptionQuery, 'query');
      const notice = query.ok ? NOTICES[query.values.notice] : undefined;
      const page = subscriptionPage(await chrome(request), {
        csrf: reply.generateCsrf(),
        timeZone: timeZone(),
        now: ctx.now(),
        sub,
        plan,
        renewalPlan,
        updateUrl,
        paymentActionUrl: paymentAction?.url ?? null,
        paused,
        invoices,
        notice,
        finalCancellation: !!sub && finalCancellation(sub),
      });
      return sendPage(reply, 200, page);
    }),
  );

  app.get(
    '/account/subscription/cancel',
    page,
    signedIn('/account/subscription/cancel', async (request, reply, user) => {
      const found = await running(user);
      if (!found || !actionsFor(found.sub, ctx.now()).cancel) return reply.redirect('/account/subscription', 303);
      return sendPage(
        reply,
        200,
        cancelPage(await chrome(request), {
          csrf: reply.generateCsrf(),
          ...found,
          timeZone: timeZone(),
          finalCancellation: finalCancellation(found.sub),
        }),
      );
    }),
  );

  app.post(
    '/account/subscription/cancel',
    posts(SubscriptionForm),
    signedIn('/account/subscription', async (request, reply, user) => {
      const done = await withBillingPage(ctx, request, reply, () => ctx.billing.service.cancel(user, formSubscription(request)));
      return done.ok ? reply.redirect('/account/subscription?notice=cancelled', 303) : done.sent;
    }),
  );

  app.post(
    '/account/subscription/undo-cancel',
    posts(SubscriptionForm),
    signedIn('/account/subscription', async (request, reply, user) => {
      const done = await withBillingPage(ctx, request, reply, () => ctx.billing.service.undoCancel(user, formSubscription(request)));
      return done.ok ? reply.redirect('/account/subscription?notice=resumed', 303) : done.sent;
    }),
  );

  /** What switching to each other plan would do now, as the service quotes it. */
  async function planOptions(sub: Subscription, current: Plan): Promise<PlanOption[]> {
    const plans = await ctx.billing.service.activePlans();
    return Promise.all(
      plans
        .filter((p) => p.id !== current.id && p.id !== sub.nextPlanId)
        .map((plan) => ctx.billing.service.quoteChange(sub, current, plan)),
    );
  }

  app.get(
    '/account/subscription/change',
    page,
    signedIn('/account/subscription/change', async (request, reply, user) => {
      const found = await running(user);
      if (!found || !actionsFor(found.sub, ctx.now()).changePlan) return reply.redirect('/account/subscription', 303);
      const { sub, plan } = found;
      const next = sub.nextPlanId ? await planOf(sub.nextPlanId) : null;
      const options = await planOptions(sub, plan);
      return sendPage(
        reply,
        200,
        changePlanPage(await chrome(request), { csrf: reply.generateCsrf(), sub, current: plan, next, options, timeZone: timeZone() }),
      );
    }),
  );

  app.post(
    '/account/subscription/change',
    posts(ChangePlanForm),
    signedIn('/account/subscription/change', async (request, reply, user) => {
      const { subscription: id, plan: slug } = valuesOr404(readForm(request, ChangePlanForm));
      const done = await withBillingPage(ctx, request, reply, async () => {
        const previous = await planOf((await ctx.billing.service.owned(user, id)).planId);
        const outcome = await ctx.billing.service.changePlan(user, id, slug);
        if (!outcome.ok) return outcome;
        return ok({ previous, outcome: outcome.value, sub: await ctx.billing.service.owned(user, id) });
      });
      if (!done.ok) return done.sent;
      return sendPage(reply, 200, changedPage(await chrome(request), { ...done.value, timeZone: timeZone(), csrf: reply.generateCsrf() }));
    }),
  );

  /** A plan change the gateway refused for the payment method: a new subscription, paid through checkout, replaces this one. */
  app.post(
    '/account/subscription/replace',
    posts(ChangePlanForm),
    signedIn('/account/subscription/change', async (request, reply, user) => {
      const { subscription: id, plan: slug } = valuesOr404(readForm(request, ChangePlanForm));
      const done = await withBillingPage(ctx, request, reply, () => ctx.billing.service.startReplacement(user, id, slug));
      if (!done.ok) return done.sent;
      const { subscriptionId, start } = done.value;
      if (start.redirectUrl) return reply.redirect(start.redirectUrl, 303);
      if (!start.checkoutForm) throw new Error(`gateway gave neither a redirect nor a checkout form for subscription ${subscriptionId}`);
      const plan = await ctx.billing.service.activePlan(slug);
      if (!plan) throw new Error(`plan ${slug} vanished during checkout`);
      reply.header('content-security-policy', RAZORPAY_CSP);
      return sendPage(
        reply,
        200,
        razorpayCheckoutPage(await chrome(request), { plan, csrf: reply.generateCsrf(), checkoutForm: start.checkoutForm }),
      );
    }),
  );
}
