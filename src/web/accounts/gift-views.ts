import type { GiftLinkListItem } from '../../domain/gift-articles/links.js';
import { formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { accountLayout, accountNav, notice } from './views.js';

/** The subscriber's gift links: what each opens, until when, and how often it was opened. */

export interface GiftedArticlesInput {
  csrf: string;
  links: readonly GiftLinkListItem[];
  /** The link just made (or given back), shown first with its address to copy. */
  made: GiftLinkListItem | null;
  reused: boolean;
  allowance: { cap: number; made: number; remaining: number };
  publicUrl: string;
  timeZone: string;
  /** The `before` of the next (older) page; null on the last. */
  older: number | null;
  /** Whether this is a later page (a link back to the newest). */
  paged: boolean;
}

export const giftUrl = (publicUrl: string, link: Pick<GiftLinkListItem, 'slug' | 'token'>): string | null =>
  link.token === null ? null : `${publicUrl}/article/${link.slug}?gift=${link.token}`;

const time = (date: Date, timeZone: string) => html`<time datetime="${date.toISOString()}">${formatDateTime(date, timeZone)}</time>`;

/** "You can gift 7 more articles this month (of 10)." */
export function allowanceLine(allowance: GiftedArticlesInput['allowance']): string {
  if (allowance.cap <= 0) return 'Gift articles are turned off on this site.';
  const { remaining, cap } = allowance;
  return `You can gift ${remaining} more article${remaining === 1 ? '' : 's'} this month (of ${cap}).`;
}

function madeBox(data: GiftedArticlesInput): SafeHtml | '' {
  const link = data.made;
  const url = link && giftUrl(data.publicUrl, link);
  if (!link || !url) return '';
  return html`<section class="block gift-made" aria-labelledby="gift-made-title">
<h2 id="gift-made-title">${data.reused ? 'Your gift link to this article is still open' : 'Your gift link is ready'}</h2>
<p>Send it to anyone: it opens <a href="/article/${link.slug}">${link.headline}</a> in full, without an account, until ${time(link.expiresAt, data.timeZone)}. It opens this article only.</p>
<p><label for="gift-url">Gift link</label> <input id="gift-url" class="gift-url" type="text" readonly value="${url}" size="60"></p>
</section>`;
}

export function giftedArticlesPage(chrome: PageChrome, data: GiftedArticlesInput): string {
  const rows = data.links.map((link) => {
    const url = giftUrl(data.publicUrl, link);
    return html`<tr data-gift="${link.id}"><td><a href="/article/${link.slug}">${link.headline}</a></td><td>${time(link.createdAt, data.timeZone)}</td><td>${
      url
        ? html`${time(link.expiresAt, data.timeZone)}<br><input class="gift-url" type="text" readonly value="${url}" aria-label="Gift link to ${link.headline}">`
        : html`Ended ${time(link.expiresAt, data.timeZone)}`
    }</td><td class="opens">${link.opens}</td></tr>`;
  });
  const main = html`<h1>Gifted articles</h1>
${madeBox(data)}
${notice(allowanceLine(data.allowance))}
<p>Each gift link opens one article for anyone, with no account, for 7 days, and uses up none of their free articles. Opens counts every time a link was opened, not different people. A link keeps working until it ends, even if your subscription ends first.</p>
${
  data.links.length
    ? html`<table class="gift-links"><thead><tr><th scope="col">Article</th><th scope="col">Made</th><th scope="col">Ends</th><th scope="col">Opens</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p>You have not gifted an article yet: on a premium story, press “Gift this article”.</p>`
}
<p>${data.paged ? html`<a href="/account/gifted-articles">Newest links</a>` : ''}${data.paged && data.older !== null ? ' · ' : ''}${
    data.older !== null ? html`<a href="/account/gifted-articles?before=${data.older}" rel="next">Older links</a>` : ''
  }</p>
${accountNav(data.csrf, '/account/gifted-articles')}`;
  return accountLayout(chrome, 'Gifted articles', main);
}
