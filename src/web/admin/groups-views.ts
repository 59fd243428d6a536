import type { CatalogueEntry } from '../../domain/entitlements/catalogue.js';
import type { AccessGroup, GroupMember } from '../../domain/groups/queries.js';
import { GROUP_LIMITS, inForce } from '../../domain/groups/rules.js';
import { csrfField, formMessage, input, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { formatDate, formatDateTime, isoDateIn } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

/** The pages of /admin/groups: the list, and a group's form with its members. */

export interface GroupView {
  zone: string;
  now: Date;
  name: (key: string) => string;
}

/** In force, to start, or ended, as staff read it in the list. */
function state(group: AccessGroup, view: GroupView): string {
  if (inForce(group, view.now))
    return group.endsAt ? `In force until ${formatDate(new Date(group.endsAt.getTime() - 1), view.zone)}` : 'In force';
  return group.startsAt > view.now
    ? `Starts ${formatDate(group.startsAt, view.zone)}`
    : `Ended ${formatDateTime(group.endsAt ?? view.now, view.zone)}`;
}

const seatsText = (group: AccessGroup) =>
  group.emailDomains.length === 0 ? '—' : `${group.seatsUsed} of ${group.seats === null ? 'unlimited' : group.seats}`;

export function groupListPage(
  chrome: PageChrome,
  data: { groups: readonly AccessGroup[]; next: string | null; notice?: string | undefined; view: GroupView },
): string {
  const { view } = data;
  const rows = data.groups.map(
    (g) =>
      html`<tr data-group="${g.id}"><td><a href="/admin/groups/${g.id}">${g.name}</a></td><td>${g.entitlements.map(view.name).join(', ')}</td><td>${g.ipRanges.length} range${g.ipRanges.length === 1 ? '' : 's'}; ${g.emailDomains.join(', ') || 'no domains'}</td><td class="seats">${seatsText(g)}</td><td>${state(g, view)}</td></tr>`,
  );
  const main = html`<h1>Group access</h1>${notice(data.notice)}
<p>Institutions whose readers get access by the network they read from (IP ranges: a site licence, seats not counted) or by a verified email address at their domain (each reader joins on their account page and takes a seat). Behind a reverse proxy or CDN, set <code>MASTHEAD_TRUSTED_PROXIES</code> so the site sees readers’ own addresses; an edge proxy can read the ranges at <code>/api/v1/access/ip-allowlist</code>.</p>
<p><a class="button" href="/admin/groups/new">New group</a></p>
${
  data.groups.length === 0
    ? html`<p role="status">No groups yet.</p>`
    : html`<table class="admin-table"><thead><tr><th scope="col">Group</th><th scope="col">Gives</th><th scope="col">Who</th><th scope="col">Seats used</th><th scope="col">Period</th></tr></thead><tbody>${rows}</tbody></table>`
}
${data.next ? html`<p><a rel="next" href="/admin/groups?${data.next}">More groups</a></p>` : ''}`;
  return adminLayout(chrome, 'Group access', main);
}

/** A field's problems, one a line (ranges and domains name their lines). */
const problems = (form: FormState, name: string) => {
  const error = form.errors[name];
  return error
    ? html`<div class="field-error" id="group-${name}-error">${error.split('\n').map((line) => html`<p data-problem>${line}</p>`)}</div>`
    : '';
};
const invalid = (form: FormState, name: string) =>
  form.errors[name] ? html` aria-invalid="true" aria-describedby="group-${name}-error"` : '';

function lines(form: FormState, name: string, label: string, hint: string) {
  return html`<div class="field${form.errors[name] ? ' has-error' : ''}"><label for="group-${name}">${label}</label><p class="hint">${hint}</p>${problems(form, name)}
<textarea id="group-${name}" name="${name}" rows="6" spellcheck="false"${invalid(form, name)}>${form.values[name] ?? ''}</textarea></div>`;
}

export interface GroupPageData {
  group: AccessGroup | null;
  form: FormState;
  entitlements: readonly string[];
  givable: readonly CatalogueEntry[];
  members: readonly GroupMember[];
  nextMembers: string | null;
  csrf: string;
  notice?: string | undefined;
  view: GroupView;
}

function membersSection(data: GroupPageData, group: AccessGroup): SafeHtml {
  const { view } = data;
  if (group.emailDomains.length === 0 && group.seatsUsed === 0) return html``;
  return html`<section class="block" aria-labelledby="members"><h2 id="members">Members</h2>
<p class="seats" data-seats>Seats used: ${seatsText(group)}.</p>
${
  data.members.length === 0
    ? html`<p>No reader has joined yet.</p>`
    : html`<table class="admin-table"><thead><tr><th scope="col">Reader</th><th scope="col">Joined</th><th scope="col"></th></tr></thead><tbody>${data.members.map(
        (m) =>
          html`<tr data-member="${m.userId}"><td><a href="/admin/users?email=${encodeURIComponent(m.email)}">${m.email}</a></td><td>${formatDateTime(m.joinedAt, view.zone)}</td><td><form method="post" action="/admin/groups/${group.id}/members/${m.userId}/remove" class="inline">${csrfField(data.csrf)}<button type="submit" class="button danger">Remove</button></form></td></tr>`,
      )}</tbody></table>`
}
${data.nextMembers ? html`<p><a rel="next" href="/admin/groups/${group.id}?${data.nextMembers}">More members</a></p>` : ''}</section>`;
}

export function groupPage(chrome: PageChrome, data: GroupPageData): string {
  const { group, form, view } = data;
  const { values } = form;
  const title = group ? `Group: ${group.name}` : 'New group';
  const radio = (name: string, value: string, checked: boolean, label: string) =>
    html`<label><input type="radio" name="${name}" value="${value}"${checked ? html` checked` : ''}> ${label}</label>`;
  const never = values.ends === 'never';
  const unlimited = values.seatsKind !== 'limited';
  const ended = group && group.endsAt !== null && group.endsAt <= view.now;
  const main = html`<p><a href="/admin/groups">All groups</a></p><h1>${title}</h1>${notice(data.notice)}
${group ? html`<p data-state>${state(group, view)}.</p>` : ''}${formMessage(form)}
<form method="post" action="${group ? `/admin/groups/${group.id}` : '/admin/groups/new'}" class="account-form">${csrfField(data.csrf)}
${input({ form, name: 'name', label: 'Name', id: 'group-name', maxlength: GROUP_LIMITS.name, hint: 'The institution, as staff and its readers know it.' })}
${lines(form, 'ranges', 'IP ranges', 'One a line: 203.0.113.0/24, 2001:db8:1::/48, 10.0.0.1-10.0.0.200 or one address. Anyone reading from them has the access, signed in or not.')}
<label><input type="checkbox" name="confirmLarge" value="yes"${values.confirmLarge === 'yes' ? html` checked` : ''}> These large ranges are meant (more than an IPv4 /16 or an IPv6 /48; never more than a /8 or a /32)</label>
${lines(form, 'domains', 'Email domains', 'One a line, like iitb.ac.in: readers with a verified address there, or at a subdomain (cse.iitb.ac.in), may join on their account page.')}
<fieldset${invalid(form, 'entitlements')}><legend>What it gives (<a href="/admin/entitlements">the catalogue</a>: only what works here)</legend>${problems(form, 'entitlements')}${data.givable.map(
    (e) =>
      html`<label><input type="checkbox" name="entitlement" value="${e.key}"${data.entitlements.includes(e.key) ? html` checked` : ''}> ${e.name}</label> `,
  )}</fieldset>
<fieldset${invalid(form, 'starts')}${invalid(form, 'ends')}><legend>When (${view.zone})</legend>${problems(form, 'starts')}${problems(form, 'ends')}
<label for="group-starts">First day</label> <input id="group-starts" name="starts" type="date" value="${values.starts ?? isoDateIn(view.now, view.zone)}" required>
${radio('ends', 'date', !never, 'Last day')} <label for="group-until" class="visually-hidden">Last day of access</label><input id="group-until" name="until" type="date" value="${values.until ?? ''}">
${radio('ends', 'never', never, 'No end date')}</fieldset>
<fieldset${invalid(form, 'seats')}><legend>Seats (members by email domain; network access is not counted)</legend>${problems(form, 'seats')}
${radio('seatsKind', 'unlimited', unlimited, 'Unlimited')} ${radio('seatsKind', 'limited', !unlimited, 'Seats:')} <label for="group-seats" class="visually-hidden">Number of seats</label><input id="group-seats" name="seats" inputmode="numeric" maxlength="7" value="${values.seats ?? ''}"></fieldset>
<p class="actions"><button type="submit" class="button">Save</button></p></form>
${
  group && !ended
    ? html`<form method="post" action="/admin/groups/${group.id}/end" class="inline">${csrfField(data.csrf)}<button type="submit" class="button danger">End now</button> <span class="hint">Nobody has the group’s access from the next page on; members keep their membership on record.</span></form>`
    : ''
}
${group ? membersSection(data, group) : ''}`;
  return adminLayout(chrome, title, main);
}

/** The form filled in with a stored group. */
export function formOfGroup(group: AccessGroup, zone: string): FormState {
  return {
    values: {
      name: group.name,
      ranges: group.ipRanges.join('\n'),
      domains: group.emailDomains.join('\n'),
      starts: isoDateIn(group.startsAt, zone),
      ends: group.endsAt ? 'date' : 'never',
      until: group.endsAt ? isoDateIn(new Date(group.endsAt.getTime() - 1), zone) : '',
      seatsKind: group.seats === null ? 'unlimited' : 'limited',
      seats: group.seats === null ? '' : String(group.seats),
      // Stored ranges passed the check when saved (confirmed then if large).
      confirmLarge: 'yes',
    },
    errors: {},
  };
}
