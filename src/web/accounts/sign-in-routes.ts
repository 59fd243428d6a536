import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ok } from '../../domain/errors.js';
import type { AppContext } from '../../context.js';
import { clearSessionCookie } from '../http/auth.js';
import { readForm, type FormState } from '../http/forms.js';
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
import {
  CodeForm,
  CodeRequestForm,
  DeviceChoiceForm,
  LinkQuery,
  LoginForm,
  LoginQuery,
  NextQuery,
  NoFields,
  RegisterForm,
} from './forms.js';
import { checkEmailPage, linkProblemPage, loginPage, registerPage } from './sign-in-views.js';

/** Notices another step sends the reader here with (a fixed list: no text from the URL is shown). */
const NOTICES: Record<string, string> = {
  'password-reset': 'Your password has been changed and every device was signed out. Sign in with your new password.',
  'choice-expired': 'That choice has expired. Sign in again.',
};

/** Sign-up, sign-in by password, emailed code or link, the device-limit choice, sign-out. */
export function signInRoutes(scope: FastifyInstance, ctx: AppContext): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);

  async function showLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    data: { next: string; password?: FormState | undefined; code?: FormState | undefined; notice?: string | undefined },
  ) {
    return sendPage(reply, status, loginPage(await chrome(request), { csrf: reply.generateCsrf(), ...data }));
  }

  async function showCodeForm(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    data: { next: string; email: string; form?: FormState | undefined; showEmailField?: boolean | undefined },
  ) {
    return sendPage(reply, status, checkEmailPage(await chrome(request), { csrf: reply.generateCsrf(), purpose: 'sign-in', ...data }));
  }

  app.get('/login', { schema: { querystring: LoginQuery } }, async (request, reply) => {
    const { next, notice } = request.query;
    if (request.auth) return reply.redirect(next, 303);
    return showLogin(request, reply, 200, { next, notice: NOTICES[notice] });
  });

  app.post('/login', { schema: { body: LoginForm }, attachValidation: true }, async (request, reply) => {
    const read = readForm(request, LoginForm);
    const next = read.ok ? read.values.next : (read.valid.next ?? '/');
    if (!read.ok) return showLogin(request, reply, REFUSED, { next, password: read.form });
    const { email, password } = read.values;
    const result = await attempt(reply, () =>
      ctx.accounts.signInWithPassword({ email, password, device: deviceInfo(request), origin: authOrigin(ctx, request) }),
    );
    if (!result.ok)
      return showLogin(request, reply, result.failure.status, {
        next,
        password: { values: { email }, errors: {}, message: result.failure.message },
      });
    return finishSignIn(ctx, request, reply, result.value, next);
  });

  /** "Email me a sign-in code": the same page follows whether or not the address has an account. */
  app.post('/login/email', { schema: { body: CodeRequestForm }, attachValidation: true }, async (request, reply) => {
    const read = readForm(request, CodeRequestForm);
    const next = read.ok ? read.values.next : (read.valid.next ?? '/');
    if (!read.ok) return showLogin(request, reply, REFUSED, { next, code: read.form });
    const { email } = read.values;
    const binding = bindBrowser(ctx, request, reply, next);
    const result = await attempt(reply, async () => {
      await ctx.accounts.requestSignInCode({ email, binding, origin: authOrigin(ctx, request) });
      return ok(undefined);
    });
    if (!result.ok)
      return showLogin(request, reply, result.failure.status, {
        next,
        code: { values: { email }, errors: {}, message: result.failure.message },
      });
    return showCodeForm(request, reply, 200, { next, email });
  });

  app.get('/register', { schema: { querystring: NextQuery } }, async (request, reply) => {
    if (request.auth) return reply.redirect('/account', 303);
    return sendPage(reply, 200, registerPage(await chrome(request), { csrf: reply.generateCsrf(), next: request.query.next }));
  });

  /** Step 1 of sign-up: the account exists only once the emailed code or link proves the address. */
  app.post('/register', { schema: { body: RegisterForm }, attachValidation: true }, async (request, reply) => {
    const read = readForm(request, RegisterForm);
    const next = read.ok ? read.values.next : (read.valid.next ?? '/');
    const show = async (status: number, form: FormState) =>
      sendPage(reply, status, registerPage(await chrome(request), { csrf: reply.generateCsrf(), next, form }));
    if (!read.ok) return show(REFUSED, read.form);
    const { name, email, password } = read.values;
    const binding = bindBrowser(ctx, request, reply, next);
    const result = await attempt(reply, () =>
      ctx.accounts.requestSignUp({ email, name, password: password || null, binding, origin: authOrigin(ctx, request) }),
    );
    if (!result.ok) {
      const { failure } = result;
      const typed = { name, email };
      if (failure.code === 'weak-password') return show(failure.status, { values: typed, errors: { password: failure.message } });
      return show(failure.status, { values: typed, errors: {}, message: failure.message });
    }
    return showCodeForm(request, reply, 200, { next, email });
  });

  /** The code form on its own, for a reader who comes back to it later. */
  app.get('/login/code', { schema: { querystring: NextQuery } }, async (request, reply) =>
    showCodeForm(request, reply, 200, { next: request.query.next, email: '', showEmailField: true }),
  );

  app.post('/login/code', { schema: { body: CodeForm }, attachValidation: true }, async (request, reply) => {
    const read = readForm(request, CodeForm);
    if (!read.ok) {
      const next = read.valid.next ?? '/';
      return showCodeForm(request, reply, REFUSED, { next, email: read.valid.email ?? '', form: read.form });
    }
    const { next, email, code } = read.values;
    const result = await attempt(reply, () =>
      ctx.accounts.completeSignIn({
        answer: { email, code },
        binding: readBinding(request),
        device: deviceInfo(request),
        origin: authOrigin(ctx, request),
      }),
    );
    if (!result.ok) {
      const { failure } = result;
      const form: FormState = {
        values: { email },
        errors: failure.status === REFUSED ? { code: failure.message } : {},
        message: failure.status === REFUSED ? undefined : failure.message,
      };
      return showCodeForm(request, reply, failure.status, { next, email, form });
    }
    return finishSignIn(ctx, request, reply, result.value, next);
  });

  /** The emailed link. It works once, for 10 minutes, in the browser that asked for it. */
  app.get('/login/link', { schema: { querystring: LinkQuery }, attachValidation: true }, async (request, reply) => {
    const next = nextFromCookie(request);
    const problem = async (status: number, title: string, message: string, advice?: string) =>
      sendPage(reply, status, linkProblemPage(await chrome(request), { csrf: reply.generateCsrf(), next, title, message, advice }));
    const read = readForm(request, LinkQuery, 'query');
    if (!read.ok)
      return problem(
        REFUSED,
        'This link is not complete',
        'The sign-in link is missing part of its address.',
        'Copy the whole link from the email, or type the 6-digit code instead.',
      );
    const result = await attempt(reply, () =>
      ctx.accounts.completeSignIn({
        answer: { linkToken: read.values.token },
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
  app.post('/login/replace-device', { schema: { body: DeviceChoiceForm }, attachValidation: true }, async (request, reply) => {
    const read = readForm(request, DeviceChoiceForm);
    const next = read.ok ? read.values.next : (read.valid.next ?? '/');
    const again = (status: number, message: string) =>
      showLogin(request, reply, status, { next, password: { values: {}, errors: {}, message } });
    if (!read.ok) return again(REFUSED, read.messages[0] ?? 'That choice is not valid. Sign in again.');
    const { choiceToken, deviceId } = read.values;
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

  app.post('/logout', { schema: { body: NoFields } }, async (request, reply) => {
    if (request.auth) await ctx.accounts.signOut(request.auth);
    clearSessionCookie(ctx, reply);
    return reply.redirect('/', 303);
  });
}
