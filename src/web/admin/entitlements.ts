import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { AppContext } from '../../context.js';
import type { CatalogueEntry, CatalogueFields } from '../../domain/entitlements/catalogue.js';
import { actorOf } from '../../domain/policies/policies.js';
import { sendPage } from '../accounts/flow.js';
import { csrfField, formMessage, input, notice } from '../accounts/views.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, keyword, readForm, text, useForms, type FormRead, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { html } from '../views/html.js';
import { adminLayout, allowedTo } from './admin-layout.js';

const NOTICES = { saved: 'Saved: readers see it on the next page they open.', created: 'The entitlement is in the catalogue.' } as const;
const ListQuery = form({ notice: keyword(Object.keys(NOTICES)) });
const KeyParams = form({
  key: text({ maxLength: 40, pattern: '^[a-z0-9][a-z0-9-]{0,39}$', messages: { invalid: 'There is no such entitlement.' } }),
});
const number = (max: number, message: string) =>
  text({ maxLength: max, normalise: ['trim'], pattern: '^$|^[0-9]+$', messages: { pattern: message, maxLength: message } });
const EntryForm = form({
  name: text({ maxLength: 200, normalise: ['trim'], messages: { maxLength: 'Use at most 80 characters.' } }),
  description: text({ maxLength: 1000, normalise: ['trim'], messages: { maxLength: 'Use at most 300 characters.' } }),
  position: number(3, 'A whole number from 1 to 999.'),
  allowance: number(3, 'A whole number of devices from 1 to 100.'),
});
const NewForm = form({
  ...EntryForm.properties,
  key: text({ maxLength: 60, normalise: ['trim', 'lower'], messages: { maxLength: 'At most 40 characters.' } }),
});

const mayManageBusiness = allowedTo('manageBusiness');

/** The form's numbers; an empty or unreadable one is NaN, which the catalogue's checks refuse beside the field. */
const fieldsOf = (values: Static<typeof EntryForm>): CatalogueFields => ({
  name: values.name,
  description: values.description,
  position: values.position === '' ? Number.NaN : Number(values.position),
  allowance: values.allowance === '' ? null : Number(values.allowance),
});

const typed = (read: FormRead<Record<string, string>>, errors: Record<string, string> = {}): FormState => ({
  values: read.ok ? read.values : read.form.values,
  errors: { ...(read.ok ? {} : read.form.errors), ...errors },
});

type Failed = { key: string; form: FormState };

/** The entitlement catalogue (policy `manageBusiness`): names and descriptions readers see, order, device allowance, new keys. */
export async function adminEntitlementRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

  async function show(request: FastifyRequest, reply: FastifyReply, status: number, extra: { notice?: string; failed?: Failed }) {
    const entries = await ctx.business.service.listCatalogue(actor(request), ctx.now(), ctx.policy.timeZone);
    const csrf = reply.generateCsrf();
    const stateOf = (key: string, entry: CatalogueEntry | null): FormState =>
      extra.failed?.key === key
        ? extra.failed.form
        : {
            values: entry
              ? {
                  name: entry.name,
                  description: entry.description,
                  position: String(entry.position),
                  allowance: String(entry.allowance ?? ''),
                }
              : { position: String(entries.length + 1) },
            errors: {},
          };
    const row = (entry: CatalogueEntry) => {
      const state = stateOf(entry.key, entry);
      const id = (name: string) => `ent-${entry.key}-${name}`;
      return html`<section class="block" data-entitlement="${entry.key}"><h2>${entry.name} <code>${entry.key}</code></h2>
${
  entry.feature
    ? html`<p class="hint">Shown to readers where a plan grants it. ${entry.feature}</p>`
    : html`<p class="form-error" role="note">${entry.name}: no feature in this install provides it yet: not shown to readers.</p>`
}
<form method="post" action="/admin/entitlements/${entry.key}" class="account-form">${csrfField(csrf)}${formMessage(state)}
${input({ form: state, name: 'name', label: 'Name (readers see it)', id: id('name'), maxlength: 80 })}
${input({ form: state, name: 'description', label: 'Description (readers see it)', id: id('description'), maxlength: 300 })}
${input({ form: state, name: 'position', label: 'Position in lists', id: id('position'), inputmode: 'numeric', maxlength: 3 })}
${entry.kind === 'allowance' ? input({ form: state, name: 'allowance', label: 'Devices at once', id: id('allowance'), inputmode: 'numeric', maxlength: 3 }) : ''}
<button type="submit" class="button">Save</button></form></section>`;
    };
    const created = stateOf('', null);
    const main = html`<h1>Entitlements</h1>${notice(extra.notice)}
<p>What plans and grants give readers. The plans page, the paywall and the account page list each by its name and description, and only when a feature of this install really provides it.</p>
${entries.map(row)}
<section class="block"><h2>New entitlement</h2><form method="post" action="/admin/entitlements" class="account-form">${csrfField(csrf)}${formMessage(created)}
${input({ form: created, name: 'key', label: 'Key (how plans and grants name it; cannot change)', id: 'ent-new-key', maxlength: 40 })}
${input({ form: created, name: 'name', label: 'Name (readers see it)', id: 'ent-new-name', maxlength: 80 })}
${input({ form: created, name: 'description', label: 'Description (readers see it)', id: 'ent-new-description', maxlength: 300 })}
${input({ form: created, name: 'position', label: 'Position in lists', id: 'ent-new-position', inputmode: 'numeric', maxlength: 3 })}
<button type="submit" class="button">Add</button></form></section>`;
    return sendPage(reply, status, adminLayout(await pageChrome(ctx, request), 'Entitlements', main));
  }

  await parent.register(
    declaredRoutes((app) => {
      useForms(app);
      const guard = { attachValidation: true, onRequest: mayManageBusiness };

      app.get('/admin/entitlements', { schema: { querystring: ListQuery }, ...guard }, async (request, reply) => {
        const query = readForm(request, ListQuery, 'query');
        const shown = query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
        return show(request, reply, 200, shown ? { notice: shown } : {});
      });

      app.post('/admin/entitlements', { schema: { body: NewForm }, ...guard }, async (request, reply) => {
        const read = readForm(request, NewForm);
        if (!read.ok) return show(request, reply, 400, { failed: { key: '', form: typed(read) } });
        const { allowance: _unused, ...fields } = fieldsOf(read.values);
        const done = await ctx.business.service.addCatalogueEntry(actor(request), read.values.key, fields, ctx.now());
        if (!done.ok) return show(request, reply, 400, { failed: { key: '', form: typed(read, done.errors) } });
        await ctx.refresh();
        return reply.redirect('/admin/entitlements?notice=created', 303);
      });

      app.post('/admin/entitlements/:key', { schema: { params: KeyParams, body: EntryForm }, ...guard }, async (request, reply) => {
        const params = readForm(request, KeyParams, 'params');
        if (!params.ok) throw new HttpProblem('not-found', 'There is no such entitlement.');
        const key = params.values.key;
        const read = readForm(request, EntryForm);
        if (!read.ok) return show(request, reply, 400, { failed: { key, form: typed(read) } });
        const done = await ctx.business.service.saveCatalogueEntry(actor(request), key, fieldsOf(read.values), ctx.now());
        if (!done) throw new HttpProblem('not-found', 'There is no such entitlement.');
        if (!done.ok) return show(request, reply, 400, { failed: { key, form: typed(read, done.errors) } });
        await ctx.refresh();
        return reply.redirect('/admin/entitlements?notice=saved', 303);
      });
    }),
  );
}
