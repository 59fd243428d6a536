import type { Plan } from '../../domain/billing/plans.js';
import type { Catalogue } from '../../domain/entitlements/catalogue.js';
import { planDisplay } from '../../domain/billing/plans.js';
import { fromQuery } from '../billing/return-to.js';
import type { ArticleSummary } from '../../domain/content/model.js';
import type { Section } from '../../domain/content/model.js';
import { formatFullDate, isoDateIn } from './format.js';
import { html, jsonForScript, type SafeHtml } from './html.js';
import { layout, publisherJsonLd, type PageChrome } from './layout.js';
import { includesList } from './includes.js';
import { storyCard } from './listing.js';
import { bylineLinks } from './article.js';
import { cardPicture } from './picture.js';
import { searchWithinForm } from './search.js';

export function homePage(
  chrome: PageChrome,
  data: {
    lead: ArticleSummary | null;
    picks: ArticleSummary[];
    /** Today's newest premium stories (the publisher's day), for the "Premium today" strip; none: no strip. */
    premiumToday?: ArticleSummary[];
    bySection: { section: Section; articles: ArticleSummary[] }[];
    /** Now: the page shows today's date in the publisher's time zone and language. */
    today: Date;
    timeZone: string;
    publicUrl: string;
    /** The newsletters' sign-up box. */
    newsletterBox?: SafeHtml | undefined;
  },
): string {
  const { sections } = chrome;
  const card = (a: ArticleSummary) => storyCard(a, sections, data.timeZone);
  const brief = (a: ArticleSummary) => storyCard(a, sections, data.timeZone, { weight: 'brief' });
  const today = formatFullDate(data.today, data.timeZone, chrome.site.language);
  const { lead } = data;
  const main = html`<h1 class="visually-hidden">${chrome.site.publicationName}</h1>
<p class="dateline-today"><time datetime="${isoDateIn(data.today, data.timeZone)}">${today}</time> · <a href="/premium">Premium today</a></p>${
    lead
      ? html`<section class="lead-story" aria-labelledby="lead-headline">${cardPicture(lead.leadImage, { size: 'lead' })}<div class="lead-text">
<p class="kicker">${sections.find((s) => s.slug === lead.section)?.name ?? ''}${lead.visibility === 'premium' ? html`<span class="badge">Premium</span>` : ''}</p>
<h2 id="lead-headline"><a href="/article/${lead.slug}">${lead.headline}</a></h2>
<p class="standfirst">${lead.standfirst}</p>
${lead.authors.length ? html`<p class="byline">By ${bylineLinks(lead)}</p>` : ''}</div></section>`
      : ''
  }
${data.picks.length ? html`<section class="block" aria-labelledby="picks"><h2 id="picks">Editor's picks</h2><div class="grid">${data.picks.map(card)}</div></section>` : ''}
${data.premiumToday?.length ? html`<section class="block premium-strip" aria-labelledby="premium-today"><h2 id="premium-today"><a href="/premium">Premium today</a></h2><div class="grid">${data.premiumToday.map(brief)}</div></section>` : ''}
${data.bySection.map(
  ({ section, articles: [top, ...rest] }) => html`<section class="block section-block" aria-labelledby="s-${section.slug}">
<h2 id="s-${section.slug}"><a href="/section/${section.slug}">${section.name}</a></h2>
<div class="section-block-stories">${top ? card(top) : ''}${rest.length ? html`<div class="briefs">${rest.map(brief)}</div>` : ''}</div></section>`,
)}
${data.newsletterBox ?? ''}`;
  // The publisher and the site, for search engines, with the site's search (/search?q=…) as its SearchAction.
  const structured = [
    { '@context': 'https://schema.org', ...publisherJsonLd(chrome.site, data.publicUrl) },
    {
      '@context': 'https://schema.org',
      '@type': 'WebSite',
      name: chrome.site.publicationName,
      url: `${data.publicUrl}/`,
      potentialAction: {
        '@type': 'SearchAction',
        target: { '@type': 'EntryPoint', urlTemplate: `${data.publicUrl}/search?q={search_term_string}` },
        'query-input': 'required name=search_term_string',
      },
    },
  ];
  return layout(
    chrome,
    {
      title: chrome.site.publicationName,
      description: chrome.site.tagline,
      canonical: `${data.publicUrl}/`,
      head: html`<script type="application/ld+json">${jsonForScript(structured)}</script>`,
    },
    main,
  );
}

export function sectionPage(
  chrome: PageChrome,
  data: {
    section: Section;
    articles: ArticleSummary[];
    /** The cursor this page continues from, or null on the section's front page. */
    before: string | null;
    /** The cursor of the next, older page, or null when this is the last. */
    older: string | null;
    timeZone: string;
    publicUrl: string;
  },
): string {
  const { section, before, older } = data;
  const here = `/section/${section.slug}${before ? `?before=${before}` : ''}`;
  const main = html`<h1>${section.name}</h1>
${section.description ? html`<p class="section-description">${section.description}</p>` : ''}
${before ? '' : searchWithinForm(`Search ${section.name}`, { name: 'section', value: section.slug })}
<div class="grid">${data.articles.map((a) => storyCard(a, chrome.sections, data.timeZone, { level: 2 }))}</div>
<nav class="pager" aria-label="Pages">
<span>${before ? html`<a href="/section/${section.slug}">← Latest</a>` : ''}</span>
<span>${older ? html`<a rel="next" href="/section/${section.slug}?before=${older}">Older stories →</a>` : ''}</span>
</nav>`;
  return layout(
    { ...chrome, currentSection: section.slug },
    {
      title: before ? `${section.name}: older stories` : section.name,
      description: section.description || `${section.name}: the latest stories from ${chrome.site.publicationName}.`,
      canonical: `${data.publicUrl}${here}`,
      head: html`<link rel="alternate" type="application/rss+xml" title="${section.name}" href="/section/${section.slug}/feed.xml">`,
    },
    main,
  );
}

/**
 * The plans on sale. What every plan grants is listed once below them, what only some grant in each plan's box:
 * each by its catalogue name, and only what a feature of this install really provides (`Catalogue.offered`).
 */
export function plansPage(
  chrome: PageChrome,
  data: { plans: Plan[]; catalogue: Pick<Catalogue, 'offered'>; publicUrl: string; from: string; gifts?: boolean },
): string {
  const { copy } = chrome;
  const offered = data.plans.map((plan) => data.catalogue.offered(plan.entitlements));
  const common = (offered[0] ?? []).filter((entry) => offered.every((entries) => entries.some((e) => e.key === entry.key)));
  const main = html`<h1>${copy.render('plans.title', { publication: chrome.site.publicationName })}</h1>
<div class="plans">${data.plans.map((plan, i) => {
    const shown = planDisplay(plan);
    const extras = (offered[i] ?? []).filter((entry) => !common.includes(entry));
    return html`<section class="plan" data-plan="${plan.slug}" aria-labelledby="plan-${plan.slug}">
<h2 id="plan-${plan.slug}">${plan.name}${plan.highlighted ? html` <span class="badge best-value">${copy.render('plans.best_value')}</span>` : ''}</h2>
<div class="per-month">${copy.render('plans.per_month', { amount: shown.perMonth })}</div>
<p class="price">${copy.render('plans.renewal', { price: shown.price, term: shown.term })}</p>
${extras.length ? html`<p>${copy.render(common.length ? 'plans.also_includes' : 'plans.plan_includes')}</p>${includesList(extras)}` : ''}
<p><a class="button" href="/subscribe/${plan.slug}${fromQuery(data.from)}">${copy.render('plans.choose', { plan: plan.name })}</a></p>
${data.gifts ? html`<p><a class="gift-link" href="/gift/${plan.slug}">Give as a gift</a></p>` : ''}
</section>`;
  })}</div>
${common.length ? html`<section class="block"><h2>${copy.render('plans.includes_title')}</h2>${includesList(common)}</section>` : ''}`;
  const prices = data.plans.map((plan) => `${plan.name}, ${planDisplay(plan).price} every ${planDisplay(plan).term}`).join('; ');
  const description = `Subscribe to ${chrome.site.publicationName}: ${prices}. Renews automatically; cancel anytime.`;
  return layout(chrome, { title: 'Plans', description, canonical: `${data.publicUrl}/plans` }, main);
}

/** An error page's heading by its status, in a reader's words; the message under it says what happened. */
const ERROR_HEADINGS: Readonly<Record<number, string>> = {
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'That could not be done',
  413: 'Too large',
  422: 'That could not be done',
  429: 'Too many requests',
  502: 'Please try again',
  503: 'Briefly unavailable',
};

export function errorPage(chrome: PageChrome, status: number, message: string): string {
  const heading = ERROR_HEADINGS[status] ?? (status >= 500 ? 'Something went wrong' : 'Bad request');
  const main = html`<h1>${heading}</h1><p>${message}</p><p><a href="/">Go to the home page</a></p>`;
  return layout(chrome, { title: heading, noindex: true }, main);
}
