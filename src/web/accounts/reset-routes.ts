import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChallengeAnswer } from '../../domain/accounts/auth-service.js';
import { passwordProblem } from '../../domain/accounts/passwords.js';
import { ok } from '../../domain/errors.js';
import type { AppContext } from '../../context.js';
import { clearSessionCookie } from '../http/auth.js';
import { pageChrome } from '../pages/chrome.js';
import { resetConfirmPage, resetRequestPage } from './account-views.js';
import { attempt, authOrigin, bindBrowser, clearBinding, readBinding, REFUSED, sendPage } from './flow.js';
import { checkCode, checkEmail, checkPassword, checkToken, collect, field, type FormState } from './forms.js';
import { checkEmailPage, linkProblemPage } from './sign-in-views.js';

type Query = { Querystring: Record<string, unknown> };

/** Forgotten password: request a code or link by email, then choose a new password (every device is signed out). */
export async function resetRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
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

  app.get('/reset', async (request, reply) => showRequest(request, reply, 200));

  /** The same page follows whether or not the address has an account (ASVS 6.3.8). */
  app.post('/reset', async (request, reply) => {
    const typed = { email: field(request.body, 'email') };
    const checked = collect({ email: checkEmail(typed.email) }, typed);
    if (!checked.ok) return showRequest(request, reply, REFUSED, checked.form);
    const { email } = checked.values;
    const binding = bindBrowser(ctx, request, reply, '/');
    const result = await attempt(reply, async () =>
      ok(await ctx.accounts.requestPasswordReset({ email, binding, origin: authOrigin(ctx, request) })),
    );
    if (!result.ok)
      return showRequest(request, reply, result.failure.status, { values: typed, errors: {}, message: result.failure.message });
    return showCodeForm(request, reply, 200, email);
  });

  /** Opened from the emailed link: nothing is used up until the new password is submitted. */
  app.get<Query>('/reset/confirm', async (request, reply) => {
    const token = checkToken(typeof request.query.token === 'string' ? request.query.token : '');
    if (!token) {
      const page = linkProblemPage(await chrome(request), {
        csrf: reply.generateCsrf(),
        next: '/',
        title: 'This link is not complete',
        message: 'The password reset link is missing part of its address.',
        advice: 'Copy the whole link from the email, or ask for a new one on the password reset page.',
      });
      return sendPage(reply, REFUSED, page);
    }
    return showTokenForm(request, reply, 200, token);
  });

  /** With the link's token, or with the address and the emailed code. */
  app.post('/reset/confirm', async (request, reply) => {
    const token = field(request.body, 'token');
    const rawPassword = field(request.body, 'password');
    let answer: ChallengeAnswer;
    let retry: (status: number, form: FormState) => Promise<FastifyReply>;
    let email: string | undefined;
    if (token) {
      const valid = checkToken(token);
      retry = (status, form) => showTokenForm(request, reply, status, valid ?? '', form);
      const checked = collect({ password: checkPassword(rawPassword) }, {});
      if (!valid)
        return showRequest(request, reply, REFUSED, {
          values: {},
          errors: {},
          message: 'That reset link is not valid. Ask for a new code.',
        });
      if (!checked.ok) return retry(REFUSED, checked.form);
      answer = { linkToken: valid };
    } else {
      const typed = { email: field(request.body, 'email'), code: field(request.body, 'code') };
      const checkedEmail = checkEmail(typed.email);
      const shown = checkedEmail.ok ? checkedEmail.value : '';
      retry = (status, form) => showCodeForm(request, reply, status, shown, form);
      const checked = collect({ email: checkedEmail, code: checkCode(typed.code), password: checkPassword(rawPassword) }, typed);
      if (!checked.ok) return retry(REFUSED, checked.form);
      email = checked.values.email;
      answer = { email, code: checked.values.code };
    }
    // Checked before the code is spent, so a refused password does not use up the emailed code.
    const weak = passwordProblem(rawPassword, email);
    if (weak) return retry(REFUSED, { values: email ? { email } : {}, errors: { password: weak } });
    const result = await attempt(reply, () =>
      ctx.accounts.resetPassword({ answer, binding: readBinding(request), password: rawPassword, origin: authOrigin(ctx, request) }),
    );
    if (!result.ok) {
      const { code, status, message } = result.failure;
      const target = code === 'weak-password' ? 'password' : 'code' in answer && status === REFUSED ? 'code' : null;
      return retry(status, {
        values: email ? { email } : {},
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
