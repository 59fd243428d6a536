import type { Copy } from '../../domain/copy/copy.js';
import type { Section } from '../../domain/content/model.js';
import type { SiteSettings } from '../../domain/site/settings.js';
import { html, type SafeHtml } from './html.js';
import { SITE_CSS_PATH } from './site-css.js';

export interface PageChrome {
  site: SiteSettings;
  sections: Section[];
  copy: Copy;
  /** Section slug to mark as current in the navigation. */
  currentSection?: string;
  /** The signed-in reader, if any. */
  user: PageUser | null;
  /** Replaces the account links (a placeholder filled per request by a cached page). */
  accountSlot?: SafeHtml;
}

export interface PageOptions {
  title: string;
  description?: string;
  canonical?: string;
  /** Extra markup for <head> (JSON-LD, alternate links). */
  head?: SafeHtml | undefined;
  noindex?: boolean;
  /** false when `head` carries the page's own OpenGraph and Twitter card tags (an article); else generic ones are made. */
  social?: false;
}

export interface PageUser {
  name: string;
  email: string;
  role: string;
}

/** The trust pages every page links to from its footer (src/domain/site/trust-pages.ts). */
const TRUST_LINKS = [
  ['/about', 'About us'],
  ['/contact', 'Contact'],
  ['/terms', 'Terms of use'],
  ['/privacy', 'Privacy'],
  ['/refunds', 'Refunds and cancellation'],
  ['/grievance', 'Grievance redressal'],
] as const;

const NETWORKS: Record<string, string> = {
  'x.com': 'X',
  'twitter.com': 'X',
  'facebook.com': 'Facebook',
  'instagram.com': 'Instagram',
  'linkedin.com': 'LinkedIn',
  'youtube.com': 'YouTube',
  'threads.net': 'Threads',
  'whatsapp.com': 'WhatsApp',
  't.me': 'Telegram',
};

/** "Instagram" for https://www.instagram.com/…, else the site's host name. */
export function socialLabel(href: string): string {
  try {
    const host = new URL(href).hostname.replace(/^www\./, '');
    return NETWORKS[host] ?? host;
  } catch {
    return href;
  }
}

/** The masthead's account links: the reader's name when signed in, else Subscribe and Log in. */
export function accountArea(user: PageUser | null | undefined): SafeHtml {
  return user
    ? html`<a href="/account">${user.name || user.email}</a>`
    : html`<a href="/plans">Subscribe</a> · <a href="/login">Log in</a>`;
}

/** schema.org's publisher of the site's pages: the publication, its address and its logo (by its full address). */
export function publisherJsonLd(site: SiteSettings, publicUrl: string): Record<string, unknown> {
  return {
    '@type': 'NewsMediaOrganization',
    name: site.publicationName,
    url: `${publicUrl}/`,
    ...(site.logoUrl ? { logo: { '@type': 'ImageObject', url: new URL(site.logoUrl, `${publicUrl}/`).href } } : {}),
  };
}

/** OpenGraph and Twitter card tags of a page that is not an article: its title, description and address. */
function socialTags(site: SiteSettings, page: PageOptions): SafeHtml {
  return html`<meta property="og:type" content="website">
<meta property="og:site_name" content="${site.publicationName}">
<meta property="og:title" content="${page.title}">
${page.description ? html`<meta property="og:description" content="${page.description}">` : ''}
${page.canonical ? html`<meta property="og:url" content="${page.canonical}">` : ''}
${site.logoUrl && page.canonical ? html`<meta property="og:image" content="${new URL(site.logoUrl, page.canonical).href}">` : ''}
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${page.title}">
${page.description ? html`<meta name="twitter:description" content="${page.description}">` : ''}`;
}

/** The shell of every page: head, masthead with section navigation, main content, footer. */
export function layout(chrome: PageChrome, page: PageOptions, main: SafeHtml): string {
  const { site, sections, copy } = chrome;
  const title = page.title === site.publicationName ? site.publicationName : `${page.title} | ${site.publicationName}`;
  return (
    '<!doctype html>' +
    html`<html lang="${site.language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${page.description ? html`<meta name="description" content="${page.description}">` : ''}
${page.canonical ? html`<link rel="canonical" href="${page.canonical}">` : ''}
${page.noindex ? html`<meta name="robots" content="noindex">` : ''}
${page.social === false || page.noindex ? '' : socialTags(site, page)}
<link rel="stylesheet" href="${SITE_CSS_PATH}">
${site.faviconUrl ? html`<link rel="icon" href="${site.faviconUrl}">` : html`<link rel="icon" href="data:,">`}
<link rel="alternate" type="application/rss+xml" title="${site.publicationName}" href="/feed.xml">
${page.head ?? ''}
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header class="masthead"><div class="wrap">
<div class="account">${chrome.accountSlot ?? accountArea(chrome.user)}</div>
<a class="brand" href="/">${site.logoUrl ? html`<img class="logo" src="${site.logoUrl}" alt="${site.publicationName}">` : site.publicationName}</a>
${site.tagline ? html`<p class="tagline">${site.tagline}</p>` : ''}
<form class="site-search" method="get" action="/search" role="search" aria-label="Search the site"><label for="site-search-q">Search</label> <input id="site-search-q" name="q" type="search" maxlength="200"> <button type="submit">Go</button></form>
<nav class="sections" aria-label="Sections"><ul>${sections.map(
      (s) => html`<li><a href="/section/${s.slug}"${chrome.currentSection === s.slug ? html` aria-current="page"` : ''}>${s.name}</a></li>`,
    )}</ul></nav>
</div></header>
<main id="main" class="wrap">${main}</main>
<footer class="site"><div class="wrap">
<p><a href="/plans">Plans</a> · <a href="/archive">Archive</a> · <a href="/feed.xml">RSS</a> · <a href="/sitemap.xml">Sitemap</a></p>
<nav class="trust" aria-label="About the publication"><ul>${TRUST_LINKS.map(([path, label]) => html`<li><a href="${path}">${label}</a></li>`)}</ul></nav>
${site.socialLinks.length ? html`<p class="social">${site.socialLinks.map((href, i) => html`${i ? ' · ' : ''}<a href="${href}" rel="me noopener">${socialLabel(href)}</a>`)}</p>` : ''}
<p>${copy.render('site.footer', { year: String(new Date().getFullYear()), publication: site.publicationName })}</p>
</div></footer>
</body></html>`.value
  );
}
