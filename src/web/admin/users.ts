import type { FastifyInstance } from 'fastify';
import { isEmail, normaliseEmail } from '../../domain/accounts/model.js';
import { sendPage } from '../accounts/flow.js';
import { checkId } from '../accounts/forms.js';
import { csrfField, notice } from '../accounts/views.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { pageChrome } from '../pages/chrome.js';
import { formatDateTime } from '../views/format.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';

const field = (body: unknown, name: string) => {
  const value = (body as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' ? value.trim() : '';
};

/**
 * Data rights on request (registered by adminRoutes, so only admins reach it): find a reader by email,
 * download everything stored about them, or delete their account.
 */
export async function adminUserRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Querystring: Record<string, unknown> }>('/admin/users', async (request, reply) => {
    const typed = typeof request.query.email === 'string' ? request.query.email.slice(0, 254) : '';
    const email = normaliseEmail(typed);
    const user = isEmail(email) ? await ctx.accounts.findUserByEmail(email) : null;
    const done = request.query.deleted === '1' ? 'The account was deleted and every device signed out.' : undefined;
    const main = html`<h1>Readers</h1>${notice(done)}
<form method="get" action="/admin/users" class="account-form"><label for="find-email">Reader's email address</label>
<input id="find-email" name="email" type="email" value="${typed}" maxlength="254"> <button type="submit" class="button">Find</button></form>
${typed && !user ? html`<p role="status">No account has that address.</p>` : ''}
${
  user
    ? html`<section class="admin-user" data-user="${user.id}"><h2>${user.name || user.email}</h2>
<p>${user.email} · ${user.role} · joined ${formatDateTime(user.createdAt, ctx.policy.timeZone)}</p>
<p><a class="button" href="/admin/users/${user.id}/export">Download their data (JSON)</a></p>
<form method="post" action="/admin/users/${user.id}/delete" class="account-form">${csrfField(reply.generateCsrf())}
<label for="confirm-email">To delete this account, type its email address</label>
<input id="confirm-email" name="confirm" type="email" maxlength="254" required>
<button type="submit" class="button danger">Delete account</button></form></section>`
    : ''
}`;
    return sendPage(
      reply,
      200,
      layout(await pageChrome(ctx, request), { title: 'Readers (admin)', noindex: true }, html`<div class="admin-page">${main}</div>`),
    );
  });

  app.get<{ Params: { id: string } }>('/admin/users/:id/export', async (request, reply) => {
    const id = checkId(request.params.id);
    const data = id ? await ctx.accounts.exportData(id) : null;
    if (!data) throw new HttpProblem('not-found', 'There is no such account.');
    reply.header('content-disposition', `attachment; filename="account-${id}.json"`);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(data, null, 2));
  });

  app.post<{ Params: { id: string } }>('/admin/users/:id/delete', async (request, reply) => {
    const id = checkId(request.params.id);
    const user = id ? await ctx.accounts.findUserById(id) : null;
    if (!user) throw new HttpProblem('not-found', 'There is no such account.');
    if (normaliseEmail(field(request.body, 'confirm')) !== user.email) {
      throw new HttpProblem('invalid-input', 'Type the account’s email address exactly to confirm the deletion.');
    }
    await ctx.accounts.deleteAccount(user.id);
    return reply.redirect('/admin/users?deleted=1', 303);
  });
}
