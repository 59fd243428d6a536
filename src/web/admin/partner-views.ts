import type { UploadRecord } from '../../domain/partners/code-queries.js';
import type { Partner, ProvisioningKind } from '../../domain/partners/model.js';
import type { PartnerPage } from '../../domain/partners/service.js';
import { lowOnCodes } from '../../domain/partners/service.js';
import type { PartnerWithStock } from '../../domain/partners/queries.js';
import { csrfField, formMessage, input, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

/** The business team's partner pages: the list with stock warnings, one partner (fields, codes, uploads, report). */

export const UPLOAD_SCRIPT_PATH = '/admin/assets/partner-upload.js';

const PROVISIONING_LABELS: Record<ProvisioningKind, string> = {
  'code-pool': 'Code pool: codes uploaded here (CSV)',
  api: 'Partner API (an adapter of this install)',
};

const count = (n: number) => n.toLocaleString('en-IN');

function terms(form: FormState, id: string): SafeHtml {
  const error = form.errors.terms;
  return html`<div class="field${error ? ' has-error' : ''}"><label for="${id}">Terms</label>
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
<textarea id="${id}" name="terms" rows="4"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>${form.values.terms ?? ''}</textarea></div>`;
}

function provisioning(form: FormState, id: string, kinds: readonly ProvisioningKind[]): SafeHtml {
  const chosen = form.values.provisioning || 'code-pool';
  const error = form.errors.provisioning;
  return html`<div class="field${error ? ' has-error' : ''}"><label for="${id}">How codes are given</label>
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
<select id="${id}" name="provisioning">${kinds.map(
    (k) => html`<option value="${k}"${k === chosen ? html` selected` : ''}>${PROVISIONING_LABELS[k]}</option>`,
  )}</select></div>`;
}

/** The fields of a partner; `entitlement` only when it is new (the key never changes). */
function partnerFields(form: FormState, prefix: string, kinds: readonly ProvisioningKind[], isNew: boolean): SafeHtml {
  const id = (name: string) => `${prefix}-${name}`;
  return html`${input({ form, name: 'name', label: 'Name', id: id('name'), maxlength: 80 })}
${input({ form, name: 'includes', label: 'What it includes (readers see it)', id: id('includes'), maxlength: 500, hint: 'For example: News, Games, Cooking, Audio.' })}
${input({ form, name: 'activationUrl', label: 'Activation address', id: id('activationUrl'), maxlength: 500, hint: 'https only; {code} is replaced by the reader’s code, e.g. https://partner.example/redeem?code={code}' })}
${terms(form, id('terms'))}
${input({ form, name: 'lowStockThreshold', label: 'Warn when fewer unclaimed codes than', id: id('lowStockThreshold'), maxlength: 7, inputmode: 'numeric' })}
${provisioning(form, id('provisioning'), kinds)}
${
  isNew
    ? input({
        form,
        name: 'entitlement',
        label: 'Entitlement key (plans grant it; cannot change)',
        id: id('entitlement'),
        maxlength: 40,
        hint: 'partner-… : a new catalogue entry, or the existing one of that key (partner-bundle).',
      })
    : ''
}`;
}

export function lowStockWarning(partner: PartnerWithStock): SafeHtml {
  if (!lowOnCodes(partner)) return html``;
  return html`<p class="form-error" role="alert" data-low-stock="${partner.id}">Low on codes: ${partner.name} has ${count(partner.unclaimed)} unclaimed code${
    partner.unclaimed === 1 ? '' : 's'
  } left (warning below ${count(partner.lowStockThreshold)}). Upload more.</p>`;
}

const emptyPoolWarning = (partner: Partner, timeZone: string) =>
  partner.poolEmptyAt
    ? html`<p class="form-error" role="alert" data-pool-empty>Readers found no code to claim since ${formatDateTime(partner.poolEmptyAt, timeZone)}: they were told codes are on their way. Upload codes.</p>`
    : html``;

export function partnersPage(
  chrome: PageChrome,
  data: {
    partners: PartnerWithStock[];
    form: FormState;
    kinds: readonly ProvisioningKind[];
    csrf: string;
    timeZone: string;
    notice?: string | undefined;
  },
): string {
  const main = html`<h1>Partners</h1>${notice(data.notice)}
<p>Partner publications whose bundle a plan includes. Subscribers holding a partner’s entitlement claim one activation code on their account page.</p>
${data.partners.map((p) => html`${lowStockWarning(p)}${emptyPoolWarning(p, data.timeZone)}`)}
${
  data.partners.length
    ? html`<table class="admin-table"><thead><tr><th scope="col">Partner</th><th scope="col">Entitlement</th><th scope="col">Unclaimed codes</th></tr></thead><tbody>${data.partners.map(
        (p) =>
          html`<tr data-partner="${p.id}"><td><a href="/admin/partners/${p.id}">${p.name}</a></td><td><code>${p.entitlement}</code></td><td>${
            p.provisioning === 'api' ? 'partner API' : count(p.unclaimed)
          }</td></tr>`,
      )}</tbody></table>`
    : html`<p>No partners yet.</p>`
}
<section class="block"><h2>New partner</h2><form method="post" action="/admin/partners" class="account-form">${csrfField(data.csrf)}${formMessage(data.form)}
${partnerFields(data.form, 'partner-new', data.kinds, true)}
<button type="submit" class="button">Add partner</button></form></section>`;
  return adminLayout(chrome, 'Partners', main);
}

export function uploadSummary(upload: UploadRecord, timeZone: string): SafeHtml {
  return html`<dl class="account-details" data-upload="${upload.id}" data-status="${upload.status}">
<dt>File</dt><dd>${upload.fileName || '(unnamed)'}</dd>
<dt>Uploaded</dt><dd>${formatDateTime(upload.createdAt, timeZone)}${upload.uploadedBy ? ` by ${upload.uploadedBy}` : ''}</dd>
<dt>Status</dt><dd>${upload.status === 'imported' ? 'Imported' : 'Refused: nothing was imported'}</dd>
<dt>Rows read</dt><dd data-rows-read>${count(upload.rowsRead)}</dd>
<dt>Imported</dt><dd data-imported>${count(upload.imported)}</dd>
</dl>${
    upload.problemCount > 0
      ? html`<h2>${count(upload.problemCount)} problem${upload.problemCount === 1 ? '' : 's'}${
          upload.problemCount > upload.problems.length ? html` (the first ${upload.problems.length})` : ''
        }</h2><ul class="upload-problems">${upload.problems.map((p) => html`<li data-line="${p.line}">Line ${p.line}: ${p.message}</li>`)}</ul>
<p>Correct the file and upload it again: it is imported whole or not at all.</p>`
      : ''
  }`;
}

export function uploadPage(chrome: PageChrome, data: { partner: Partner; upload: UploadRecord; timeZone: string }): string {
  const main = html`<h1>Codes for ${data.partner.name}</h1>${uploadSummary(data.upload, data.timeZone)}
<p><a href="/admin/partners/${data.partner.id}">Back to ${data.partner.name}</a></p>`;
  return adminLayout(chrome, `Upload: ${data.partner.name}`, main);
}

export function partnerPage(
  chrome: PageChrome,
  data: PartnerPage & {
    form: FormState;
    kinds: readonly ProvisioningKind[];
    csrf: string;
    timeZone: string;
    notice?: string | undefined;
    rejected?: UploadRecord | undefined;
    /** No file, or one too large: said beside the file field. */
    uploadError?: string | undefined;
  },
): string {
  const { partner, counts } = data;
  const main = html`<h1>${partner.name}</h1>${notice(data.notice)}${lowStockWarning(partner)}${emptyPoolWarning(partner, data.timeZone)}
<p><a href="/admin/partners">All partners</a> · entitlement <code>${partner.entitlement}</code> (name and description at <a href="/admin/entitlements">Entitlements</a>)</p>
<section class="block"><h2>Which plans include it</h2>${
    data.plans.length
      ? html`<ul data-plans>${data.plans.map((p) => html`<li>${p.name}${p.active ? '' : ' (retired)'}</li>`)}</ul>`
      : html`<p>No plan grants <code>${partner.entitlement}</code> yet.</p>`
  }<p class="hint">Choose them in the <a href="/admin/plans">plans editor</a>.</p></section>
<section class="block"><h2>Codes</h2><dl class="account-details" data-counts>
<dt>Unclaimed</dt><dd data-count="unclaimed">${count(counts.unclaimed)}</dd>
<dt>Claimed, active</dt><dd data-count="active">${count(counts.active)}</dd>
<dt>Marked for revocation</dt><dd data-count="revoke">${count(counts.revokeRequested)}</dd>
<dt>Expired unclaimed</dt><dd data-count="expired">${count(counts.expiredUnclaimed)}</dd>
</dl><p><a href="/admin/partners/${partner.id}/report.csv" download>Download the partner report (CSV)</a>: every code handed out, by day claimed, active or to revoke.</p>
${data.rejected ? html`<div class="block" role="alert"><h3>Upload refused</h3>${uploadSummary(data.rejected, data.timeZone)}</div>` : ''}
<form method="post" action="/admin/partners/${partner.id}/codes" enctype="multipart/form-data" class="account-form" data-progress-upload>${csrfField(data.csrf)}
<div class="field${data.uploadError ? ' has-error' : ''}"><label for="partner-codes-file">Codes file (CSV)</label>${
    data.uploadError ? html`<p class="field-error" id="partner-codes-error" role="alert">${data.uploadError}</p>` : ''
  }<p class="hint" id="partner-codes-hint">One code a line; optionally a header line <code>code</code> and a second column with the last day it may be handed out (2027-03-31). Checked whole: one bad line and nothing is imported.</p>
<input id="partner-codes-file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain" aria-describedby="partner-codes-hint" required></div>
<progress hidden max="100" value="0" data-upload-progress></progress><p class="hint" role="status" data-upload-status></p>
<button type="submit" class="button">Upload codes</button></form>
${
  data.uploads.length
    ? html`<h3>Recent uploads</h3><ul>${data.uploads.map(
        (u) =>
          html`<li><a href="/admin/partners/${partner.id}/uploads/${u.id}">${formatDateTime(u.createdAt, data.timeZone)}</a>: ${u.fileName || '(unnamed)'}, ${
            u.status === 'imported' ? `${count(u.imported)} imported` : `refused (${count(u.problemCount)} problems)`
          }</li>`,
      )}</ul>`
    : ''
}</section>
<section class="block"><h2>Details</h2><form method="post" action="/admin/partners/${partner.id}" class="account-form">${csrfField(data.csrf)}${formMessage(data.form)}
${partnerFields(data.form, 'partner', data.kinds, false)}
<button type="submit" class="button">Save</button></form></section>`;
  return adminLayout(chrome, partner.name, main, html`<script src="${UPLOAD_SCRIPT_PATH}" defer></script>`);
}

/**
 * The upload form's progress bar: the file is sent by XMLHttpRequest so its progress can be shown, then the
 * answer (the upload's page, or the partner page with the refused rows) replaces the page. Without script the
 * form posts as usual.
 */
export const UPLOAD_SCRIPT = `(() => {
  'use strict';
  const form = document.querySelector('form[data-progress-upload]');
  if (!form || !window.XMLHttpRequest) return;
  const bar = form.querySelector('[data-upload-progress]');
  const status = form.querySelector('[data-upload-status]');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    bar.hidden = false;
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      bar.value = Math.round((e.loaded / e.total) * 100);
      status.textContent = 'Sending: ' + bar.value + '%';
    });
    xhr.upload.addEventListener('load', () => { status.textContent = 'Checking and importing every row…'; });
    xhr.addEventListener('load', () => {
      if (xhr.status < 400 && xhr.responseURL) { window.location.assign(xhr.responseURL); return; }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener('error', () => { status.textContent = 'The upload failed: check your connection and try again.'; });
    xhr.send(new FormData(form));
  });
})();
`;
