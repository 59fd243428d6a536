import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChallengeAnswer } from '../../domain/accounts/auth-service.js';
import { ok } from '../../domain/errors.js';
import type { AppContext } from '../../context.js';
import { clearSessionCookie } from '../http/auth.js';
import { checkForm, readForm, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { resetConfirmPage, resetRequestPage } from './account-views.js';
import { attempt, authOrigin, bindBrowser, clearBinding, readBinding, REFUSED, sendPage } from './flow.js';
import { LinkQuery, NoFields, ResetByCodeForm, ResetByLinkForm, ResetConfirmForm, ResetRequestForm } from './forms.js';
import { checkEmailPage, linkProblemPage } from './sign-in-views.js';

/** Forgotten password: request a code or link by email, then choose a new password (every device is signed out). */
export function resetRoutes(scope: FastifyInstance, ctx: AppContext): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);

  const showRequest = async (request: FastifyRequest, reply: FastifyReply, status: number, form?: FormState) =>
    sendPage(reply, status, resetRequestPage(await chrome(request), { csrf: reply.generateCsrf(), form }));

  const showCodeForm = async (request: FastifyRequest, reply: FastifyReply, status: number, email: string, form?: FormState) =>
    sendPage(
      reply,
      status,
      checkEmailPage(await chrome(request), { csrf: reply.generateCsrf(), next: '/', email, purpose: 'reset', form }),
    );

  const showTokenForm = async (request: FastifyRequest, reply: FastifyReply, status: number, token: string, form?: FormState) =>
    sendPage(reply, status, resetConfirmPage(await chrome(request), { csrf: reply.generateCsrf(), token, form }));

  app.get('/reset', { schema: { querystring: NoFields } }, async (request, reply) => showRequest(request, reply, 200));

  /** The same page follows whether or not the address has an account (ASVS 6.3.8). */
  app.post('/reset', { schema: { body: ResetRequestForm }, attachValidation: true }, async (request, reply) => {
    const read = readForm(request, ResetRequestForm);
    if (!read.ok) return showRequest(request, reply, REFUSED, read.form);
    const { email } = read.values;
    const binding = bindBrowser(ctx, request, reply, '/');
    const result = await attempt(reply, async () => {
      await ctx.accounts.requestPasswordReset({ email, binding, origin: authOrigin(ctx, request) });
      return ok(undefined);
    });
    if (!result.ok)
      return showRequest(request, reply, result.failure.status, { values: { email }, errors: {}, message: result.failure.message });
    return showCodeForm(request, reply, 200, email);
  });

  /** Opened from the emailed link: nothing is used up until the new password is submitted. */
  app.get('/reset/confirm', { schema: { querystring: LinkQuery }, attachValidation: true }, async (request, reply) => {
    const read = readForm(request, LinkQuery, 'query');
    if (!read.ok) {
      const page = linkProblemPage(await chrome(request), {
        csrf: reply.generateCsrf(),
        next: '/',
        title: 'This link is not complete',
        message: 'The password reset link is missing part of its address.',
        advice: 'Copy the whole link from the email, or ask for a new one on the password reset page.',
      });
      return sendPage(reply, REFUSED, page);
    }
    return showTokenForm(request, reply, 200, read.values.token);
  });

  /** With the link's token, or with the address and the emailed code. */
  app.post('/reset/confirm', { schema: { body: ResetConfirmForm }, attachValidation: true }, async (request, reply) => {
    const loose = readForm(request, ResetConfirmForm);
    const byLink = loose.ok && loose.values.token !== '';
    let answer: ChallengeAnswer;
    let retry: (status: number, form: FormState) => Promise<FastifyReply>;
    let password: string;
    if (byLink) {
      const read = checkForm(ResetByLinkForm, request.body);
      const token = read.ok ? read.values.token : read.valid.token;
      if (token === undefined)
        return showRequest(request, reply, REFUSED, {
          values: {},
          errors: {},
          message: 'That reset link is not valid. Ask for a new code.',
        });
      retry = (status, form) => showTokenForm(request, reply, status, token, form);
      if (!read.ok) return retry(REFUSED, read.form);
      answer = { linkToken: token };
      password = read.values.password;
    } else {
      const read = checkForm(ResetByCodeForm, request.body);
      const shown = read.ok ? read.values.email : (read.valid.email ?? '');
      retry = (status, form) => showCodeForm(request, reply, status, shown, form);
      if (!read.ok) return retry(REFUSED, read.form);
      answer = { email: read.values.email, code: read.values.code };
      password = read.values.password;
    }
    const result = await attempt(reply, () =>
      ctx.accounts.resetPassword({ answer, binding: readBinding(request), password, origin: authOrigin(ctx, request) }),
    );
    if (!result.ok) {
      const { code, status, message } = result.failure;
      const target = code === 'weak-password' ? 'password' : 'code' in answer && status === REFUSED ? 'code' : null;
      return retry(status, {
        values: 'email' in answer ? { email: answer.email } : {},
        errors: target ? { [target]: message } : {},
        message: target ? undefined : message,
      });
    }
    // Every session was revoked, this browser's too.
    if (request.auth) clearSessionCookie(ctx, reply);
    clearBinding(ctx, request, reply);
    return reply.redirect('/login?notice=password-reset', 303);
  });
}
