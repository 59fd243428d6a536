import { PLACEHOLDERS, TRUST_PAGE_SLUGS, type TrustPageSlug } from '../../domain/site/trust-pages.js';
import { csrfField, formMessage, input, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

/** The publication's settings and trust pages, as the business team edits them. Everything is escaped by `html`. */

function textarea(form: FormState, name: string, label: string, rows: number, hint?: string): SafeHtml {
  const id = `settings-${name}`;
  const error = form.errors[name];
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' has-error' : ''}"><label for="${id}">${label}</label>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
<textarea id="${id}" name="${name}" rows="${rows}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? html` aria-invalid="true"` : ''}>${form.values[name] ?? ''}</textarea></div>`;
}

const field = (form: FormState, name: string, label: string, maxlength: number, hint?: string, type?: 'email') =>
  input({ form, name, label, id: `settings-${name}`, maxlength, ...(hint ? { hint } : {}), ...(type ? { type } : {}) });

export interface SettingsPageInput {
  form: FormState;
  csrf: string;
  notice?: string | undefined;
  /** MASTHEAD_TIMEZONE, used while no time zone is stored. */
  configuredTimeZone: string;
  /** The time zone pages use now. */
  timeZone: string;
  /** Whether MASTHEAD_SUPPLIER_* set the legal identity at start (and will again at the next start). */
  supplierFromEnvironment: boolean;
}

export function settingsPage(chrome: PageChrome, data: SettingsPageInput): string {
  const { form } = data;
  const pan = /^\d{2}([A-Z]{5}\d{4}[A-Z])/.exec((form.values.supplierGstin ?? '').toUpperCase())?.[1];
  const main = html`<h1>Settings</h1>${notice(data.notice)}
<p><a href="/admin/pages">Trust pages</a> (About, Contact, Terms, Privacy, Refunds, Grievance redressal)</p>
<form method="post" action="/admin/settings" class="settings-form" novalidate>${csrfField(data.csrf)}${formMessage(form)}
<fieldset><legend>The publication</legend>
${field(form, 'publicationName', 'Name', 100, 'Shown in the header, page titles, emails, feeds and new invoices.')}
${field(form, 'tagline', 'Tagline', 200)}
${field(form, 'logoUrl', 'Logo', 500, 'An https:// address or a path on this site, such as /media/image/12 for image 12 in Images. Empty: the name is shown in text.')}
${field(form, 'faviconUrl', 'Favicon', 500, 'An https:// address or a path on this site, such as /media/image/12 (a square crop).')}
${field(form, 'defaultImageId', 'Default image (its number in Images)', 10, 'Shown on story cards and in links shared on social sites for stories without a lead image (not on the story itself). Empty: none.')}
${field(form, 'language', 'Language', 35, 'A BCP 47 tag such as en-IN, hi-IN or ta.')}
${field(
  form,
  'timeZone',
  'Time zone',
  60,
  `An IANA name such as Asia/Kolkata; empty for ${data.configuredTimeZone} (MASTHEAD_TIMEZONE). Now: ${data.timeZone}. Dates on pages, scheduling in the newsroom and the meter's month follow a change at once; subscription terms and sitemaps take effect after a restart.`,
)}
</fieldset>
<fieldset><legend>Premium stories</legend>
${input({
  form,
  name: 'premiumPromisedDaily',
  label: 'Premium stories promised a day',
  id: 'settings-premiumPromisedDaily',
  maxlength: 5,
  inputmode: 'numeric',
  hint: 'A whole number; 0 for no promise. The newsroom’s article list counts today’s premium stories against it, and readers are told of it (“30+ a day”) only when it is set.',
})}
</fieldset>
<fieldset><legend>Gift articles</legend>
${input({
  form,
  name: 'giftArticlesMonthly',
  label: 'Gift articles per subscriber per month',
  id: 'settings-giftArticlesMonthly',
  maxlength: 5,
  inputmode: 'numeric',
  hint: 'A whole number; 0 turns gifting off and hides the “Gift this article” button. Each gift link opens one article for anyone for 7 days. E-paper subscribers may share as many clippings a month (0 turns sharing off too); a month is a calendar month in the publication’s time zone.',
})}
</fieldset>
<fieldset><legend>Contact details</legend>
${field(form, 'contactEmail', 'Email', 254, undefined, 'email')}
${field(form, 'contactPhone', 'Telephone', 30, 'Leave empty to offer no telephone: the pages then say nothing of calling.')}
${textarea(form, 'contactAddress', 'Postal address', 4, 'One line per line, at most 6.')}
${textarea(form, 'socialLinks', 'Links elsewhere', 4, 'One https:// address per line (X, Instagram, YouTube…), shown in every page’s footer.')}
</fieldset>
<fieldset><legend>Legal identity on invoices</legend>
<p class="hint">New invoices carry it; invoices already issued keep the identity they were issued with.${
    data.supplierFromEnvironment
      ? ' It is set by the MASTHEAD_SUPPLIER_* variables: a change here lasts until the next restart, which stores theirs again.'
      : ''
  }</p>
${field(form, 'supplierName', 'Legal name', 200)}
${textarea(form, 'supplierAddress', 'Registered address', 4, 'One line per line, at most 6.')}
${field(form, 'supplierGstin', 'GSTIN', 15, pan ? `PAN (from the GSTIN): ${pan}` : '15 characters; the PAN is its 3rd to 12th.')}
${field(form, 'supplierState', 'GST state code', 2, 'The two digits of the State of registration (27 for Maharashtra), the GSTIN’s first two.')}
${field(form, 'invoiceSeries', 'Invoice series', 4, '1 to 4 capitals, digits or hyphens: DL → DL/2627/000001.')}
</fieldset>
<p><button class="button" type="submit">Save settings</button></p>
</form>`;
  return adminLayout(chrome, 'Settings', main);
}

const PAGE_TITLES: Record<TrustPageSlug, string> = {
  about: 'About',
  contact: 'Contact',
  terms: 'Terms of use',
  privacy: 'Privacy policy',
  refunds: 'Refunds and cancellation',
  grievance: 'Grievance redressal',
};

export function trustPagesList(chrome: PageChrome, data: { stored: Set<TrustPageSlug> }): string {
  const main = html`<h1>Trust pages</h1>
<p>Every page’s footer links to these. Each starts from a plain default text; edit it to fit the publication.</p>
<table><thead><tr><th scope="col">Page</th><th scope="col">Address</th><th scope="col">Text</th></tr></thead><tbody>${TRUST_PAGE_SLUGS.map(
    (slug) =>
      html`<tr data-page="${slug}"><td><a href="/admin/pages/${slug}">${PAGE_TITLES[slug]}</a></td><td><a href="/${slug}">/${slug}</a></td><td>${data.stored.has(slug) ? 'Edited' : 'Default'}</td></tr>`,
  )}</tbody></table>
<p><a href="/admin/settings">Settings</a></p>`;
  return adminLayout(chrome, 'Trust pages', main);
}

export function trustPageEditor(
  chrome: PageChrome,
  data: { slug: TrustPageSlug; form: FormState; csrf: string; notice?: string | undefined },
): string {
  const { form, slug } = data;
  const officer =
    slug === 'grievance'
      ? html`<fieldset><legend>Grievance officer</legend>
<p class="hint">India’s IT Rules 2021 require a digital news publisher to publish these; every one is required. A complaint is acknowledged within 24 hours.</p>
${field(form, 'officerName', 'Name', 100)}
${field(form, 'officerDesignation', 'Designation', 100)}
${field(form, 'officerEmail', 'Email', 254, undefined, 'email')}
${field(form, 'officerPhone', 'Telephone', 30)}
${textarea(form, 'officerAddress', 'Postal address', 4, 'One line per line, at most 6.')}
${field(form, 'officerResponseDays', 'Days to decide a complaint', 2, 'At most 15.')}
</fieldset>`
      : '';
  const main = html`<h1>${PAGE_TITLES[slug]}</h1>${notice(data.notice)}
<p>Readers see it at <a href="/${slug}">/${slug}</a>. <a href="/admin/pages">All trust pages</a></p>
<form method="post" action="/admin/pages/${slug}" novalidate>${csrfField(data.csrf)}${formMessage(form)}
${field(form, 'title', 'Title', 100)}
${textarea(
  form,
  'body',
  'Text (Markdown)',
  22,
  `Placeholders are filled from the settings: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}. A line that uses a detail not set is left out, so the page never offers what is not there.`,
)}
${officer}
<p><button class="button" type="submit">Save the page</button></p>
</form>`;
  return adminLayout(chrome, PAGE_TITLES[slug], main);
}
