import type { Issue, Newsletter } from '../../domain/newsletters/model.js';
import type { IssueArticle } from '../../domain/newsletters/render.js';
import { csrfField, hidden, notice } from '../accounts/views.js';
import { formatDate } from '../views/format.js';
import { html, raw, type SafeHtml } from '../views/html.js';
import { layout, type PageChrome } from '../views/layout.js';

/** The newsletters' reader pages: the lists with sign-up, a list's archive, an issue, the links from emails. */

const audienceNote = (n: Newsletter, names: (key: string) => string): string =>
  n.audience.kind === 'anyone'
    ? ''
    : n.audience.kind === 'registered'
      ? 'For readers with a free account.'
      : `Whole stories for readers with ${names(n.audience.entitlement)}; others get the opening lines and a link.`;

/**
 * A sign-up box for one list: an address field for a reader who is not signed in (double opt-in follows), a single
 * button for a signed-in one. Used on /newsletters, article pages, the home page and the account page.
 */
export function signUpBox(
  n: Newsletter,
  options: { csrf: string; signedIn: boolean; idPrefix: string; compact?: boolean; next?: string },
): SafeHtml {
  const id = `${options.idPrefix}-${n.slug}`;
  const needsAccount = n.audience.kind !== 'anyone';
  const field = options.signedIn
    ? html``
    : needsAccount
      ? html`<p class="hint"><a href="/login?next=${encodeURIComponent(options.next ?? '/newsletters')}">Sign in</a> to sign up.</p>`
      : html`<label for="${id}-email">Your email</label><input id="${id}-email" name="email" type="email" autocomplete="email" required maxlength="320">`;
  const button = !options.signedIn && needsAccount ? html`` : html`<button type="submit">Sign up for ${n.name}</button>`;
  return html`<form class="newsletter-signup" method="post" action="/newsletters/${n.slug}/subscribe">${csrfField(options.csrf)}${options.next ? hidden('next', options.next) : ''}${field}${button}</form>`;
}

export function newslettersPage(
  chrome: PageChrome,
  data: { lists: readonly Newsletter[]; csrf: string; signedIn: boolean; notice?: string | undefined; names: (key: string) => string },
): string {
  const items = data.lists.map(
    (n) => html`<li class="newsletter" data-newsletter="${n.slug}"><h2><a href="/newsletters/${n.slug}">${n.name}</a></h2>
<p>${n.description}</p><p class="hint">${n.cadence}${audienceNote(n, data.names) ? html` · ${audienceNote(n, data.names)}` : ''}</p>
${signUpBox(n, { csrf: data.csrf, signedIn: data.signedIn, idPrefix: 'nl' })}</li>`,
  );
  const main = html`<h1>Newsletters</h1>${notice(data.notice)}
<p>Curated by our editors: markets, finance, politics, tech and more, delivered to your inbox. Every email has a link to stop it in one click.</p>
${data.signedIn ? html`<p><a href="/newsletters/preferences">Your newsletters</a></p>` : ''}
<ul class="newsletter-list">${items}</ul>`;
  return layout(chrome, { title: 'Newsletters', description: 'Newsletters curated by our editors.' }, main);
}

export function newsletterPage(
  chrome: PageChrome,
  data: {
    newsletter: Newsletter;
    issues: readonly Issue[];
    next: string | null;
    csrf: string;
    signedIn: boolean;
    zone: string;
    names: (key: string) => string;
  },
): string {
  const n = data.newsletter;
  const issues = data.issues.map(
    (i) =>
      html`<li><a href="/newsletters/${n.slug}/issues/${i.id}">${i.subject}</a> <span class="hint">${i.sentAt ? formatDate(i.sentAt, data.zone) : ''}</span></li>`,
  );
  const main = html`<h1>${n.name}</h1><p>${n.description}</p><p class="hint">${n.cadence}${audienceNote(n, data.names) ? html` · ${audienceNote(n, data.names)}` : ''}</p>
${signUpBox(n, { csrf: data.csrf, signedIn: data.signedIn, idPrefix: 'nl', next: `/newsletters/${n.slug}` })}
<h2>Past issues</h2>${issues.length ? html`<ul class="issue-list">${issues}</ul>` : html`<p>No issues yet.</p>`}
${data.next ? html`<p><a rel="next" href="/newsletters/${n.slug}?${data.next}">Older issues</a></p>` : ''}`;
  return layout(chrome, { title: n.name, description: n.description }, main);
}

/** An issue on the web: the same articles, each whole or as its lead-in, as the reader's email would carry them. */
export function issuePage(
  chrome: PageChrome,
  data: { newsletter: Newsletter; issue: Issue; articles: readonly IssueArticle[]; zone: string },
): string {
  const { newsletter: n, issue } = data;
  const intro = issue.introduction
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => html`<p>${p.trim()}</p>`);
  const articles = data.articles.map(({ prepared, full }) => {
    const a = prepared.article;
    // The rendered body or lead-in comes from the content module's Markdown renderer, which escapes raw HTML.
    const body = raw(full ? prepared.bodyHtml : prepared.leadHtml);
    return html`<section class="issue-article" data-full="${full ? 'yes' : 'no'}"><h2><a href="/article/${a.slug}">${a.headline}</a></h2>
${a.standfirst ? html`<p class="standfirst">${a.standfirst}</p>` : ''}${body}
${full ? '' : html`<p><a href="/article/${a.slug}">Continue reading</a></p>`}</section>`;
  });
  const main = html`<p class="hint"><a href="/newsletters/${n.slug}">${n.name}</a>${issue.sentAt ? html` · ${formatDate(issue.sentAt, data.zone)}` : ''}</p>
<h1>${issue.subject}</h1>${intro}${articles}`;
  return layout(chrome, { title: `${issue.subject} (${n.name})` }, main);
}

/** A page that answers a link from an email: what happened, in a sentence or two. */
export function messagePage(chrome: PageChrome, title: string, paragraphs: readonly string[], extra: SafeHtml = html``): string {
  return layout(chrome, { title, noindex: true }, html`<h1>${title}</h1>${paragraphs.map((p) => html`<p>${p}</p>`)}${extra}`);
}

/** The unsubscribe link's page: one button (a GET must never unsubscribe: mail scanners open links). */
export function unsubscribePage(chrome: PageChrome, data: { newsletter: Newsletter; action: string }): string {
  return messagePage(
    chrome,
    `Unsubscribe from ${data.newsletter.name}`,
    ['Press the button and this address gets no more of it.'],
    html`<form method="post" action="${data.action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function preferencesPage(
  chrome: PageChrome,
  data: {
    email: string;
    items: readonly { newsletter: Newsletter; subscribed: boolean; mayJoin: boolean }[];
    csrf: string;
    link: { e: string; t: string } | null;
    notice?: string | undefined;
  },
): string {
  const rows = data.items
    .filter((i) => i.mayJoin || i.subscribed)
    .map(
      ({ newsletter: n, subscribed }) =>
        html`<li><label><input type="checkbox" name="list" value="${n.slug}"${subscribed ? html` checked` : ''}> ${n.name}</label> <span class="hint">${n.cadence}</span></li>`,
    );
  const main = html`<h1>Your newsletters</h1>${notice(data.notice)}<p>For ${data.email}.</p>
<form method="post" action="/newsletters/preferences">${csrfField(data.csrf)}${data.link ? html`${hidden('e', data.link.e)}${hidden('t', data.link.t)}` : ''}
<ul class="newsletter-choices">${rows}</ul><button type="submit">Save</button></form>`;
  return layout(chrome, { title: 'Your newsletters', noindex: true }, main);
}

/**
 * A sign-up box for pages shared between readers (article pages, the home page, kept in a cache): a plain GET form to
 * /newsletters/sign-up, which shows the real form (with the reader's own CSRF token) filled in, one press from done.
 */
export function newsletterPromo(lists: readonly Newsletter[], preferred: string | null): SafeHtml {
  const open = lists.filter((n) => n.audience.kind === 'anyone');
  if (open.length === 0) return html``;
  const chosen = (preferred && open.find((n) => n.digestSection === preferred || n.slug === preferred)) || open[0];
  return html`<aside class="newsletter-promo" aria-labelledby="nl-promo"><h2 id="nl-promo">Newsletters</h2>
<p>Curated by our editors, in your inbox. Stop any of them in one click.</p>
<form method="get" action="/newsletters/sign-up"><label for="nl-promo-list">Newsletter</label> <select id="nl-promo-list" name="list">${open.map(
    (n) => html`<option value="${n.slug}"${n === chosen ? html` selected` : ''}>${n.name}</option>`,
  )}</select> <label for="nl-promo-email">Your email</label> <input id="nl-promo-email" name="email" type="email" autocomplete="email" maxlength="320"> <button type="submit">Sign up</button></form>
<p class="hint"><a href="/newsletters">All newsletters</a></p></aside>`;
}

/** The step after a promo box: the list's own sign-up form, filled in. */
export function signUpStepPage(
  chrome: PageChrome,
  data: { newsletter: Newsletter; email: string; csrf: string; signedIn: boolean },
): string {
  const n = data.newsletter;
  const field = data.signedIn
    ? html``
    : html`<label for="nl-step-email">Your email</label><input id="nl-step-email" name="email" type="email" autocomplete="email" required maxlength="320" value="${data.email}">`;
  return layout(
    chrome,
    { title: `Sign up for ${n.name}`, noindex: true },
    html`<h1>Sign up for ${n.name}</h1><p>${n.description}</p><p class="hint">${n.cadence}</p>
<form class="newsletter-signup" method="post" action="/newsletters/${n.slug}/subscribe">${csrfField(data.csrf)}${field}<button type="submit">Sign up for ${n.name}</button></form>`,
  );
}

/** The account page's newsletters: the lists this reader may join, each with its one-press sign-up. */
export function accountNewsletters(
  items: readonly { newsletter: Newsletter; subscribed: boolean; mayJoin: boolean }[],
  csrf: string,
): SafeHtml {
  const rows = items
    .filter((i) => i.mayJoin || i.subscribed)
    .map(({ newsletter: n, subscribed }) =>
      subscribed
        ? html`<li>${n.name}: signed up</li>`
        : html`<li>${n.name} <span class="hint">${n.cadence}</span> ${signUpBox(n, { csrf, signedIn: true, idPrefix: 'acct' })}</li>`,
    );
  return html`<section class="block" aria-labelledby="account-newsletters"><h2 id="account-newsletters">Newsletters</h2>
<ul class="newsletter-choices">${rows}</ul><p><a href="/newsletters/preferences">Choose your newsletters</a></p></section>`;
}
