import type { ArticleSummary } from '../../domain/content/model.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageChrome } from './layout.js';
import { storyCard } from './listing.js';

/** A period of the archive as its page names it, and whether it has stories (a link) or not (plain text). */
export interface ArchivePeriod {
  label: string;
  path: string;
  hasStories: boolean;
}

/** The trail back up the archive: Archive › 1997 › March 1997, the last being this page. */
export interface Crumb {
  label: string;
  path: string;
}

interface ArchiveCommon {
  /** Days after which stories need archive access, or null when the archive is open to all. */
  archiveAfterDays: number | null;
  publicUrl: string;
}

function trail(crumbs: readonly Crumb[]): SafeHtml {
  return html`<nav class="breadcrumbs" aria-label="Archive"><ol>${crumbs.map((c, i) =>
    i === crumbs.length - 1
      ? html`<li><a href="${c.path}" aria-current="page">${c.label}</a></li>`
      : html`<li><a href="${c.path}">${c.label}</a></li>`,
  )}</ol></nav>`;
}

function accessNote(common: ArchiveCommon): SafeHtml | '' {
  if (common.archiveAfterDays === null) return '';
  return html`<p class="section-description">Stories more than ${common.archiveAfterDays} days old are for subscribers with archive access. <a href="/plans">See the plans</a>.</p>`;
}

function periods(list: readonly ArchivePeriod[], className: string): SafeHtml {
  return html`<ul class="${className}">${list.map((p) =>
    p.hasStories ? html`<li><a href="${p.path}">${p.label}</a></li>` : html`<li><span class="empty">${p.label}</span></li>`,
  )}</ul>`;
}

/** `/archive`: every year with stories, and what was published on this day in earlier years. */
export function archiveIndexPage(
  chrome: PageChrome,
  data: ArchiveCommon & {
    years: readonly number[];
    onThisDay: readonly { year: number; path: string; stories: readonly ArticleSummary[] }[];
    /** Today's day and month in words ("2 December"). */
    todayLabel: string;
  },
): string {
  const first = data.years.at(-1);
  const main = html`<h1>The archive</h1>
${first === undefined ? html`<p>Stories will be listed here by the day they were published.</p>` : html`<p class="section-description">Every story since ${first}, by the day it was published.</p>`}
${accessNote(data)}
${
  data.years.length
    ? html`<section class="block" aria-labelledby="archive-years"><h2 id="archive-years">Years</h2>${periods(
        data.years.map((y) => ({ label: String(y), path: `/archive/${y}`, hasStories: true })),
        'archive-periods',
      )}</section>`
    : ''
}
${
  data.onThisDay.length
    ? html`<section class="block" aria-labelledby="on-this-day"><h2 id="on-this-day">On this day, ${data.todayLabel}</h2>${data.onThisDay.map(
        (year) =>
          html`<h3><a href="${year.path}">${year.year}</a></h3><ul class="on-this-day">${year.stories.map(
            (a) => html`<li><a href="/article/${a.slug}">${a.headline}</a></li>`,
          )}</ul>`,
      )}</section>`
    : ''
}`;
  return layout(
    chrome,
    {
      title: 'The archive',
      description: `Every story from ${chrome.site.publicationName}, by the day it was published.`,
      canonical: `${data.publicUrl}/archive`,
    },
    main,
  );
}

/** A year's or a month's page: its months or days, those with stories as links. */
export function archivePeriodPage(
  chrome: PageChrome,
  data: ArchiveCommon & {
    title: string;
    crumbs: readonly Crumb[];
    periods: readonly ArchivePeriod[];
    kind: 'months' | 'days';
    previous: Crumb | null;
    next: Crumb | null;
  },
): string {
  const empty = !data.periods.some((p) => p.hasStories);
  const main = html`${trail(data.crumbs)}
<h1>${data.title}</h1>
${accessNote(data)}
${empty ? html`<p>No stories were published in ${data.title}.</p>` : ''}
${periods(data.periods, data.kind === 'months' ? 'archive-periods' : 'archive-periods archive-days')}
${pager(data.previous, data.next)}`;
  const here = data.crumbs.at(-1)?.path ?? '/archive';
  return layout(
    chrome,
    {
      title: `${data.title}: the archive`,
      description: `Stories from ${chrome.site.publicationName} published in ${data.title}.`,
      canonical: `${data.publicUrl}${here}`,
      // A period with nothing in it is there for a reader who typed its address, not for a search engine's index.
      noindex: empty,
    },
    main,
  );
}

/** One day's stories, oldest page first is the day's newest stories; keyset "later/earlier" within the day. */
export function archiveDayPage(
  chrome: PageChrome,
  data: ArchiveCommon & {
    title: string;
    crumbs: readonly Crumb[];
    stories: readonly ArticleSummary[];
    /** The cursor this page continues from, or null on the day's first page. */
    before: string | null;
    older: string | null;
    previous: Crumb | null;
    next: Crumb | null;
    timeZone: string;
  },
): string {
  const here = data.crumbs.at(-1)?.path ?? '/archive';
  const main = html`${trail(data.crumbs)}
<h1>${data.title}</h1>
${accessNote(data)}
${data.stories.length ? html`<div class="grid">${data.stories.map((a) => storyCard(a, chrome.sections, data.timeZone, { when: 'time', level: 2 }))}</div>` : html`<p>No stories were published on this day.</p>`}
${
  data.before || data.older
    ? html`<nav class="pager" aria-label="Pages of this day"><span>${data.before ? html`<a href="${here}">← This day’s latest</a>` : ''}</span><span>${data.older ? html`<a rel="next" href="${here}?before=${data.older}">Earlier that day →</a>` : ''}</span></nav>`
    : ''
}
${pager(data.previous, data.next)}`;
  return layout(
    chrome,
    {
      title: data.before ? `${data.title}: earlier stories` : data.title,
      description: `Stories from ${chrome.site.publicationName} published on ${data.title}.`,
      canonical: `${data.publicUrl}${here}${data.before ? `?before=${data.before}` : ''}`,
      noindex: data.stories.length === 0,
    },
    main,
  );
}

function pager(previous: Crumb | null, next: Crumb | null): SafeHtml | '' {
  if (!previous && !next) return '';
  return html`<nav class="pager" aria-label="Nearby in the archive"><span>${previous ? html`<a href="${previous.path}">← ${previous.label}</a>` : ''}</span><span>${next ? html`<a href="${next.path}">${next.label} →</a>` : ''}</span></nav>`;
}
