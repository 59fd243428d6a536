import type { PartnerAccess } from '../../domain/partners/claims.js';
import type { Partner } from '../../domain/partners/model.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { accountLayout, csrfField } from './views.js';

/** A reader's partner bundles on their account page: the code and its activation link, or the button to claim it. */
export function partnerAccessSection(access: readonly PartnerAccess[], csrf: string): SafeHtml {
  if (access.length === 0) return html``;
  return html`<section class="block" aria-labelledby="partner-bundles"><h2 id="partner-bundles">Partner bundles</h2>${access.map(
    ({
      partner,
      claim,
    }) => html`<div class="partner-access" id="partner-${partner.id}" data-partner="${partner.id}"><h3>${partner.name}</h3>
${partner.includes ? html`<p>Includes ${partner.includes}.</p>` : ''}${
      claim
        ? html`<p>Your activation code: <code data-code>${claim.code}</code></p>
<p><a class="button" href="${claim.link}" rel="noopener noreferrer" target="_blank" data-activation-link>Activate your ${partner.name} access</a></p>${
            claim.expiresOn ? html`<p class="hint">Activate it by ${claim.expiresOn}.</p>` : ''
          }`
        : html`<form method="post" action="/account/partners/${partner.id}/claim">${csrfField(csrf)}<button type="submit" class="button">Claim your ${partner.name} access</button></form>`
    }${partner.terms ? html`<details><summary>Terms</summary><p>${partner.terms}</p></details>` : ''}</div>`,
  )}</section>`;
}

/** No code can be given right now: the reader is told they are on their way (staff have been warned). */
export function codesOnTheirWayPage(chrome: PageChrome, partner: Partner): string {
  return accountLayout(
    chrome,
    'Codes are on their way',
    html`<h1>Codes are on their way</h1><p data-pool-empty>We have no ${partner.name} activation code to give just now. Our team has been told and is adding more: come back to <a href="/account">your account</a> soon and claim yours.</p>`,
  );
}

/** The reader does not hold the bundle: nothing is given, and nothing about the partner's codes is said. */
export function notIncludedPage(chrome: PageChrome): string {
  return accountLayout(
    chrome,
    'Not included',
    html`<h1>Not included in your account</h1><p>Your account does not include this partner bundle. <a href="/plans">See the plans</a> that include it.</p>`,
  );
}
