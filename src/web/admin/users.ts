import { adminLayout, allowedTo } from './admin-layout.js';
import { adminGrantRoutes, complimentarySection, GRANT_NOTICES, type GrantFormState } from './user-grants.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../domain/accounts/model.js';
import { EMAIL_PATTERN } from '../../domain/accounts/model.js';
import { actorOf } from '../../domain/policies/policies.js';
import { sendPage } from '../accounts/flow.js';
import { csrfField, notice } from '../accounts/views.js';
import type { AppContext } from '../../context.js';
import { declaredRoutes, form, id, keyword, readForm, text, useForms } from '../http/forms.js';
import { messagePage } from '../billing/page-parts.js';
import { ERROR_STATUS, HttpProblem } from '../http/errors.js';
import { pageChrome } from '../pages/chrome.js';
import { formatDateTime } from '../views/format.js';
import { html } from '../views/html.js';

const ADDRESS = {
  maxLength: 254,
  normalise: ['trim' as const, 'lower' as const],
  messages: { maxLength: 'An email address has at most 254 characters.', pattern: 'Enter an email address like name@example.com.' },
};
const SearchQuery = form({
  email: text({ ...ADDRESS, pattern: `^$|${EMAIL_PATTERN}` }),
  deleted: keyword(['1']),
  done: keyword(Object.keys(GRANT_NOTICES)),
});
const UserParams = form({ id: id({ invalid: 'There is no such account.' }) });
const DeleteForm = form({ confirm: text(ADDRESS) });
const NoQuery = form({});
const DELETED = 'The account was deleted and every device signed out.';

interface ReaderView {
  /** The address as typed in the search box. */
  typed: string;
  searched: boolean;
  user: User | null;
  done?: string | undefined;
  problem?: string | undefined;
  grantForm?: GrantFormState | undefined;
}

/** Only the business team and admins may find readers and act on their data (policy `manageReaders`); to anyone else the pages do not exist. */
const mayManageReaders = allowedTo('manageReaders');

/**
 * Data rights on request (registered by adminRoutes, behind its admin check): find a reader by email,
 * download everything stored about them, delete their account, give or withdraw complimentary access. Each route
 * checks the policy too.
 */
export async function adminUserRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  /** The readers page: the search, and the reader found (their data, their complimentary access). */
  async function show(request: FastifyRequest, reply: FastifyReply, status: number, view: ReaderView) {
    const { user, problem } = view;
    const csrf = reply.generateCsrf();
    const grants = user ? await ctx.business.service.listComplimentaryGrants(actorOf(request.auth?.user), user.id, ctx.now()) : [];
    const main = html`<h1>Readers</h1>${notice(view.done)}
  <form method="get" action="/admin/users" class="account-form"><label for="find-email">Reader's email address</label>
  ${problem ? html`<p class="field-error" id="find-email-error">${problem}</p>` : ''}
  <input id="find-email" name="email" type="email" value="${view.typed}" maxlength="254"${problem ? html` aria-describedby="find-email-error" aria-invalid="true"` : ''}> <button type="submit" class="button">Find</button></form>
  ${view.searched && !user ? html`<p role="status">No account has that address.</p>` : ''}
  ${
    user
      ? html`<section class="admin-user" data-user="${user.id}"><h2>${user.name || user.email}</h2>
  <p>${user.email} · ${user.role} · joined ${formatDateTime(user.createdAt, ctx.policy.timeZone)}</p>
  <p><a class="button" href="/admin/users/${user.id}/export">Download their data (JSON)</a></p>
  <form method="post" action="/admin/users/${user.id}/delete" class="account-form">${csrfField(csrf)}
  <label for="confirm-email">To delete this account, type its email address</label>
  <input id="confirm-email" name="confirm" type="email" maxlength="254" required>
  <button type="submit" class="button danger">Delete account</button></form>
  ${complimentarySection(ctx, { user, grants, csrf, form: view.grantForm })}</section>`
      : ''
  }`;
    const page = adminLayout(await pageChrome(ctx, request), 'Readers', main);
    return sendPage(reply, status, page);
  }

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      scope.addHook('onRequest', mayManageReaders);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();
      adminGrantRoutes(scope, ctx, (request, reply, status, user, grantForm) =>
        show(request, reply, status, { typed: user.email, searched: true, user, grantForm }),
      );
      app.get('/admin/users', { schema: { querystring: SearchQuery }, attachValidation: true }, async (request, reply) => {
        const read = readForm(request, SearchQuery, 'query');
        const email = read.ok ? read.values.email : '';
        const user = email ? await ctx.accounts.findUserByEmail(email) : null;
        const done = read.ok
          ? read.values.deleted === '1'
            ? DELETED
            : GRANT_NOTICES[read.values.done as keyof typeof GRANT_NOTICES]
          : undefined;
        const problem = read.ok ? undefined : read.messages[0];
        return show(request, reply, problem ? 400 : 200, {
          typed: read.ok ? read.values.email : (read.form.values.email ?? ''),
          searched: email !== '',
          user,
          done,
          problem,
        });
      });

      app.get('/admin/users/:id/export', { schema: { params: UserParams, querystring: NoQuery } }, async (request, reply) => {
        const { id: userId } = request.params;
        const data = await ctx.accounts.exportData(actorOf(request.auth?.user), userId);
        if (!data) throw new HttpProblem('not-found', 'There is no such account.');
        reply.header('content-disposition', `attachment; filename="account-${userId}.json"`);
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(data, null, 2));
      });

      app.post('/admin/users/:id/delete', { schema: { params: UserParams, body: DeleteForm } }, async (request, reply) => {
        const user = await ctx.accounts.findUserById(request.params.id);
        if (!user) throw new HttpProblem('not-found', 'There is no such account.');
        if (request.body.confirm !== user.email) {
          throw new HttpProblem('invalid-input', 'Type the account’s email address exactly to confirm the deletion.');
        }
        const deleted = await ctx.accounts.deleteAccount(actorOf(request.auth?.user), user.id);
        if (!deleted.ok) {
          // Their subscription could not be stopped at its gateway: nothing was erased.
          request.log.error({ failure: deleted, userId: user.id }, 'account not deleted: a subscription could not be stopped');
          const page = messagePage(await pageChrome(ctx, request), {
            title: 'The account was not deleted',
            body: html`<p>${deleted.message}</p><p><a href="/admin/users">Back to readers</a></p>`,
          });
          return sendPage(reply, ERROR_STATUS[deleted.code], page);
        }
        return reply.redirect('/admin/users?deleted=1', 303);
      });
    }),
  );
}
