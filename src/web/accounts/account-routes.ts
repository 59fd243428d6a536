import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedSession } from '../../domain/accounts/session-service.js';
import { actorOf, can } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { holdingsOf, idOfSource } from '../../domain/entitlements/holdings.js';
import { clearSessionCookie, requireSession as session } from '../http/auth.js';
import { readForm, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { accountHomePage, deletePage, devicesPage, goodbyePage, passwordPage } from './account-views.js';
import { attempt, pageStatus, redirectToLogin, REFUSED, sendPage } from './flow.js';
import { AccountQuery, DeleteForm, DeviceParams, NoFields, PasswordForm } from './forms.js';
import { groupAccessOf } from './group-routes.js';
import { ACCOUNT_NOTICES } from './account-notices.js';
import { accountNewsletters } from '../newsletters/views.js';

const NOTICES: Readonly<Record<string, string>> = ACCOUNT_NOTICES;

/** The signed-in reader's pages. Every one needs a session; without one the reader is sent to sign in. */
export function accountPageRoutes(scope: FastifyInstance, ctx: AppContext): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);
  /** Route options: a signed-out reader is sent to sign in and comes back to `back` (after the CSRF check, as any form). */
  const signedIn = (back: string) => ({
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.auth) return redirectToLogin(reply, back);
    },
  });

  app.get('/account', { schema: { querystring: AccountQuery }, ...signedIn('/account') }, async (request, reply) => {
    const auth = session(request);
    const [devices, grants, subscriptions, gifts, partners] = await Promise.all([
      ctx.accounts.listDevices(auth),
      ctx.accounts.listEntitlements(auth.user.id),
      ctx.billing.service.list(auth.user.id),
      ctx.gifts.allowance(auth.user.id),
      ctx.partners.claims.accessOf(auth.user.id),
    ]);
    // The plan each subscription a grant came from is on, by name (a plan may since have been retired or renamed).
    const planNames = new Map<number, string>();
    for (const id of new Set(subscriptions.map((sub) => sub.planId))) {
      const plan = await ctx.billing.service.plan(id);
      if (plan) planNames.set(id, plan.name);
    }
    // And each group a grant came from, by its name.
    const groupIds = grants.map((g) => idOfSource(g.source, 'group')).filter((id) => id !== null);
    const groupNames = await ctx.groups.names(groupIds);
    const sourceNames = new Map<string, string>([
      ...subscriptions.flatMap((sub) => {
        const name = planNames.get(sub.planId);
        return name === undefined ? [] : [[`subscription:${sub.id}`, name] as const];
      }),
      ...[...groupNames].map(([id, name]) => [`group:${id}`, name] as const),
    ]);
    const csrf = reply.generateCsrf();
    const page = accountHomePage(await chrome(request), {
      csrf,
      user: auth.user,
      deviceCount: devices.length,
      holdings: holdingsOf(grants, ctx.business.catalogue, sourceNames),
      gifts,
      partners,
      giftSubscriptions: ctx.billing.gifts.available(),
      timeZone: ctx.policy.timeZone,
      notice: NOTICES[request.query.notice],
      groups: await groupAccessOf(ctx, request, csrf),
      newsletters: accountNewsletters(await ctx.newsletters.subscriptions.preferences(auth.user.email), csrf),
    });
    return sendPage(reply, 200, page);
  });

  async function showDevices(
    request: FastifyRequest,
    reply: FastifyReply,
    auth: ResolvedSession,
    status: number,
    extra: { notice?: string | undefined; error?: string | undefined },
  ) {
    const actor = actorOf(auth.user);
    const devices = (await ctx.accounts.listDevices(auth)).map((d) => ({ ...d, canSignOut: can(actor, 'signOutDevice', d) }));
    return sendPage(
      reply,
      status,
      devicesPage(await chrome(request), { csrf: reply.generateCsrf(), devices, timeZone: ctx.policy.timeZone, ...extra }),
    );
  }

  app.get('/account/devices', { schema: { querystring: AccountQuery }, ...signedIn('/account/devices') }, async (request, reply) =>
    showDevices(request, reply, session(request), 200, { notice: NOTICES[request.query.notice] }),
  );

  /** Signs out one of the reader's own devices (another reader's device is simply not found: policy `signOutDevice`). */
  app.post(
    '/account/devices/:id/sign-out',
    { schema: { params: DeviceParams, body: NoFields }, attachValidation: true, ...signedIn('/account/devices') },
    async (request, reply) => {
      const auth = session(request);
      const read = readForm(request, DeviceParams, 'params');
      if (!read.ok) return showDevices(request, reply, auth, REFUSED, { error: read.messages[0] });
      const { id } = read.values;
      const signedOut = await ctx.accounts.signOutDevice(auth, id);
      if (!signedOut.ok) return showDevices(request, reply, auth, pageStatus(signedOut.code), { error: signedOut.message });
      if (id === auth.sessionId) {
        clearSessionCookie(ctx, reply);
        return reply.redirect('/', 303);
      }
      return reply.redirect('/account/devices?notice=device-signed-out', 303);
    },
  );

  app.post('/account/devices/sign-out-others', { schema: { body: NoFields }, ...signedIn('/account/devices') }, async (request, reply) => {
    const auth = session(request);
    await ctx.accounts.signOutOtherDevices(auth);
    return reply.redirect('/account/devices?notice=others-signed-out', 303);
  });

  const showPassword = async (request: FastifyRequest, reply: FastifyReply, auth: ResolvedSession, status: number, form?: FormState) =>
    sendPage(reply, status, passwordPage(await chrome(request), { csrf: reply.generateCsrf(), hasPassword: auth.user.hasPassword, form }));

  app.get('/account/password', { schema: { querystring: NoFields }, ...signedIn('/account/password') }, async (request, reply) =>
    showPassword(request, reply, session(request), 200),
  );

  app.post(
    '/account/password',
    { schema: { body: PasswordForm }, attachValidation: true, ...signedIn('/account/password') },
    async (request, reply) => {
      const auth = session(request);
      const read = readForm(request, PasswordForm);
      if (!read.ok) return showPassword(request, reply, auth, REFUSED, read.form);
      const { current, password } = read.values;
      const result = await attempt(reply, () =>
        ctx.accounts.changePassword({ userId: auth.user.id, current: current || null, next: password, keepSessionId: auth.sessionId }),
      );
      if (!result.ok) {
        const { code, status, message } = result.failure;
        const errors: Record<string, string> =
          code === 'invalid-credentials' ? { current: message } : code === 'weak-password' ? { password: message } : {};
        return showPassword(request, reply, auth, status, {
          values: {},
          errors,
          message: Object.keys(errors).length ? undefined : message,
        });
      }
      return reply.redirect('/account?notice=password-changed', 303);
    },
  );

  /** Data portability: everything stored about the reader, as a JSON file (policy `manageOwnAccount`). */
  app.get('/account/export', { schema: { querystring: NoFields }, ...signedIn('/account/export') }, async (request, reply) => {
    const auth = session(request);
    const data = await ctx.accounts.exportData(actorOf(auth.user), auth.user.id);
    if (!data) return redirectToLogin(reply, '/account/export');
    const filename = `account-data-${ctx.now().toISOString().slice(0, 10)}.json`;
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(`${JSON.stringify(data, null, 2)}\n`);
  });

  const showDelete = async (request: FastifyRequest, reply: FastifyReply, auth: ResolvedSession, status: number, form?: FormState) =>
    sendPage(reply, status, deletePage(await chrome(request), { csrf: reply.generateCsrf(), email: auth.user.email, form }));

  app.get('/account/delete', { schema: { querystring: NoFields }, ...signedIn('/account/delete') }, async (request, reply) =>
    showDelete(request, reply, session(request), 200),
  );

  /**
   * Deletes the reader's own account (policy `manageOwnAccount`) once they type DELETE; a running
   * subscription is stopped at its gateway first, and when that fails nothing is deleted.
   */
  app.post(
    '/account/delete',
    { schema: { body: DeleteForm }, attachValidation: true, ...signedIn('/account/delete') },
    async (request, reply) => {
      const auth = session(request);
      const read = readForm(request, DeleteForm);
      if (!read.ok) return showDelete(request, reply, auth, REFUSED, read.form);
      const deleted = await ctx.accounts.deleteAccount(actorOf(auth.user), auth.user.id);
      if (!deleted.ok) {
        // A gateway could not stop the subscription's renewals: nothing was erased, the reader may try again.
        request.log.error({ failure: deleted }, 'account not deleted: a subscription could not be stopped');
        return showDelete(request, reply, auth, pageStatus(deleted.code), { values: {}, errors: {}, message: deleted.message });
      }
      clearSessionCookie(ctx, reply);
      const page = goodbyePage({ ...(await chrome(request)), user: null });
      return sendPage(reply, 200, page);
    },
  );
}
