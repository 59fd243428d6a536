import type { AccessDecision } from '../../domain/access/model.js';
import { ENTITLEMENTS } from '../../domain/access/model.js';
import { parseProvenance, type ArticleSummary, type Correction } from '../../domain/content/model.js';
import type { CatalogueEntry } from '../../domain/entitlements/catalogue.js';
import { fromQuery } from '../billing/return-to.js';
import { planDisplay, type Plan } from '../../domain/billing/plans.js';
import type { ArticleRead } from '../reading.js';
import { formatDate, formatDateTime, joinNames } from './format.js';
import { html, jsonForScript, raw, type SafeHtml } from './html.js';
import { layout, publisherJsonLd, type PageChrome } from './layout.js';
import { leadFigure } from './picture.js';
import { includesList } from './includes.js';
import { tagPath } from './addresses.js';

export interface ArticlePageInput {
  chrome: PageChrome;
  read: ArticleRead;
  publicUrl: string;
  timeZone: string;
  freeLimit: number;
  registrationBonus: number;
  /** "₹162", the lowest per-month figure among the plans, for the paywall; null when there are no plans. */
  lowestPerMonth: string | null;
  /** The plan marked "Best value" and its per-month figure, shown on the paywall; null or absent when none is. */
  bestValue?: { plan: string; perMonth: string } | null | undefined;
  /** The plans on sale, for the paywall's cards (as the plans page shows them); absent or empty: no cards. */
  plans?: readonly Plan[] | undefined;
  /** What a subscription gives, for the paywall: the entitlements plans on sale grant that work here (`offeredByPlans`). */
  includes?: readonly CatalogueEntry[] | undefined;
  /** Onward reading at the foot: stories sharing a tag, then the section's newest (none in a preview). */
  related?: readonly ArticleSummary[] | undefined;
  /** A newsroom preview's banner: shown above the story, and the page is kept out of search engines. */
  previewBanner?: SafeHtml | undefined;
  /** The newsletters' sign-up box at the foot (the same for every reader). */
  newsletterBox?: SafeHtml | undefined;
}

/** CSS class of the gated part of the body (after the lead-in), on every version of the page; named in the JSON-LD `hasPart.cssSelector`. */
export const GATED_CLASS = 'article-body';

/**
 * schema.org NewsArticle. Never carries the body (no `articleBody`): for gated articles it says
 * `isAccessibleForFree: false` and points at the gated part with `hasPart.cssSelector`, as Google's
 * paywalled-content guidance asks.
 */
export function articleJsonLd(input: ArticlePageInput): Record<string, unknown> {
  const { article } = input.read.prepared;
  const free = article.visibility === 'free';
  const { image } = seoOf(input);
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.headline,
    description: article.standfirst,
    datePublished: article.publishedAt.toISOString(),
    // The "Updated" time readers see; an article never updated substantively was last modified when it appeared.
    dateModified: (article.shownUpdatedAt ?? article.publishedAt).toISOString(),
    articleSection: input.chrome.sections.find((s) => s.slug === article.section)?.name ?? article.section,
    keywords: article.tags,
    author: article.authors.map((name) => {
      const byline = article.bylines.find((b) => b.name === name);
      return { '@type': 'Person', name, ...(byline ? { url: `${input.publicUrl}/author/${byline.slug}` } : {}) };
    }),
    ...(image ? { image: [image] } : {}),
    publisher: publisherJsonLd(input.chrome.site, input.publicUrl),
    mainEntityOfPage: `${input.publicUrl}/article/${article.slug}`,
    isAccessibleForFree: free,
    ...(free ? {} : { hasPart: { '@type': 'WebPageElement', isAccessibleForFree: false, cssSelector: `.${GATED_CLASS}` } }),
  };
}

/** The plans as cards on the paywall: name, per month, price and term, a button that comes back to the story once paid. */
function planCards(input: ArticlePageInput, story: string): SafeHtml | '' {
  const plans = input.plans ?? [];
  if (plans.length === 0) return '';
  const { copy } = input.chrome;
  return html`<ul class="paywall-plans">${plans.map((plan) => {
    const shown = planDisplay(plan);
    return html`<li class="plan-card" data-plan="${plan.slug}"><h3>${plan.name}${plan.highlighted ? html` <span class="badge best-value">${copy.render('plans.best_value')}</span>` : ''}</h3>
<div class="per-month">${copy.render('plans.per_month', { amount: shown.perMonth })}</div>
<p class="price">${copy.render('plans.renewal', { price: shown.price, term: shown.term })}</p>
<p><a class="button" href="/subscribe/${plan.slug}${fromQuery(story)}">${copy.render('plans.choose', { plan: plan.name })}</a></p></li>`;
  })}</ul>`;
}

function paywall(input: ArticlePageInput, decision: AccessDecision & { allowed: false }): SafeHtml {
  const { copy, site } = input.chrome;
  const story = `/article/${input.read.prepared.article.slug}`;
  const next = encodeURIComponent(story);
  // The plans lead back here once the reader has subscribed.
  const plans = `/plans${fromQuery(story)}`;
  const publication = site.publicationName;
  let title: string;
  let action = html`<a class="button" href="${plans}">${copy.render('paywall.subscribe_button')}</a>`;
  // Where a free account is offered, the wall says what one gives.
  let account: SafeHtml | '' = '';
  const gives = () =>
    html`<p class="account-gives">${copy.render('paywall.registration_gives', { free_limit: input.freeLimit, bonus: input.registrationBonus })}</p>`;
  switch (decision.reason) {
    case 'meter-exhausted': {
      // Registered readers had the registration bonus on top of the free limit.
      const registered = input.read.readerContext.reader.kind === 'registered';
      title = copy.render('paywall.meter_exhausted', { free_limit: input.freeLimit + (registered ? input.registrationBonus : 0) });
      break;
    }
    case 'registration-required':
      title = copy.render('paywall.registration', { free_limit: input.freeLimit, bonus: input.registrationBonus });
      action = html`<a class="button" href="/register?next=${next}">${copy.render('paywall.registration_button')}</a>`;
      account = gives();
      break;
    case 'archive-subscription-required':
      title = copy.render('paywall.archive', { publication });
      break;
    case 'network-budget-exhausted':
      // Often a real reader behind a carrier's shared address: a free account gives them their own meter.
      title = copy.render('paywall.network');
      action = html`<a class="button" href="/register?next=${next}">${copy.render('paywall.registration_button')}</a> <a class="button secondary" href="${plans}">${copy.render('paywall.subscribe_button')}</a>`;
      account = gives();
      break;
    default:
      title = copy.render('paywall.premium', { publication });
  }
  return html`<section class="paywall" aria-labelledby="paywall-title" data-reason="${decision.reason}">
<h2 id="paywall-title">${title}</h2>
${account}
<p>${copy.render('paywall.subscribe_pitch')}${input.lowestPerMonth ? html` ${copy.render('paywall.plans_from', { per_month: input.lowestPerMonth })}` : ''}</p>
${planCards(input, story)}
${input.includes?.length ? html`<h3 class="includes-title">${copy.render('paywall.includes_title')}</h3>${includesList(input.includes, 'includes paywall-includes')}` : ''}
${input.bestValue ? html`<p class="best-value"><span class="badge">${copy.render('plans.best_value')}</span> ${copy.render('paywall.best_value', { plan: input.bestValue.plan, per_month: input.bestValue.perMonth })}</p>` : ''}
<p>${action}</p>
<p>${copy.render('paywall.login_prompt')} <a href="/login?next=${next}">${copy.render('paywall.login_link')}</a></p>
</section>`;
}

/** The byline's names, each linking to its author's page (a name without one reads as plain text). */
export function bylineLinks(article: Pick<ArticleSummary, 'authors' | 'bylines'>): SafeHtml {
  const parts = article.authors.map((name) => {
    const byline = article.bylines.find((b) => b.name === name);
    return byline ? html`<a href="/author/${byline.slug}" rel="author">${name}</a>` : html`${name}`;
  });
  if (parts.length <= 1) return html`${parts}`;
  return html`${parts.slice(0, -1).map((p, i) => (i === 0 ? p : html`, ${p}`))} and ${parts.at(-1) ?? ''}`;
}

const KIND_LABEL = { correction: 'Correction', clarification: 'Clarification' } as const;

/** Corrections and clarifications at the foot of the article, oldest first, each with its date. */
function correctionsFoot(corrections: readonly Correction[], timeZone: string): SafeHtml | '' {
  if (corrections.length === 0) return '';
  return html`<section class="corrections" aria-labelledby="corrections-title"><h2 id="corrections-title">Corrections and clarifications</h2><ol>${corrections.map(
    (c) =>
      html`<li data-kind="${c.kind}"><strong>${KIND_LABEL[c.kind]}</strong> (<time datetime="${c.createdAt.toISOString()}">${formatDate(c.createdAt, timeZone)}</time>): ${c.text}</li>`,
  )}</ol></section>`;
}

/** The page's title, description, canonical address and social image: the SEO fields, else the story's own. */
function seoOf(input: ArticlePageInput) {
  const { article } = input.read.prepared;
  const absolute = (url: string) => (url.startsWith('/') ? `${input.publicUrl}${url}` : url);
  const image = article.seo.socialImageUrl ?? article.leadImage?.url ?? null;
  return {
    title: article.seo.title ?? article.headline,
    description: article.seo.description ?? article.standfirst,
    canonical: absolute(article.seo.canonicalUrl ?? `/article/${article.slug}`),
    image: image ? absolute(image) : null,
  };
}

/** Open Graph and Twitter card tags. */
function socialTags(seo: ReturnType<typeof seoOf>, input: ArticlePageInput): SafeHtml {
  const { article } = input.read.prepared;
  return html`<meta property="og:type" content="article">
<meta property="og:site_name" content="${input.chrome.site.publicationName}">
<meta property="og:title" content="${seo.title}">
<meta property="og:description" content="${seo.description}">
<meta property="og:url" content="${seo.canonical}">
${seo.image ? html`<meta property="og:image" content="${seo.image}">` : ''}
<meta property="article:published_time" content="${article.publishedAt.toISOString()}">
${article.shownUpdatedAt ? html`<meta property="article:modified_time" content="${article.shownUpdatedAt.toISOString()}">` : ''}
<meta name="twitter:card" content="${seo.image ? 'summary_large_image' : 'summary'}">
<meta name="twitter:title" content="${seo.title}">
<meta name="twitter:description" content="${seo.description}">
${seo.image ? html`<meta name="twitter:image" content="${seo.image}">` : ''}
`;
}

const AD_PLACES = { top: 'above the story', bottom: 'below the story' } as const;

function adSlot(input: ArticlePageInput, position: keyof typeof AD_PLACES): SafeHtml | '' {
  if (input.read.readerContext.reader.entitlements.has(ENTITLEMENTS.adFree)) return '';
  const label = input.chrome.copy.render('site.ad_label');
  // Two slots on a page: each landmark needs a name of its own.
  return html`<aside class="ad-slot" data-slot="${position}" aria-label="${label} (${AD_PLACES[position]})">${label}</aside>`;
}

/** "You have 7 free articles left this month", shown while a metered article is read on the meter. */
export function meterNote(read: ArticleRead, copy: PageChrome['copy']): SafeHtml | '' {
  const left = meterNoteCount(read);
  return left === null
    ? ''
    : html`<p class="meter-note" role="status">${copy.render('meter.remaining', { left })} <a href="/plans">${copy.render('meter.plans_link')}</a></p>`;
}

/** Above the story of a reader on an institution's network (group access): who gives them the access. */
export const groupAccessNote = (names: readonly string[]): SafeHtml =>
  html`<p class="group-note" role="status">Access provided by ${joinNames(names)}.</p>`;

/** The count the meter note shows, or null when the page has no meter note. */
export function meterNoteCount(read: ArticleRead): number | null {
  const { decision, prepared } = read;
  if (decision.readsLeft === null || prepared.article.visibility !== 'metered' || !decision.allowed) return null;
  return decision.readsLeft;
}

/** A subscriber's "Gift this article" button: a form, so a link is made only on purpose (and with their CSRF token). */
export function giftForm(slug: string, csrf: string, label = 'Gift this article'): SafeHtml {
  return html`<form method="post" action="/article/${slug}/gift" class="gift-form"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="button secondary">${label}</button> <span class="hint">A link that opens this article for anyone for 7 days.</span></form>`;
}

/** Under a read a gift link opened: who gave it, and what a subscription would give. */
function giftNote(input: ArticlePageInput): SafeHtml {
  const { copy, site } = input.chrome;
  const plans = `/plans${fromQuery(`/article/${input.read.prepared.article.slug}`)}`;
  return html`<aside class="gift-note notice" role="note" data-gift="opened"><p>${copy.render('article.gift_note', { publication: site.publicationName })} <a href="${plans}">${copy.render('paywall.subscribe_button')}</a></p></aside>`;
}

/** "Related stories": onward reading at the foot of the story, each with its section and time. */
function relatedStories(input: ArticlePageInput): SafeHtml | '' {
  const related = input.related ?? [];
  if (related.length === 0) return '';
  const { sections } = input.chrome;
  return html`<section class="related" aria-labelledby="related-title"><h2 id="related-title">Related stories</h2><ul>${related.map(
    (a) =>
      html`<li><a href="/article/${a.slug}">${a.headline}</a> <span class="meta">${sections.find((s) => s.slug === a.section)?.name ?? a.section} · <time datetime="${a.publishedAt.toISOString()}">${formatDate(a.publishedAt, input.timeZone)}</time></span></li>`,
  )}</ul></section>`;
}

/**
 * The article page: the whole body for a reader who may read it, otherwise the lead-in and the paywall.
 * `slots.meter` replaces the meter note and `slots.gift` stands where a subscriber's gift button goes (placeholders
 * filled per request by a cached page).
 */
export function articlePage(input: ArticlePageInput, slots: { meter?: SafeHtml | undefined; gift?: SafeHtml | undefined } = {}): string {
  const { prepared, decision } = input.read;
  const { article } = prepared;
  const { copy, site, sections } = input.chrome;
  const section = sections.find((s) => s.slug === article.section);
  const provenance = parseProvenance(article.provenance);
  // The gated part is in every version of the page, as the JSON-LD's `hasPart` says: the text after the lead-in, or the paywall.
  const body = html`${prepared.leadHtml ? html`<div class="article-lead">${raw(prepared.leadHtml)}</div>` : ''}<div class="${GATED_CLASS}">${
    decision.allowed ? raw(prepared.restHtml) : paywall(input, decision)
  }</div>`;
  const main = html`${input.previewBanner ?? ''}<article class="story">
<p class="kicker"><a href="/section/${article.section}">${section?.name ?? article.section}</a>${article.visibility === 'premium' ? html`<span class="badge">Premium</span>` : ''}</p>
<h1>${article.headline}</h1>
<p class="standfirst">${article.standfirst}</p>
<p class="byline">${article.authors.length ? html`By <strong>${bylineLinks(article)}</strong> · ` : ''}${article.dateline ? html`${article.dateline} · ` : ''}<time datetime="${article.publishedAt.toISOString()}">${formatDateTime(article.publishedAt, input.timeZone)}</time>${article.shownUpdatedAt ? html` · <span class="updated">Updated <time datetime="${article.shownUpdatedAt.toISOString()}">${formatDateTime(article.shownUpdatedAt, input.timeZone)}</time></span>` : ''} · ${copy.render('article.reading_time', { minutes: prepared.readingMinutes })}</p>
${leadFigure(article.leadImage)}
${decision.reason === 'gift' ? giftNote(input) : ''}
${slots.meter ?? meterNote(input.read, copy)}
${adSlot(input, 'top')}
${body}
${slots.gift ?? ''}
${provenance.kind === 'wire' ? html`<p class="disclaimer">${copy.render('article.wire_disclaimer', { publication: site.publicationName })}</p>` : ''}
${provenance.kind === 'partner' ? html`<p class="disclaimer">${copy.render('article.partner_credit', { partner: provenance.source ?? '' })}</p>` : ''}
${correctionsFoot(prepared.corrections, input.timeZone)}
${article.tags.length ? html`<p class="tags">${article.tags.map((t) => html`<a class="tag" href="${tagPath(t)}">#${t}</a> `)}</p>` : ''}
${relatedStories(input)}
${input.newsletterBox ?? ''}
${adSlot(input, 'bottom')}
</article>`;
  const seo = seoOf(input);
  return layout(
    { ...input.chrome, currentSection: article.section },
    {
      title: seo.title,
      description: seo.description,
      canonical: seo.canonical,
      head: html`${socialTags(seo, input)}<script type="application/ld+json">${jsonForScript(articleJsonLd(input))}</script>`,
      noindex: input.previewBanner !== undefined,
      social: false,
    },
    main,
  );
}
