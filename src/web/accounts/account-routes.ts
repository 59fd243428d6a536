import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedSession } from '../../domain/accounts/session-service.js';
import type { AppContext } from '../../context.js';
import { clearSessionCookie } from '../http/auth.js';
import { pageChrome } from '../pages/chrome.js';
import { accountHomePage, deletePage, devicesPage, goodbyePage, passwordPage } from './account-views.js';
import { attempt, pageStatus, redirectToLogin, REFUSED, sendPage } from './flow.js';
import { checkId, checkPassword, collect, field, type FormState } from './forms.js';

type Query = { Querystring: Record<string, unknown> };
type Handler = (request: FastifyRequest, reply: FastifyReply, auth: ResolvedSession) => Promise<FastifyReply | string>;

const NOTICES: Record<string, string> = {
  'password-changed': 'Your password has been changed and your other devices signed out.',
  'device-signed-out': 'That device has been signed out.',
  'others-signed-out': 'Every other device has been signed out.',
};

const noticeOf = (query: Record<string, unknown>) => (typeof query.notice === 'string' ? NOTICES[query.notice] : undefined);

/** The signed-in reader's pages. Every one needs a session; without one the reader is sent to sign in. */
export async function accountPageRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);
  /** Wraps a handler: signed-out readers go to sign in and come back to `back`. */
  const signedIn = (back: string, handler: Handler) => async (request: FastifyRequest, reply: FastifyReply) =>
    request.auth ? handler(request, reply, request.auth) : redirectToLogin(reply, back);

  app.get<Query>(
    '/account',
    signedIn('/account', async (request, reply, auth) => {
      const devices = await ctx.accounts.listDevices(auth);
      const page = accountHomePage(await chrome(request), {
        csrf: reply.generateCsrf(),
        user: auth.user,
        deviceCount: devices.length,
        timeZone: ctx.policy.timeZone,
        notice: noticeOf(request.query as Record<string, unknown>),
      });
      return sendPage(reply, 200, page);
    }),
  );

  async function showDevices(
    request: FastifyRequest,
    reply: FastifyReply,
    auth: ResolvedSession,
    status: number,
    extra: { notice?: string; error?: string },
  ) {
    const devices = await ctx.accounts.listDevices(auth);
    return sendPage(
      reply,
      status,
      devicesPage(await chrome(request), { csrf: reply.generateCsrf(), devices, timeZone: ctx.policy.timeZone, ...extra }),
    );
  }

  app.get<Query>(
    '/account/devices',
    signedIn('/account/devices', (request, reply, auth) =>
      showDevices(request, reply, auth, 200, { notice: noticeOf(request.query as Record<string, unknown>) }),
    ),
  );

  /** Signs out one of the reader's own devices (another reader's session id is simply not found). */
  app.post<{ Params: { id: string } }>(
    '/account/devices/:id/sign-out',
    signedIn('/account/devices', async (request, reply, auth) => {
      const id = checkId((request.params as { id: string }).id);
      if (!id) return showDevices(request, reply, auth, REFUSED, { error: 'That is not a device of this account.' });
      const signedOut = await ctx.accounts.signOutDevice(auth, id);
      if (!signedOut.ok) return showDevices(request, reply, auth, pageStatus(signedOut.code), { error: signedOut.message });
      if (id === auth.sessionId) {
        clearSessionCookie(ctx, reply);
        return reply.redirect('/', 303);
      }
      return reply.redirect('/account/devices?notice=device-signed-out', 303);
    }),
  );

  app.post(
    '/account/devices/sign-out-others',
    signedIn('/account/devices', async (_request, reply, auth) => {
      await ctx.accounts.signOutOtherDevices(auth);
      return reply.redirect('/account/devices?notice=others-signed-out', 303);
    }),
  );

  const showPassword = async (request: FastifyRequest, reply: FastifyReply, auth: ResolvedSession, status: number, form?: FormState) =>
    sendPage(reply, status, passwordPage(await chrome(request), { csrf: reply.generateCsrf(), hasPassword: auth.user.hasPassword, form }));

  app.get(
    '/account/password',
    signedIn('/account/password', (request, reply, auth) => showPassword(request, reply, auth, 200)),
  );

  app.post(
    '/account/password',
    signedIn('/account/password', async (request, reply, auth) => {
      const checked = collect(
        {
          current: checkPassword(field(request.body, 'current'), { optional: !auth.user.hasPassword }),
          password: checkPassword(field(request.body, 'password')),
        },
        {},
      );
      if (!checked.ok) return showPassword(request, reply, auth, REFUSED, checked.form);
      const { current, password } = checked.values;
      const result = await attempt(reply, () =>
        ctx.accounts.changePassword({ userId: auth.user.id, current, next: password ?? '', keepSessionId: auth.sessionId }),
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
    }),
  );

  /** Data portability: everything stored about the reader, as a JSON file. */
  app.get(
    '/account/export',
    signedIn('/account/export', async (_request, reply, auth) => {
      const now = ctx.now();
      const data = await ctx.accounts.exportData(auth.user.id);
      if (!data) return redirectToLogin(reply, '/account/export');
      const filename = `account-data-${now.toISOString().slice(0, 10)}.json`;
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(`${JSON.stringify(data, null, 2)}\n`);
    }),
  );

  const showDelete = async (request: FastifyRequest, reply: FastifyReply, auth: ResolvedSession, status: number, form?: FormState) =>
    sendPage(reply, status, deletePage(await chrome(request), { csrf: reply.generateCsrf(), email: auth.user.email, form }));

  app.get(
    '/account/delete',
    signedIn('/account/delete', (request, reply, auth) => showDelete(request, reply, auth, 200)),
  );

  app.post(
    '/account/delete',
    signedIn('/account/delete', async (request, reply, auth) => {
      const typed = field(request.body, 'confirm');
      if (typed.trim() !== 'DELETE') {
        const error = typed.length > 20 || !typed.trim() ? 'Type DELETE to confirm.' : 'Type DELETE in capital letters to confirm.';
        return showDelete(request, reply, auth, REFUSED, { values: { confirm: typed.slice(0, 20) }, errors: { confirm: error } });
      }
      await ctx.accounts.deleteAccount(auth.user.id);
      clearSessionCookie(ctx, reply);
      const page = goodbyePage({ ...(await chrome(request)), user: null });
      return sendPage(reply, 200, page);
    }),
  );
}
