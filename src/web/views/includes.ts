import type { CatalogueEntry } from '../../domain/entitlements/catalogue.js';
import { html, type SafeHtml } from './html.js';

/** Entitlements as readers see them: each one's name, its description, and an allowance's number. */
export function includesList(entries: readonly CatalogueEntry[], className = 'includes'): SafeHtml | '' {
  if (entries.length === 0) return '';
  return html`<ul class="${className}">${entries.map(
    (e) =>
      html`<li data-entitlement="${e.key}"><strong>${e.name}</strong>${e.description ? html`: ${e.description}` : ''}${e.allowance === null ? '' : html` Up to ${e.allowance} devices at once.`}</li>`,
  )}</ul>`;
}
