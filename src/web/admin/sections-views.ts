import type { Section } from '../../domain/content/model.js';
import { csrfField, formMessage, hidden, input as inputField, notice } from '../accounts/views.js';
import type { FormState } from '../http/forms.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

/** The newsroom's section pages: the list in order, and the form to create or edit one. Escaped by `html`. */

const button = (action: string, csrf: string, label: string, fields: SafeHtml | '' = '', kind = 'secondary') =>
  html`<form method="post" action="${action}" class="inline-form">${csrfField(csrf)}${fields}<button type="submit" class="button ${kind}">${label}</button></form>`;

export function sectionListPage(
  chrome: PageChrome,
  input: { sections: Section[]; csrf: string; notice?: string | undefined; error?: string | undefined },
): string {
  const last = input.sections.length - 1;
  const main = html`<h1>Sections</h1>${notice(input.notice)}${input.error ? html`<p class="form-error" role="alert">${input.error}</p>` : ''}
<p>Sections appear in this order in the navigation and on the home page. <a class="button" href="/admin/sections/new">New section</a> <a href="/admin/front-page">Front page</a></p>
<table class="admin-table"><thead><tr><th>Name</th><th>Address</th><th>Premium entitlement</th><th>Order</th><th></th></tr></thead><tbody>${input.sections.map(
    (
      s,
      i,
    ) => html`<tr data-section="${s.slug}"><td><a href="/admin/sections/${s.slug}/edit">${s.name}</a></td><td><a href="/section/${s.slug}">/section/${s.slug}</a></td><td>${s.premiumEntitlement}</td>
<td>${i > 0 ? button(`/admin/sections/${s.slug}/move`, input.csrf, `Move ${s.name} up`, hidden('direction', 'up')) : ''} ${
      i < last ? button(`/admin/sections/${s.slug}/move`, input.csrf, `Move ${s.name} down`, hidden('direction', 'down')) : ''
    }</td>
<td>${button(`/admin/sections/${s.slug}/delete`, input.csrf, `Delete ${s.name}`, '', 'danger')}</td></tr>`,
  )}</tbody></table>`;
  return adminLayout(chrome, 'Sections', main);
}

export function sectionEditPage(
  chrome: PageChrome,
  input: { section: Section | null; form: FormState; csrf: string; notice?: string | undefined },
): string {
  const { form, section } = input;
  const action = section ? `/admin/sections/${section.slug}/edit` : '/admin/sections/new';
  const title = section ? `Edit ${section.name}` : 'New section';
  const field = (name: string, label: string, maxlength: number, hint?: string) =>
    inputField({ form, name, label, id: `section-${name}`, maxlength, ...(hint ? { hint } : {}) });
  const descriptionError = form.errors.description;
  const main = html`<h1>${title}</h1>${notice(input.notice)}${formMessage(form)}
<form method="post" action="${action}" class="section-form">${csrfField(input.csrf)}
${field('name', 'Name', 60)}
${field('slug', 'Address', 60, section ? 'Changing it moves the section; its old address leads to the new one.' : 'Leave empty to make it from the name.')}
<div class="field${descriptionError ? ' has-error' : ''}"><label for="section-description">Description (shown on the section’s page)</label>
${descriptionError ? html`<p class="field-error" id="section-description-error">${descriptionError}</p>` : ''}
<textarea id="section-description" name="description" rows="3" maxlength="500"${descriptionError ? html` aria-describedby="section-description-error" aria-invalid="true"` : ''}>${form.values.description ?? ''}</textarea></div>
${field('premiumEntitlement', 'Premium entitlement', 40, 'What a reader needs for this section’s premium stories: premium, or another access entitlement of the catalogue (Entitlements), such as markets.')}
<p><button type="submit" class="button">Save</button> <a href="/admin/sections">Back to the sections</a></p></form>`;
  return adminLayout(chrome, title, main);
}
