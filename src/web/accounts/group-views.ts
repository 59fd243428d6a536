import type { DomainGroupOffer } from '../../domain/groups/members.js';
import type { NetworkGroup } from '../../domain/groups/network.js';
import { html, type SafeHtml } from '../views/html.js';
import { csrfField } from './views.js';

/** What the reader's account page says of group access: the network they read from, the groups their address may join. */
export function groupAccessSection(data: {
  network: readonly NetworkGroup[];
  offers: readonly DomainGroupOffer[];
  csrf: string;
  name: (key: string) => string;
}): SafeHtml {
  if (data.network.length === 0 && data.offers.length === 0) return html``;
  const gives = (entitlements: readonly string[]) => entitlements.map(data.name).join(', ');
  const network = data.network.map(
    (g) =>
      html`<p class="notice" data-network-group="${g.id}">Access provided by <strong>${g.name}</strong> while you read from its network: ${gives(g.entitlements)}.</p>`,
  );
  const offers = data.offers.map(({ group, member }) => {
    const full = group.seats !== null && group.seatsUsed >= group.seats;
    return html`<li data-domain-group="${group.id}"><strong>${group.name}</strong> (${gives(group.entitlements)}): ${
      member
        ? 'you are a member.'
        : full
          ? 'every seat is taken; ask your institution for more.'
          : html`<form method="post" action="/account/groups/${group.id}/join" class="inline">${csrfField(data.csrf)}<button type="submit" class="button">Join ${group.name}</button></form>`
    }</li>`;
  });
  return html`<section class="block" aria-labelledby="group-access"><h2 id="group-access">Group access</h2>${network}${
    data.offers.length ? html`<p>Your email address is at an institution with access:</p><ul class="group-offers">${offers}</ul>` : ''
  }</section>`;
}
