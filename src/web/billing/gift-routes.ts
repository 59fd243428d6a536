import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../domain/accounts/model.js';
import { isEmail, normaliseEmail } from '../../domain/accounts/model.js';
import { addTerm } from '../../domain/billing/lifecycle.js';
import type { Plan } from '../../domain/billing/plans.js';
import { ok } from '../../domain/errors.js';
import { DELIVERY_HORIZON } from '../../domain/gifts/model.js';
import { checkGiftOrder } from '../../domain/gifts/rules.js';
import { dayIn } from '../../domain/time/zoned.js';
import { redirectToLogin, sendPage } from '../accounts/flow.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { form, id, keyword, readForm, text, type FormState } from '../http/forms.js';
import { gatewayFormCsp, planOnSale } from './plan-forms.js';
import { pageChrome } from '../pages/chrome.js';
import { withBillingPage } from './failures.js';
import { NoFields, PlanParams, valuesOr404 } from './forms.js';
import { accountGiftsPage, alreadyRedeemedPage, giftFormPage, giftOutcomePage, redeemedPage, redeemPage } from './gift-views.js';
import { ProfileForm, profileValues, readProfile } from './profile-form.js';

/** The gift form: the billing details checkout asks, and who the gift is for and when it goes. */
const GiftForm = form({
  ...ProfileForm.properties,
  recipient_email: text({ maxLength: 320, messages: { maxLength: 'Enter an email address like name@example.com.' } }),
  recipient_name: text({ maxLength: 400, messages: { maxLength: 'Use at most 100 characters.' } }),
  message: text({ maxLength: 5000, messages: { maxLength: 'Keep the message to 500 characters or fewer.' } }),
  deliver: keyword(['now', 'date']),
  deliver_on: text({ maxLength: 40, messages: { maxLength: 'Enter a date like 2026-12-25.' } }),
});
const GIFT_FIELDS = ['recipient_email', 'recipient_name', 'message', 'deliver', 'deliver_on'] as const;
const CompleteQuery = form({ gift: id({ invalid: 'There is no such gift.' }), declined: keyword(['1']) });
const TokenParams = form({
  token: text({ maxLength: 64, pattern: '^[A-Za-z0-9_-]{43}$', messages: { invalid: 'This gift link is not valid.' } }),
});
const GiftParams = form({ id: id({ invalid: 'There is no such gift on your account.' }) });
const GiftsQuery = form({
  before: text({ maxLength: 10, pattern: '^([1-9][0-9]{0,9})?$', messages: { invalid: 'There is no such page.' } }),
  notice: keyword(['resent', 'changed']),
});
const RecipientForm = form({
  email: text({ maxLength: 320, normalise: ['trim', 'lower'], messages: { maxLength: 'Enter an email address like name@example.com.' } }),
});
const READS = { attachValidation: true } as const;

/**
 * Gift subscriptions for readers: the form to buy one (/gift/:plan), the page the gateway returns to, the
 * redemption page the gift email links to (/gift/redeem/:token), and the buyer's gifts (/account/gifts).
 */
export async function giftRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);
  const timeZone = () => ctx.policy.timeZone;
  const gifts = ctx.billing.gifts;
  const catalogue = ctx.business.catalogue;

  async function planOf(request: FastifyRequest): Promise<Plan> {
    // Without a gateway that takes one-time payments there is nothing to buy here.
    if (!gifts.available()) throw new HttpProblem('not-found', 'Gifts are not on sale.');
    return planOnSale(ctx, request);
  }

  const formCsp = gatewayFormCsp(ctx);
  const showForm = async (request: FastifyRequest, reply: FastifyReply, status: number, plan: Plan, state: FormState) => {
    const today = dayIn(ctx.now(), timeZone());
    const last = dayIn(addTerm(today.start, DELIVERY_HORIZON, timeZone()), timeZone());
    reply.header('content-security-policy', formCsp);
    const page = giftFormPage(await chrome(request), {
      plan,
      csrf: reply.generateCsrf(),
      form: state,
      days: { today: today.date, last: last.date },
    });
    return sendPage(reply, status, page);
  };

  app.get('/gift/:plan', { schema: { params: PlanParams, querystring: NoFields }, ...READS }, async (request, reply) => {
    const plan = await planOf(request);
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/gift/${plan.slug}`);
    const profile = await ctx.billing.service.billingProfile(user.id);
    return showForm(request, reply, 200, plan, { values: { ...profileValues(profile, user.name), deliver: 'now' }, errors: {} });
  });

  app.post('/gift/:plan', { schema: { params: PlanParams, body: GiftForm }, ...READS }, async (request, reply) => {
    const plan = await planOf(request);
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/gift/${plan.slug}`);
    const read = readForm(request, GiftForm);
    const profile = readProfile(readForm(request, ProfileForm));
    const typed = read.ok ? read.values : { ...read.valid, ...read.form.values };
    const order = checkGiftOrder(
      Object.fromEntries(GIFT_FIELDS.map((name) => [name, typeof typed[name] === 'string' ? typed[name] : ''])) as Record<
        (typeof GIFT_FIELDS)[number],
        string
      >,
      ctx.now(),
      timeZone(),
    );
    if (!read.ok || !profile.ok || !order.ok) {
      const values: Record<string, string> = read.ok ? { ...read.values } : read.form.values;
      const errors = {
        ...(profile.ok ? {} : profile.form.errors),
        ...(order.ok ? {} : order.errors),
        ...(read.ok ? {} : read.form.errors),
      };
      return showForm(request, reply, 400, plan, { values, errors });
    }
    await ctx.billing.service.saveBillingProfile(user.id, profile.profile);
    const started = await withBillingPage(ctx, request, reply, async () => ok(await gifts.startPurchase(user, plan.slug, order.order)));
    if (!started.ok) return started.sent;
    return reply.redirect(started.value.redirectUrl, 303);
  });

  app.get('/gift/complete', { schema: { querystring: CompleteQuery }, ...READS }, async (request, reply) => {
    const { gift: giftId, declined } = valuesOr404(readForm(request, CompleteQuery, 'query'));
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/gift/complete?gift=${giftId}`);
    const gift = await gifts.owned(user, giftId);
    return sendPage(reply, 200, giftOutcomePage(await chrome(request), { gift, declined: declined === '1', timeZone: timeZone() }));
  });

  /** The gift behind a link, or the 404 page for a link that names none (unknown, unpaid, refunded, expired). */
  async function giftOf(request: FastifyRequest) {
    const { token } = valuesOr404(readForm(request, TokenParams, 'params'));
    const gift = await gifts.view(token);
    if (!gift) throw new HttpProblem('not-found', 'This gift link is not valid, or it has expired.');
    return { token, gift };
  }

  // Looking never redeems (mail scanners open links): only the signed-in reader's button does.
  app.get('/gift/redeem/:token', { schema: { params: TokenParams, querystring: NoFields }, ...READS }, async (request, reply) => {
    const { token, gift } = await giftOf(request);
    reply.header('referrer-policy', 'no-referrer');
    if (gift.redeemed) return sendPage(reply, 409, alreadyRedeemedPage(await chrome(request)));
    const page = redeemPage(await chrome(request), {
      gift,
      includes: catalogue.offered(gift.entitlements),
      token,
      csrf: request.auth ? reply.generateCsrf() : null,
      timeZone: timeZone(),
    });
    return sendPage(reply, 200, page);
  });

  app.post('/gift/redeem/:token', { schema: { params: TokenParams, body: NoFields }, ...READS }, async (request, reply) => {
    const { token } = valuesOr404(readForm(request, TokenParams, 'params'));
    reply.header('referrer-policy', 'no-referrer');
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, `/gift/redeem/${token}`);
    const redeemed = await gifts.redeem(user, token);
    if (!redeemed.ok) {
      if (redeemed.code === 'not-found') throw new HttpProblem('not-found', redeemed.message);
      return sendPage(reply, 409, alreadyRedeemedPage(await chrome(request)));
    }
    const page = redeemedPage(await chrome(request), {
      ...redeemed.value,
      includes: catalogue.offered(redeemed.value.entitlements),
      timeZone: timeZone(),
    });
    return sendPage(reply, 200, page);
  });

  const accountPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    status: number,
    extra: Partial<Parameters<typeof accountGiftsPage>[1]> = {},
  ) => {
    const read = readForm(request, GiftsQuery, 'query');
    const before = read.ok && read.values.before ? Number(read.values.before) : null;
    const list = await gifts.list(user.id, before);
    const last = list.at(-1);
    const page = accountGiftsPage(await chrome(request), {
      gifts: list,
      next: list.length === gifts.pageSize && last ? last.id : null,
      csrf: reply.generateCsrf(),
      timeZone: timeZone(),
      now: ctx.now(),
      notice: read.ok && (read.values.notice === 'resent' || read.values.notice === 'changed') ? read.values.notice : null,
      ...extra,
    });
    return sendPage(reply, status, page);
  };

  app.get('/account/gifts', { schema: { querystring: GiftsQuery }, ...READS }, async (request, reply) => {
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, '/account/gifts');
    return accountPage(request, reply, user, 200);
  });

  app.post('/account/gifts/:id/resend', { schema: { params: GiftParams, body: NoFields }, ...READS }, async (request, reply) => {
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, '/account/gifts');
    const { id: giftId } = valuesOr404(readForm(request, GiftParams, 'params'));
    const sent = await withBillingPage(ctx, request, reply, () => gifts.resend(user, giftId));
    if (!sent.ok) return sent.sent;
    return reply.redirect('/account/gifts?notice=resent', 303);
  });

  app.post('/account/gifts/:id/recipient', { schema: { params: GiftParams, body: RecipientForm }, ...READS }, async (request, reply) => {
    const user = request.auth?.user;
    if (!user) return redirectToLogin(reply, '/account/gifts');
    const { id: giftId } = valuesOr404(readForm(request, GiftParams, 'params'));
    const read = readForm(request, RecipientForm);
    const email = read.ok ? normaliseEmail(read.values.email) : '';
    if (!isEmail(email)) {
      await gifts.owned(user, giftId);
      const state = {
        values: { email: read.ok ? read.values.email : (read.form.values.email ?? '') },
        errors: { email: 'Enter an email address like name@example.com.' },
      };
      return accountPage(request, reply, user, 400, { form: { giftId, state } });
    }
    const changed = await withBillingPage(ctx, request, reply, () => gifts.changeRecipient(user, giftId, email));
    if (!changed.ok) return changed.sent;
    return reply.redirect('/account/gifts?notice=changed', 303);
  });
}
