import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { User } from '../../domain/accounts/model.js';
import { REASON_MAX, type ComplimentaryGrant } from '../../domain/entitlements/complimentary.js';
import { actorOf } from '../../domain/policies/policies.js';
import { csrfField } from '../accounts/views.js';
import { HttpProblem } from '../http/errors.js';
import { fieldList, form, id, keyword, readForm, text, type FormState } from '../http/forms.js';
import { formatDate, formatDateTime, isoDateIn } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';

/**
 * A reader's complimentary access on their admin page (/admin/users): the grants they have had, a "Withdraw" button on
 * each that still gives access, and the form to give more. The rules are the entitlements module's (`complimentary.ts`).
 */

export const GRANT_NOTICES = {
  granted: 'Complimentary access given: the reader has it on their next page.',
  withdrawn: 'Complimentary access withdrawn: the reader no longer has it.',
} as const;

const GrantForm = form({
  ends: keyword(['date', 'never']),
  until: text({ maxLength: 10, normalise: ['trim'], messages: { maxLength: 'Enter a date like 2026-12-31.' } }),
  reason: text({ maxLength: 4 * REASON_MAX, messages: { maxLength: `Use at most ${REASON_MAX} characters.` } }),
});
const GrantParams = form({ id: id({ invalid: 'There is no such account.' }), grant: id({ invalid: 'There is no such grant.' }) });
const UserParams = form({ id: id({ invalid: 'There is no such account.' }) });
const NoFields = form({});

/** The grant form as typed, with its messages, when it is shown again. */
export interface GrantFormState {
  form: FormState;
  entitlements: readonly string[];
}

/** Shows the reader's page (the one `/admin/users?email=` finds) with `status` and, after a refused grant, the form as typed. */
export type ShowReader = (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  user: User,
  grantForm?: GrantFormState,
) => Promise<unknown>;

/** Where to go after a grant is given or withdrawn: the reader's page with a notice. */
const readerPage = (user: User, done: keyof typeof GRANT_NOTICES) => `/admin/users?email=${encodeURIComponent(user.email)}&done=${done}`;

export function complimentarySection(
  ctx: AppContext,
  data: { user: User; grants: readonly ComplimentaryGrant[]; csrf: string; form?: GrantFormState | undefined },
): SafeHtml {
  const zone = ctx.policy.timeZone;
  const state = data.form?.form ?? { values: { ends: 'date' }, errors: {} };
  const { errors, values } = state;
  const chosen = data.form?.entitlements ?? [];
  const name = (key: string) => ctx.business.catalogue.find(key)?.name ?? key;
  const error = (field: string) => (errors[field] ? html`<p class="field-error" id="grant-${field}-error">${errors[field]}</p>` : '');
  const invalid = (field: string) => (errors[field] ? html` aria-invalid="true" aria-describedby="grant-${field}-error"` : '');
  const status = (g: ComplimentaryGrant) =>
    g.revokedAt
      ? html`Withdrawn ${formatDateTime(g.revokedAt, zone)}${g.revokedBy ? html` by ${g.revokedBy}` : ''}`
      : g.active
        ? html`<form method="post" action="/admin/users/${data.user.id}/grants/${g.id}/withdraw" class="inline">${csrfField(data.csrf)}<button type="submit" class="button danger">Withdraw</button></form>`
        : 'Ended';
  const list = data.grants.length
    ? html`<table class="grants"><thead><tr><th scope="col">What</th><th scope="col">Until</th><th scope="col">Reason</th><th scope="col">Given</th><th scope="col"></th></tr></thead><tbody>${data.grants.map(
        (g) =>
          html`<tr data-grant="${g.id}"><td>${g.entitlements.map(name).join(', ')}</td><td>${g.endsAt ? formatDate(g.endsAt, zone) : 'no end date'}</td><td>${g.reason}</td><td>${formatDateTime(g.startsAt, zone)}${g.grantedBy ? html` by ${g.grantedBy}` : ''}</td><td>${status(g)}</td></tr>`,
      )}</tbody></table>`
    : html`<p>None yet.</p>`;
  const givable = ctx.business.catalogue.entries.filter((e) => e.feature !== null);
  const never = values.ends === 'never';
  return html`<section class="block" aria-labelledby="complimentary"><h2 id="complimentary">Complimentary access</h2>${list}
<form method="post" action="/admin/users/${data.user.id}/grants" class="account-form">${csrfField(data.csrf)}<h3>Give complimentary access</h3>
<fieldset${invalid('entitlements')}><legend>What to give (<a href="/admin/entitlements">the catalogue</a>: only what works here)</legend>${error('entitlements')}${givable.map(
    (e) =>
      html`<label><input type="checkbox" name="entitlement" value="${e.key}"${chosen.includes(e.key) ? html` checked` : ''}> ${e.name}</label> `,
  )}</fieldset>
<fieldset${invalid('until')}><legend>For how long</legend>${error('until')}
<label><input type="radio" name="ends" value="date"${never ? '' : html` checked`}> Until the end of</label>
<label for="grant-until" class="visually-hidden">Last day of access</label><input id="grant-until" name="until" type="date" min="${isoDateIn(ctx.now(), zone)}" value="${values.until ?? ''}"${invalid('until')}> <span class="hint">(${zone})</span>
<label><input type="radio" name="ends" value="never"${never ? html` checked` : ''}> No end date</label></fieldset>
<label for="grant-reason">Reason (logged, at most ${REASON_MAX} characters)</label>${error('reason')}
<textarea id="grant-reason" name="reason" maxlength="${REASON_MAX}" rows="3" required${invalid('reason')}>${values.reason ?? ''}</textarea>
<button type="submit" class="button">Give complimentary access</button></form></section>`;
}

/** Giving and withdrawing (registered inside the reader routes' scope, behind their `manageReaders` check). */
export function adminGrantRoutes(scope: FastifyInstance, ctx: AppContext, show: ShowReader): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const service = ctx.business.service;
  const readerOr404 = async (userId: number) => {
    const user = await ctx.accounts.findUserById(userId);
    if (!user) throw new HttpProblem('not-found', 'There is no such account.');
    return user;
  };

  app.post(
    '/admin/users/:id/grants',
    { schema: { params: UserParams, body: GrantForm }, attachValidation: true },
    async (request, reply) => {
      const user = await readerOr404(request.params.id);
      const entitlements = fieldList(request.body, 'entitlement');
      const read = readForm(request, GrantForm);
      if (!read.ok) return show(request, reply, 400, user, { form: read.form, entitlements });
      const { ends, until, reason } = read.values;
      const given = await service.giveComplimentaryAccess(
        actorOf(request.auth?.user),
        user.id,
        { entitlements, until: ends === 'never' ? null : until, reason },
        ctx.now(),
        ctx.policy.timeZone,
      );
      if (!given) throw new HttpProblem('not-found', 'There is no such account.');
      if (!given.ok) return show(request, reply, 400, user, { form: { values: read.values, errors: given.errors }, entitlements });
      return reply.redirect(readerPage(user, 'granted'), 303);
    },
  );

  app.post('/admin/users/:id/grants/:grant/withdraw', { schema: { params: GrantParams, body: NoFields } }, async (request, reply) => {
    const user = await readerOr404(request.params.id);
    const withdrawn = await service.withdrawComplimentaryAccess(actorOf(request.auth?.user), user.id, request.params.grant, ctx.now());
    if (!withdrawn) throw new HttpProblem('not-found', 'There is no such grant.');
    return reply.redirect(readerPage(user, 'withdrawn'), 303);
  });
}
