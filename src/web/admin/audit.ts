import type { FastifyInstance } from 'fastify';
import { AUDIT_PAGE, type AuditRecord } from '../../domain/audit/audit.js';
import { actorOf } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { sendPage } from '../accounts/flow.js';
import { valuesOr404 } from '../billing/forms.js';
import { form, readForm, text } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { formatDateTime } from '../views/format.js';
import { html } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

const AuditQuery = form({
  area: text({ maxLength: 40, pattern: '^$|^[a-z][a-z-]{0,39}$', messages: { invalid: 'There is no such area.' } }),
  before: text({ maxLength: 19, pattern: '^$|^[1-9]\\d{0,18}$', messages: { invalid: 'There is no such page.' } }),
});

const SHOWN = 240;
/** A value as the log shows it: text as it is, anything else as JSON, long values cut. */
function shown(value: unknown): string {
  if (value === null) return '—';
  const textual = typeof value === 'string' ? value : JSON.stringify(value);
  return textual.length > SHOWN ? `${textual.slice(0, SHOWN)}…` : textual;
}

function auditPage(
  chrome: PageChrome,
  input: { records: AuditRecord[]; areas: string[]; area: string; older: string | null; timeZone: string },
) {
  const who = (r: AuditRecord) =>
    r.user ? html`${r.user.name || r.user.email} <span class="role">(${r.user.role})</span>` : 'No account (command line or wire)';
  const rows = input.records.map(
    (
      r,
    ) => html`<tr><td>${formatDateTime(r.at, input.timeZone)}</td><td>${who(r)}</td><td>${r.area}</td><td>${r.subject}</td><td>${r.action}</td>
<td>${
      r.changes.length === 0
        ? 'No field changed'
        : html`<ul class="changes">${r.changes.map((c) => html`<li><b>${c.field}</b>: ${shown(c.before)} → ${shown(c.after)}</li>`)}</ul>`
    }</td></tr>`,
  );
  const olderHref = `/admin/audit?${new URLSearchParams({ ...(input.area ? { area: input.area } : {}), before: input.older ?? '' }).toString()}`;
  return adminLayout(
    chrome,
    'Audit log',
    html`<h1>Audit log</h1><p>Every change staff made to the publication: who, when, and each field before → after. Newest first.</p>
<form method="get" action="/admin/audit" class="admin-filters"><label>Area <select name="area"><option value="">All</option>${input.areas.map(
      (a) => html`<option value="${a}"${a === input.area ? ' selected' : ''}>${a}</option>`,
    )}</select></label> <button type="submit">Show</button></form>
${
  rows.length === 0
    ? html`<p>No changes recorded${input.area ? ' in this area' : ''}.</p>`
    : html`<table class="admin-table"><thead><tr><th>When</th><th>Who</th><th>Area</th><th>What</th><th>Action</th><th>Changes</th></tr></thead><tbody>${rows}</tbody></table>`
}
${input.older ? html`<p><a href="${olderHref}">Older changes</a></p>` : ''}`,
  );
}

/** `/admin/audit`: the audit log, for admins (policy `viewAuditLog`, checked by the domain). */
export function adminAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/admin/audit', { schema: { querystring: AuditQuery }, attachValidation: true }, async (request, reply) => {
    const actor = actorOf(request.auth?.user);
    const query = valuesOr404(readForm(request, AuditQuery, 'query'));
    const records = await ctx.audit.list(actor, { area: query.area || undefined, before: query.before ? Number(query.before) : undefined });
    const areas = await ctx.audit.areas(actor);
    const last = records.at(-1);
    return sendPage(
      reply,
      200,
      auditPage(await pageChrome(ctx, request), {
        records,
        areas,
        area: query.area,
        older: records.length === AUDIT_PAGE && last ? String(last.id) : null,
        timeZone: ctx.policy.timeZone,
      }),
    );
  });
}
