import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ok } from '../../domain/errors.js';
import type { AppContext } from '../../context.js';
import { clearSessionCookie } from '../http/auth.js';
import { pageChrome } from '../pages/chrome.js';
import {
  attempt,
  authOrigin,
  bindBrowser,
  deviceInfo,
  finishSignIn,
  nextFromCookie,
  readBinding,
  REFUSED,
  sendPage,
  showDeviceChoice,
} from './flow.js';
import { checkCode, checkEmail, checkId, checkName, checkPassword, checkToken, collect, field, safeNext, type FormState } from './forms.js';
import { checkEmailPage, linkProblemPage, loginPage, registerPage } from './sign-in-views.js';

type Query = { Querystring: Record<string, unknown> };

/** Notices another step sends the reader here with (a fixed list: no text from the URL is shown). */
const NOTICES: Record<string, string> = {
  'password-reset': 'Your password has been changed and every device was signed out. Sign in with your new password.',
  'choice-expired': 'That choice has expired. Sign in again.',
};

/** Sign-up, sign-in by password, emailed code or link, the device-limit choice, sign-out. */
export async function signInRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);

  async function showLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    data: { next: string; password?: FormState; code?: FormState; notice?: string },
  ) {
    return sendPage(reply, status, loginPage(await chrome(request), { csrf: reply.generateCsrf(), ...data }));
  }

  async function showCodeForm(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    data: { next: string; email: string; form?: FormState; showEmailField?: boolean },
  ) {
    return sendPage(reply, status, checkEmailPage(await chrome(request), { csrf: reply.generateCsrf(), purpose: 'sign-in', ...data }));
  }

  app.get<Query>('/login', async (request, reply) => {
    const next = safeNext(request.query.next);
    if (request.auth) return reply.redirect(next, 303);
    const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
    return showLogin(request, reply, 200, { next, notice });
  });

  app.post('/login', async (request, reply) => {
    const next = safeNext(field(request.body, 'next'));
    const typed = { email: field(request.body, 'email') };
    const checked = collect({ email: checkEmail(typed.email), password: checkPassword(field(request.body, 'password')) }, typed);
    if (!checked.ok) return showLogin(request, reply, REFUSED, { next, password: checked.form });
    const { email, password } = checked.values;
    const result = await attempt(reply, () =>
      ctx.accounts.signInWithPassword({ email, password: password ?? '', device: deviceInfo(request), origin: authOrigin(ctx, request) }),
    );
    if (!result.ok)
      return showLogin(request, reply, result.failure.status, {
        next,
        password: { values: typed, errors: {}, message: result.failure.message },
      });
    return finishSignIn(ctx, request, reply, result.value, next);
  });

  /** "Email me a sign-in code": the same page follows whether or not the address has an account. */
  app.post('/login/email', async (request, reply) => {
    const next = safeNext(field(request.body, 'next'));
    const typed = { email: field(request.body, 'email') };
    const checked = collect({ email: checkEmail(typed.email) }, typed);
    if (!checked.ok) return showLogin(request, reply, REFUSED, { next, code: checked.form });
    const { email } = checked.values;
    const binding = bindBrowser(ctx, request, reply, next);
    const result = await attempt(reply, async () =>
      ok(await ctx.accounts.requestSignInCode({ email, binding, origin: authOrigin(ctx, request) })),
    );
    if (!result.ok)
      return showLogin(request, reply, result.failure.status, {
        next,
        code: { values: typed, errors: {}, message: result.failure.message },
      });
    return showCodeForm(request, reply, 200, { next, email });
  });

  app.get<Query>('/register', async (request, reply) => {
    const next = safeNext(request.query.next);
    if (request.auth) return reply.redirect('/account', 303);
    return sendPage(reply, 200, registerPage(await chrome(request), { csrf: reply.generateCsrf(), next }));
  });

  /** Step 1 of sign-up: the account exists only once the emailed code or link proves the address. */
  app.post('/register', async (request, reply) => {
    const next = safeNext(field(request.body, 'next'));
    const typed = { name: field(request.body, 'name'), email: field(request.body, 'email') };
    const checked = collect(
      {
        name: checkName(typed.name),
        email: checkEmail(typed.email),
        password: checkPassword(field(request.body, 'password'), { optional: true }),
      },
      typed,
    );
    const show = async (status: number, form: FormState) =>
      sendPage(reply, status, registerPage(await chrome(request), { csrf: reply.generateCsrf(), next, form }));
    if (!checked.ok) return show(REFUSED, checked.form);
    const { name, email, password } = checked.values;
    const binding = bindBrowser(ctx, request, reply, next);
    const result = await attempt(reply, () =>
      ctx.accounts.requestSignUp({ email, name, password, binding, origin: authOrigin(ctx, request) }),
    );
    if (!result.ok) {
      const { failure } = result;
      if (failure.code === 'weak-password') return show(failure.status, { values: typed, errors: { password: failure.message } });
      return show(failure.status, { values: typed, errors: {}, message: failure.message });
    }
    return showCodeForm(request, reply, 200, { next, email });
  });

  /** The code form on its own, for a reader who comes back to it later. */
  app.get<Query>('/login/code', async (request, reply) =>
    showCodeForm(request, reply, 200, { next: safeNext(request.query.next), email: '', showEmailField: true }),
  );

  app.post('/login/code', async (request, reply) => {
    const next = safeNext(field(request.body, 'next'));
    const typed = { email: field(request.body, 'email'), code: field(request.body, 'code') };
    const email = checkEmail(typed.email);
    const checked = collect({ email, code: checkCode(typed.code) }, typed);
    const shownEmail = email.ok ? email.value : '';
    if (!checked.ok) return showCodeForm(request, reply, REFUSED, { next, email: shownEmail, form: checked.form });
    const answer = { email: checked.values.email, code: checked.values.code };
    const result = await attempt(reply, () =>
      ctx.accounts.completeSignIn({ answer, binding: readBinding(request), device: deviceInfo(request), origin: authOrigin(ctx, request) }),
    );
    if (!result.ok) {
      const { failure } = result;
      const form: FormState = {
        values: { email: shownEmail },
        errors: failure.status === REFUSED ? { code: failure.message } : {},
        message: failure.status === REFUSED ? undefined : failure.message,
      };
      return showCodeForm(request, reply, failure.status, { next, email: shownEmail, form });
    }
    return finishSignIn(ctx, request, reply, result.value, next);
  });

  /** The emailed link. It works once, for 10 minutes, in the browser that asked for it. */
  app.get<Query>('/login/link', async (request, reply) => {
    const next = nextFromCookie(request);
    const problem = async (status: number, title: string, message: string, advice?: string) =>
      sendPage(reply, status, linkProblemPage(await chrome(request), { csrf: reply.generateCsrf(), next, title, message, advice }));
    const token = checkToken(typeof request.query.token === 'string' ? request.query.token : '');
    if (!token)
      return problem(
        REFUSED,
        'This link is not complete',
        'The sign-in link is missing part of its address.',
        'Copy the whole link from the email, or type the 6-digit code instead.',
      );
    const result = await attempt(reply, () =>
      ctx.accounts.completeSignIn({
        answer: { linkToken: token },
        binding: readBinding(request),
        device: deviceInfo(request),
        origin: authOrigin(ctx, request),
      }),
    );
    if (result.ok) return finishSignIn(ctx, request, reply, result.value, next);
    const { failure } = result;
    const title =
      failure.code === 'wrong-browser'
        ? 'Open this link in the browser where you asked for it'
        : failure.code === 'rate-limited'
          ? 'Too many attempts'
          : 'This link does not work any more';
    return problem(failure.status, title, failure.message);
  });

  /** At the device limit: sign out the chosen device and sign in here. */
  app.post('/login/replace-device', async (request, reply) => {
    const next = safeNext(field(request.body, 'next'));
    const choiceToken = checkToken(field(request.body, 'choiceToken'));
    const deviceId = checkId(field(request.body, 'deviceId'));
    const again = (status: number, message: string) =>
      showLogin(request, reply, status, { next, password: { values: {}, errors: {}, message } });
    if (!choiceToken || !deviceId) return again(REFUSED, 'That choice is not valid. Sign in again.');
    const result = await attempt(reply, () =>
      ctx.accounts.replaceDevice({ choiceToken, deviceId, device: deviceInfo(request), origin: authOrigin(ctx, request) }),
    );
    if (result.ok) return finishSignIn(ctx, request, reply, result.value, next);
    const { failure } = result;
    // Not one of the account's devices: the choice is still open, so the reader chooses again.
    const choice = failure.code === 'not-found' ? await ctx.accounts.deviceChoice(choiceToken) : null;
    if (choice) return showDeviceChoice(ctx, request, reply, failure.status, { next, choiceToken, ...choice, message: failure.message });
    return again(failure.status, failure.code === 'not-found' ? `${failure.message} Sign in again.` : failure.message);
  });

  app.post('/logout', async (request, reply) => {
    if (request.auth) await ctx.accounts.signOut(request.auth);
    clearSessionCookie(ctx, reply);
    return reply.redirect('/', 303);
  });
}
