import type { Issue, Newsletter, SendProgress } from '../../domain/newsletters/model.js';
import { csrfField, formMessage, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

/** The newsroom's newsletter pages: the lists, a list's form and issues, an issue with its preview, test send and progress. */

const fieldError = (form: FormState, name: string) =>
  form.errors[name] ? html`<p class="field-error" id="nl-${name}-error">${form.errors[name]}</p>` : '';
const aria = (form: FormState, name: string) => (form.errors[name] ? html` aria-invalid="true" aria-describedby="nl-${name}-error"` : '');

function textField(form: FormState, name: string, label: string, options: { max: number; hint?: string; area?: boolean } = { max: 200 }) {
  const value = form.values[name] ?? '';
  const control = options.area
    ? html`<textarea id="nl-${name}" name="${name}" rows="6"${aria(form, name)}>${value}</textarea>`
    : html`<input id="nl-${name}" name="${name}" value="${value}" maxlength="${options.max}"${aria(form, name)}>`;
  return html`<div class="field${form.errors[name] ? ' has-error' : ''}"><label for="nl-${name}">${label}</label>${options.hint ? html`<p class="hint">${options.hint}</p>` : ''}${fieldError(form, name)}${control}</div>`;
}

export function newsletterListPage(
  chrome: PageChrome,
  data: { lists: readonly Newsletter[]; counts: ReadonlyMap<number, number>; notice?: string | undefined },
): string {
  const rows = data.lists.map(
    (n) =>
      html`<tr data-newsletter="${n.slug}"><td><a href="/admin/newsletters/${n.id}">${n.name}</a>${n.retired ? ' (retired)' : ''}</td><td>${n.cadence}</td><td>${n.audience.kind === 'entitlement' ? n.audience.entitlement : n.audience.kind}</td><td>${data.counts.get(n.id) ?? 0}</td></tr>`,
  );
  const main = html`<h1>Newsletters</h1>${notice(data.notice)}
<p><a class="button" href="/admin/newsletters/new">New newsletter</a> <a href="/admin/newsletters/suppressions">Suppression list</a></p>
<table class="admin-table"><thead><tr><th scope="col">Newsletter</th><th scope="col">Cadence</th><th scope="col">Audience</th><th scope="col">Subscribers</th></tr></thead><tbody>${rows}</tbody></table>`;
  return adminLayout(chrome, 'Newsletters', main);
}

export function newsletterFormPage(
  chrome: PageChrome,
  data: {
    newsletter: Newsletter | null;
    form: FormState;
    csrf: string;
    audiences: readonly { value: string; label: string }[];
    sections: readonly { slug: string; name: string }[];
    issues: readonly Issue[];
    nextIssues: string | null;
    zone: string;
    notice?: string | undefined;
  },
): string {
  const { form, newsletter: n } = data;
  const action = n ? `/admin/newsletters/${n.id}` : '/admin/newsletters/new';
  const audience = form.values.audience ?? 'anyone';
  const digest = form.values.digestSection ?? '';
  const issues = data.issues.map(
    (i) =>
      html`<tr><td><a href="/admin/newsletter-issues/${i.id}">${i.subject}</a></td><td>${i.kind}</td><td data-status="${i.status}">${i.status}</td><td>${i.sentAt ? formatDateTime(i.sentAt, data.zone) : i.sendAt ? formatDateTime(i.sendAt, data.zone) : ''}</td></tr>`,
  );
  const main = html`<h1>${n ? n.name : 'New newsletter'}</h1>${notice(data.notice)}${formMessage(form)}
<form method="post" action="${action}" class="account-form">${csrfField(data.csrf)}
${textField(form, 'name', 'Name', { max: 100 })}
${textField(form, 'slug', 'Address', { max: 60, hint: 'Its page is /newsletters/<address>: lower-case letters, digits and hyphens.' })}
${textField(form, 'description', 'Description', { max: 1000, area: true })}
${textField(form, 'cadence', 'Cadence', { max: 100, hint: 'What readers are promised, e.g. “Every weekday morning”.' })}
${textField(form, 'senderName', 'Sender name', { max: 100, hint: 'Shown as the sender; the address is the site’s own (MAIL_FROM).' })}
<div class="field${form.errors.audience ? ' has-error' : ''}"><label for="nl-audience">Audience</label><p class="hint">Who may sign up; for an entitlement, who gets whole stories (others get lead-ins and links).</p>${fieldError(form, 'audience')}
<select id="nl-audience" name="audience">${data.audiences.map((a) => html`<option value="${a.value}"${a.value === audience ? html` selected` : ''}>${a.label}</option>`)}</select></div>
<div class="field"><label for="nl-digestSection">Daily digest of a section</label><p class="hint">Drawn up an hour before the hour below; an editor may hold or edit it until then.</p>
<select id="nl-digestSection" name="digestSection"><option value="">No digest</option>${data.sections.map((s) => html`<option value="${s.slug}"${s.slug === digest ? html` selected` : ''}>${s.name}</option>`)}</select></div>
${textField(form, 'digestHour', 'Digest hour (0–23, publisher’s time zone)', { max: 2 })}
${textField(form, 'position', 'Position in the list', { max: 4 })}
${n ? html`<div class="field"><label><input type="checkbox" name="retired" value="yes"${form.values.retired === 'yes' ? html` checked` : ''}> Retired (hidden from readers)</label></div>` : ''}
<button type="submit">Save</button></form>
${
  n
    ? html`<h2>Issues</h2><p><a class="button" href="/admin/newsletters/${n.id}/issues/new">Compose an issue</a></p>
${issues.length ? html`<table class="admin-table"><thead><tr><th scope="col">Subject</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">When</th></tr></thead><tbody>${issues}</tbody></table>` : html`<p>No issues yet.</p>`}
${data.nextIssues ? html`<p><a rel="next" href="/admin/newsletters/${n.id}?${data.nextIssues}">Older issues</a></p>` : ''}`
    : ''
}`;
  return adminLayout(chrome, n ? n.name : 'New newsletter', main);
}

function progressBlock(progress: SendProgress): SafeHtml {
  const done = progress.sent + progress.failed + progress.suppressed;
  return html`<section class="send-progress" aria-label="Send progress"><h2>Sending</h2>
<progress max="${Math.max(1, progress.total)}" value="${done}">${done} of ${progress.total}</progress>
<p><span data-sent>${progress.sent}</span> sent · <span data-failed>${progress.failed}</span> failed · <span data-suppressed>${progress.suppressed}</span> skipped (suppressed) · <span data-left>${progress.left}</span> left</p></section>`;
}

export function issuePage(
  chrome: PageChrome,
  data: {
    newsletter: Newsletter;
    issue: Issue | null;
    form: FormState;
    csrf: string;
    progress: SendProgress | null;
    /** Opens and clicks per link, when counting is on and the issue has gone out. */
    counts?: { opens: number; links: readonly { url: string; clicks: number }[] } | null;
    zone: string;
    scheduleValue: string;
    testMessage?: string | undefined;
    notice?: string | undefined;
  },
): string {
  const { issue, form, newsletter: n } = data;
  const editable = !issue || ['draft', 'held', 'scheduled'].includes(issue.status);
  const action = issue ? `/admin/newsletter-issues/${issue.id}` : `/admin/newsletters/${n.id}/issues/new`;
  const editor = editable
    ? html`<form method="post" action="${action}" class="account-form">${csrfField(data.csrf)}
${textField(form, 'subject', 'Subject', { max: 200 })}
${textField(form, 'introduction', 'Introduction', { max: 5000, area: true, hint: 'Plain text; a blank line starts a new paragraph.' })}
${textField(form, 'articles', 'Articles, in order', { max: 10000, area: true, hint: 'One a line: the article’s address (/article/…) or its slug.' })}
<button type="submit">Save</button></form>`
    : html``;
  const actions =
    issue && editable
      ? html`<h2>Send</h2>
<form method="post" action="/admin/newsletter-issues/${issue.id}/send" class="inline-form">${csrfField(data.csrf)}<button type="submit">Send now</button></form>
<form method="post" action="/admin/newsletter-issues/${issue.id}/schedule" class="inline-form">${csrfField(data.csrf)}<label for="nl-at">Send at</label> <input id="nl-at" name="at" type="datetime-local" value="${data.scheduleValue}"> <button type="submit">Schedule</button></form>
${issue.status === 'scheduled' ? html`<form method="post" action="/admin/newsletter-issues/${issue.id}/hold" class="inline-form">${csrfField(data.csrf)}<button type="submit">Hold</button></form>` : ''}`
      : html``;
  const preview = issue
    ? html`<h2>Preview</h2><p>As the issue would reach: ${(['anonymous', 'registered', 'entitled'] as const).map(
        (kind) =>
          html`<a href="/admin/newsletter-issues/${issue.id}/preview?as=${kind}" data-preview="${kind}">${kind === 'anonymous' ? 'an anonymous sign-up' : kind === 'registered' ? 'a registered reader' : 'an entitled reader'}</a> `,
      )}</p>
<h2>Test send</h2>${data.testMessage ? html`<p role="status">${data.testMessage}</p>` : ''}
<form method="post" action="/admin/newsletter-issues/${issue.id}/test" class="account-form">${csrfField(data.csrf)}
<div class="field"><label for="nl-to">Addresses</label><p class="hint">Up to ten, separated by commas or spaces.</p><input id="nl-to" name="to" maxlength="2000"></div>
<div class="field"><label for="nl-as">As</label><select id="nl-as" name="as"><option value="anonymous">an anonymous sign-up</option><option value="registered">a registered reader</option><option value="entitled">an entitled reader</option></select></div>
<button type="submit">Send a test</button></form>`
    : html``;
  const status = issue
    ? html`<p>Status: <strong data-status="${issue.status}">${issue.status}</strong>${issue.sendAt && issue.status === 'scheduled' ? html`, at ${formatDateTime(issue.sendAt, data.zone)}` : ''}${issue.kind === 'digest' ? ' (daily digest)' : ''}</p>`
    : html``;
  const main = html`<p><a href="/admin/newsletters/${n.id}">${n.name}</a></p><h1>${issue ? issue.subject : 'New issue'}</h1>${notice(data.notice)}${formMessage(form)}${status}
${data.progress && data.progress.total > 0 ? progressBlock(data.progress) : ''}${data.counts ? countsBlock(data.counts) : ''}${editor}${actions}${preview}`;
  return adminLayout(chrome, issue ? issue.subject : 'New issue', main);
}

/** An issue's opens and clicks: counted per issue and link, never per reader. */
function countsBlock(counts: { opens: number; links: readonly { url: string; clicks: number }[] }) {
  const rows = counts.links.map((l) => html`<tr><td><a href="${l.url}">${l.url}</a></td><td data-clicks="${l.url}">${l.clicks}</td></tr>`);
  return html`<h2>Opens and clicks</h2>
<p>Opens: <strong data-opens>${counts.opens}</strong>. Clicks: <strong data-clicks-total>${counts.links.reduce((n, l) => n + l.clicks, 0)}</strong>.</p>
<p class="hint">Counted for the issue and each link, never for a reader. Opens are approximate: many mail clients block images (an open not counted) or fetch them in advance, and mail scanners follow links (counted when nobody read).</p>
${rows.length ? html`<table class="admin-table"><thead><tr><th scope="col">Link</th><th scope="col">Clicks</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p>No clicks yet.</p>`}`;
}

export function suppressionPage(
  chrome: PageChrome,
  data: {
    rows: readonly { email: string; reason: string; detail: string; created_at: Date; newsletter_id: number | null }[];
    next: string | null;
    csrf: string;
    zone: string;
    notice?: string | undefined;
  },
): string {
  const rows = data.rows.map(
    (r) =>
      html`<tr><td>${r.email}</td><td>${r.reason}</td><td>${r.newsletter_id === null ? 'every list' : `list ${r.newsletter_id}`}</td><td>${r.detail}</td><td>${formatDateTime(r.created_at, data.zone)}</td></tr>`,
  );
  const main = html`<h1>Suppression list</h1>${notice(data.notice)}<p>No send reaches these addresses: unsubscribed (from one list), hard-bounced or complained (every list).</p>
<form method="post" action="/admin/newsletters/suppressions" class="inline-form">${csrfField(data.csrf)}<label for="sup-email">Address</label> <input id="sup-email" name="email" type="email" maxlength="320" required>
<label for="sup-reason">Reason</label> <select id="sup-reason" name="reason"><option value="complained">complained</option><option value="hard-bounce">hard bounce</option></select> <button type="submit">Suppress</button></form>
<table class="admin-table"><thead><tr><th scope="col">Address</th><th scope="col">Reason</th><th scope="col">Lists</th><th scope="col">Detail</th><th scope="col">Since</th></tr></thead><tbody>${rows}</tbody></table>
${data.next ? html`<p><a rel="next" href="/admin/newsletters/suppressions?${data.next}">More</a></p>` : ''}`;
  return adminLayout(chrome, 'Suppression list', main);
}
