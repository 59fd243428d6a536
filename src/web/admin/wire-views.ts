import type { Agency } from '../../domain/wire/model.js';
import type { DeskItem, StoredProblem } from '../../domain/wire/queries.js';
import { csrfField, formMessage, input, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

/** The wire desk (/admin/wire) and an agency's settings (/admin/wire/agencies/…). */

export type DeskAgency = Agency & { counts: Record<'waiting' | 'published' | 'killed', number>; stale: boolean };

const FORMAT_LABEL: Record<string, string> = { ninjs: 'IPTC ninjs (JSON)', newsml: 'IPTC NewsML-G2 (XML)', rss: 'RSS / Atom' };
const STATUS_LABEL: Record<string, string> = { waiting: 'Waiting for an editor', published: 'Published', killed: 'Killed by the agency' };

function staleBanner(agency: DeskAgency, zone: string): SafeHtml {
  const since = agency.lastDeliveryAt ? `since ${formatDateTime(agency.lastDeliveryAt, zone)}` : 'since it was added';
  return html`<p class="notice warning" role="alert" data-stale="${agency.code}"><strong>${agency.name} (${agency.code}) has delivered nothing ${since}.</strong> Last poll: ${agency.lastPollMessage ?? 'none yet'}.</p>`;
}

export interface DeskData {
  agencies: readonly DeskAgency[];
  items: readonly DeskItem[];
  problems: readonly StoredProblem[];
  filters: { agency: string; status: string };
  next: string | null;
  csrf: string;
  zone: string;
  now: Date;
  notice?: string | undefined;
}

export function wireDeskPage(chrome: PageChrome, data: DeskData): string {
  const { zone } = data;
  const agencyName = new Map(data.agencies.map((a) => [a.id, `${a.name} (${a.code})`]));
  const option = (value: string, label: string, selected: string) =>
    html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
  const agencies = data.agencies.map(
    (a) =>
      html`<tr data-agency="${a.code}"><td><a href="/admin/wire/agencies/${a.id}">${a.name}</a> <code>wire:${a.code}</code>${a.enabled ? '' : html` <span class="hint">(off)</span>`}</td><td>${FORMAT_LABEL[a.format]}; ${a.endpoint ? `polled every ${a.pollMinutes} min` : 'pushes to the webhook'}; ${a.autoPublish ? 'publishes at once' : 'waits for an editor'}; ${a.visibility}</td><td class="counts">${a.counts.waiting} waiting, ${a.counts.published} published, ${a.counts.killed} killed</td><td>${
        a.lastPollAt
          ? html`${formatDateTime(a.lastPollAt, zone)}: <span data-poll-ok="${String(a.lastPollOk)}">${a.lastPollOk === null ? 'under way' : a.lastPollOk ? 'OK' : 'failed'}</span> — ${a.lastPollMessage ?? ''}`
          : 'Not yet'
      }</td><td>${
        a.endpoint
          ? html`<form method="post" action="/admin/wire/agencies/${a.id}/poll" class="inline">${csrfField(data.csrf)}<button type="submit" class="button">Poll now</button></form>`
          : ''
      }</td></tr>`,
  );
  const items = data.items.map(
    (i) =>
      html`<tr data-item="${i.id}"><td>${i.articleId ? html`<a href="/admin/articles/${i.articleId}/edit">${i.headline}</a>` : i.headline}<br><span class="hint">${i.guid} · version ${i.version}</span></td><td>${agencyName.get(i.agencyId) ?? i.agencyCode}</td><td>${STATUS_LABEL[i.status]}${
        i.embargoUntil && i.embargoUntil > data.now
          ? html`<br><span class="embargo">Embargoed until ${formatDateTime(i.embargoUntil, zone)}</span>`
          : ''
      }</td><td>${formatDateTime(i.updatedAt, zone)}</td><td>${
        i.status === 'waiting' && i.articleId
          ? html`<form method="post" action="/admin/wire/items/${i.id}/publish" class="inline">${csrfField(data.csrf)}<button type="submit" class="button">${
              i.embargoUntil && i.embargoUntil > data.now ? 'Publish at embargo' : 'Publish'
            }</button></form> <a href="/admin/articles/${i.articleId}/edit">Edit, then publish</a>`
          : ''
      }</td></tr>`,
  );
  const main = html`<h1>Wire desk</h1>${notice(data.notice)}
${data.agencies.filter((a) => a.stale).map((a) => staleBanner(a, zone))}
<p>Agency copy comes in by polling each agency’s feed, or by the agency pushing to <code>/webhooks/wire/&lt;CODE&gt;</code> (signed with <code>MASTHEAD_WIRE_&lt;CODE&gt;_SECRET</code>). It runs as <code>wire:&lt;CODE&gt;</code> with the publication’s wire disclaimer. Metering by agency: <a href="/admin/paywall">Paywall</a> (“never metered”, e.g. <code>wire:PTI</code>).</p>
<p><a class="button" href="/admin/wire/agencies/new">Add an agency</a></p>
${
  data.agencies.length === 0
    ? html`<p role="status">No agencies yet.</p>`
    : html`<table class="admin-table"><caption>Agencies</caption><thead><tr><th scope="col">Agency</th><th scope="col">How</th><th scope="col">Items</th><th scope="col">Last poll</th><th scope="col"></th></tr></thead><tbody>${agencies}</tbody></table>`
}
<h2>Incoming items</h2>
<form method="get" action="/admin/wire" class="filters"><label for="wire-agency">Agency</label> <select id="wire-agency" name="agency">${option('', 'All', data.filters.agency)}${data.agencies.map(
    (a) => option(String(a.id), a.name, data.filters.agency),
  )}</select> <label for="wire-status">Status</label> <select id="wire-status" name="status">${option('', 'All', data.filters.status)}${option('waiting', 'Waiting', data.filters.status)}${option('published', 'Published', data.filters.status)}${option('killed', 'Killed', data.filters.status)}</select> <button type="submit" class="button">Show</button></form>
${
  data.items.length === 0
    ? html`<p role="status">No items.</p>`
    : html`<table class="admin-table"><thead><tr><th scope="col">Story</th><th scope="col">Agency</th><th scope="col">Status</th><th scope="col">Last change</th><th scope="col"></th></tr></thead><tbody>${items}</tbody></table>`
}
${data.next ? html`<p><a rel="next" href="/admin/wire?${data.next}">More items</a></p>` : ''}
<h2>Items skipped</h2>
${
  data.problems.length === 0
    ? html`<p role="status">None.</p>`
    : html`<table class="admin-table"><thead><tr><th scope="col">When</th><th scope="col">Feed</th><th scope="col">Item</th><th scope="col">Why</th></tr></thead><tbody>${data.problems.map(
        (p) =>
          html`<tr data-problem><td>${formatDateTime(p.at, zone)}</td><td>${agencyName.get(p.agencyId) ?? ''}</td><td>${p.item}</td><td>${p.reason}</td></tr>`,
      )}</tbody></table>`
}`;
  return adminLayout(chrome, 'Wire desk', main);
}

export function agencyPage(
  chrome: PageChrome,
  data: { agency: Agency | null; form: FormState; sections: readonly { slug: string; name: string }[]; csrf: string },
): string {
  const { agency, form } = data;
  const v = form.values;
  const title = agency ? `Agency: ${agency.name}` : 'Add an agency';
  const select = (name: string, label: string, options: readonly [string, string][], hint = '') =>
    html`<div class="field${form.errors[name] ? ' has-error' : ''}"><label for="agency-${name}">${label}</label>${hint ? html`<p class="hint">${hint}</p>` : ''}${
      form.errors[name] ? html`<p class="field-error">${form.errors[name]}</p>` : ''
    }<select id="agency-${name}" name="${name}">${options.map(([value, text]) => html`<option value="${value}"${v[name] === value ? html` selected` : ''}>${text}</option>`)}</select></div>`;
  const check = (name: string, label: string) =>
    html`<label><input type="checkbox" name="${name}" value="yes"${v[name] === 'yes' ? html` checked` : ''}> ${label}</label>`;
  const main = html`<p><a href="/admin/wire">The wire desk</a></p><h1>${title}</h1>${formMessage(form)}
<form method="post" action="${agency ? `/admin/wire/agencies/${agency.id}` : '/admin/wire/agencies/new'}" class="account-form">${csrfField(data.csrf)}
${
  agency
    ? html`<p>Code: <code>${agency.code}</code> (provenance <code>wire:${agency.code}</code>; credentials <code>MASTHEAD_WIRE_${agency.code}_TOKEN</code>, <code>MASTHEAD_WIRE_${agency.code}_SECRET</code>; webhook <code>/webhooks/wire/${agency.code}</code>).</p>`
    : input({
        form,
        name: 'code',
        label: 'Code',
        id: 'agency-code',
        maxlength: 16,
        hint: 'Capital letters and digits (PTI, ANI). Names its provenance (wire:PTI), its environment variables and its webhook address; it cannot change later.',
      })
}
${input({ form, name: 'name', label: 'Name', id: 'agency-name', maxlength: 100 })}
${select('format', 'Format', [
  ['ninjs', FORMAT_LABEL.ninjs ?? ''],
  ['newsml', FORMAT_LABEL.newsml ?? ''],
  ['rss', FORMAT_LABEL.rss ?? ''],
])}
${input({ form, name: 'endpoint', label: 'Feed address', id: 'agency-endpoint', maxlength: 2000, hint: 'Polled with the bearer token MASTHEAD_WIRE_<CODE>_TOKEN when set. Empty: the agency pushes to the webhook.' })}
${input({ form, name: 'pollMinutes', label: 'Poll every (minutes)', id: 'agency-poll', maxlength: 4, inputmode: 'numeric' })}
${input({ form, name: 'staleMinutes', label: 'Warn when nothing arrives for (minutes)', id: 'agency-stale', maxlength: 6, inputmode: 'numeric', hint: 'The desk shows a warning and the newsroom is emailed once.' })}
${select(
  'defaultSection',
  'Section',
  data.sections.map((s) => [s.slug, s.name] as [string, string]),
  'Where items go unless a rule below places them.',
)}
<div class="field${form.errors.sectionMap ? ' has-error' : ''}"><label for="agency-map">Section by subject code or keyword</label><p class="hint">One a line: <code>medtop:04000000 = economy</code>, <code>cricket = sport</code>. The first rule an item matches wins.</p>${
    form.errors.sectionMap ? html`<p class="field-error">${form.errors.sectionMap}</p>` : ''
  }<textarea id="agency-map" name="sectionMap" rows="5" spellcheck="false">${v.sectionMap ?? ''}</textarea></div>
${select(
  'visibility',
  'Visibility of its stories',
  [
    ['free', 'Free'],
    ['metered', 'Metered'],
    ['premium', 'Premium'],
  ],
  'As the licence allows: a licence may require wire copy to be free.',
)}
${check('autoPublish', 'Publish items as they arrive (at the embargo’s end when embargoed); otherwise they wait for an editor')}
${check('enabled', 'On (polled, and accepted from the webhook)')}
<p class="actions"><button type="submit" class="button">Save</button></p></form>`;
  return adminLayout(chrome, title, main);
}

/** The form filled in with a stored agency. */
export function formOfAgency(agency: Agency): FormState {
  return {
    values: {
      code: agency.code,
      name: agency.name,
      format: agency.format,
      endpoint: agency.endpoint ?? '',
      pollMinutes: String(agency.pollMinutes),
      staleMinutes: String(agency.staleMinutes),
      defaultSection: agency.defaultSection,
      sectionMap: agency.sectionMap.map((r) => `${r.match} = ${r.section}`).join('\n'),
      visibility: agency.visibility,
      autoPublish: agency.autoPublish ? 'yes' : '',
      enabled: agency.enabled ? 'yes' : '',
    },
    errors: {},
  };
}
