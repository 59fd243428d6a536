import type { Clipping, Edition, EditionPage, Region } from '../../domain/epaper/model.js';
import { csrfField, hidden, notice } from '../accounts/views.js';
import { html, raw, type SafeHtml } from '../views/html.js';
import { layout, type PageChrome } from '../views/layout.js';

/** The reader's e-paper pages: the calendar and editions, an edition's pages, a page with its stories, clippings. */

export const EPAPER_CSS_PATH = '/epaper/assets/epaper.css';
export const EPAPER_SCRIPT_PATH = '/epaper/assets/viewer.js';

const head = (script: boolean): SafeHtml =>
  html`<link rel="stylesheet" href="${EPAPER_CSS_PATH}">${script ? html`<script src="${EPAPER_SCRIPT_PATH}" defer></script>` : ''}`;

/** What a reader without the e-paper sees instead of pages: who may read it and how to get it. */
function paywall(signedIn: boolean, next: string): SafeHtml {
  return html`<div class="paywall epaper-paywall" role="region" aria-label="Subscription">
<p>The e-paper, the digital replica of our daily newspaper, is part of a subscription.</p>
<p><a class="button" href="/plans">Subscribe</a>${signedIn ? '' : html` · Already subscribed? <a href="/login?next=${encodeURIComponent(next)}">Log in</a>`}</p></div>`;
}

export interface CalendarMonth {
  /** YYYY-MM. */
  month: string;
  label: string;
  /** Days of the month with at least one published edition, to the editions' addresses. */
  days: Map<number, { slug: string; name: string }[]>;
  previous: string | null;
  next: string | null;
}

function calendar(data: CalendarMonth): SafeHtml {
  const [year, month] = data.month.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 1, 1));
  const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Weeks from Monday.
  const offset = (first.getUTCDay() + 6) % 7;
  const cells: SafeHtml[] = [];
  for (let i = 0; i < offset; i++) cells.push(html`<td></td>`);
  for (let day = 1; day <= length; day++) {
    const editions = data.days.get(day) ?? [];
    const date = `${data.month}-${String(day).padStart(2, '0')}`;
    cells.push(
      editions.length === 0
        ? html`<td>${day}</td>`
        : html`<td class="has-edition">${editions.map((e, i) => html`${i ? html`<br>` : ''}<a href="/epaper/${e.slug}/${date}" title="${e.name}">${i === 0 ? String(day) : e.name}</a>`)}</td>`,
    );
  }
  while (cells.length % 7) cells.push(html`<td></td>`);
  const weeks: SafeHtml[] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(html`<tr>${cells.slice(i, i + 7)}</tr>`);
  return html`<section class="epaper-calendar" aria-labelledby="calendar-heading"><h2 id="calendar-heading">Editions of ${data.label}</h2>
<table><thead><tr>${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => html`<th scope="col">${d}</th>`)}</tr></thead><tbody>${weeks}</tbody></table>
<p>${data.previous ? html`<a href="/epaper?month=${data.previous}">Earlier month</a>` : ''}${data.previous && data.next ? ' · ' : ''}${data.next ? html`<a href="/epaper?month=${data.next}">Later month</a>` : ''}</p></section>`;
}

export function epaperHomePage(
  chrome: PageChrome,
  data: { latest: Edition[]; covers: Map<number, string>; calendar: CalendarMonth; entitled: boolean; signedIn: boolean },
): string {
  const date = data.latest[0]?.date;
  const main = html`<h1>E-paper</h1>
${
  data.latest.length === 0
    ? html`<p role="status">The e-paper will be here as soon as an edition is published.</p>`
    : html`<section aria-labelledby="latest-heading"><h2 id="latest-heading">Latest edition: <time datetime="${date}">${date}</time></h2>
<ul class="epaper-editions">${data.latest.map((e) => {
        const cover = data.covers.get(e.id);
        return html`<li><a href="/epaper/${e.slug}/${e.date}">${cover ? html`<img src="${cover}" alt="" width="240">` : ''}<span>${e.name}</span></a> (${e.pageCount} pages)</li>`;
      })}</ul></section>`
}
${data.entitled ? html`<p><a href="/epaper/clippings">Your clippings</a> · <a href="/epaper/search">Search the e-paper</a></p>` : paywall(data.signedIn, '/epaper')}
${calendar(data.calendar)}`;
  return layout(chrome, { title: 'E-paper', description: 'The digital replica of our daily newspaper.', head: head(false) }, main);
}

export function epaperEditionPage(
  chrome: PageChrome,
  data: {
    edition: Edition;
    pages: (EditionPage & { thumbUrl: string | null })[];
    regions: Region[];
    entitled: boolean;
    signedIn: boolean;
    pdfUrls: string[];
  },
): string {
  const { edition } = data;
  const base = `/epaper/${edition.slug}/${edition.date}`;
  const main = html`<h1>${edition.name} edition, <time datetime="${edition.date}">${edition.date}</time></h1>
${
  data.entitled
    ? html`<ol class="epaper-thumbs">${data.pages.map(
        (p) =>
          html`<li><a href="${base}/${p.number}">${p.thumbUrl ? html`<img src="${p.thumbUrl}" alt="" width="240" loading="lazy">` : ''}<span>Page ${p.number}</span></a></li>`,
      )}</ol>
${data.pdfUrls.length ? html`<p>Save the edition: ${data.pdfUrls.map((url, i) => html`${i ? ', ' : ''}<a href="${url}" download>PDF${data.pdfUrls.length > 1 ? ` ${i + 1}` : ''}</a>`)}</p>` : ''}`
    : paywall(data.signedIn, base)
}
<section aria-labelledby="stories-heading"><h2 id="stories-heading">In this edition</h2>
<ul>${data.regions
    .filter((r) => r.headline)
    .map(
      (r) =>
        html`<li>${data.entitled ? html`<a href="${base}/${r.pageNumber}#region-${r.id}">${r.headline}</a>` : r.headline} (page ${r.pageNumber})</li>`,
    )}</ul></section>
<p><a href="/epaper">All editions</a></p>`;
  return layout(chrome, { title: `${edition.name} e-paper, ${edition.date}`, head: head(false) }, main);
}

export interface PageView {
  edition: Edition;
  page: EditionPage;
  pageCount: number;
  regions: Region[];
  pageUrl: string;
  zoomUrl: string;
  /** The zoom image's tiles and their signed addresses (`urls[row][column]`), or null: the viewer then zooms the whole image. */
  tiles: { width: number; height: number; size: number; urls: string[][] } | null;
  csrf: string;
  notice?: string | undefined;
}

/** A page with zoom and pan (script), its stories as areas that lead to their text, and the text view of each story. */
export function epaperPageView(chrome: PageChrome, data: PageView): string {
  const { edition, page } = data;
  const base = `/epaper/${edition.slug}/${edition.date}`;
  const tall = Math.round((10000 * page.height) / page.width);
  const scaleY = (n: number) => Math.round((n * tall) / 10000);
  const image = page.images.find((i) => i.size === 'page');
  const prev = page.number > 1 ? `${base}/${page.number - 1}` : null;
  const next = page.number < data.pageCount ? `${base}/${page.number + 1}` : null;
  const pager = html`<nav class="epaper-pager" aria-label="Pages">${prev ? html`<a rel="prev" href="${prev}">Previous page</a>` : html`<span></span>`}
<span>Page ${page.number} of ${data.pageCount}</span>${next ? html`<a rel="next" href="${next}">Next page</a>` : html`<span></span>`}</nav>`;
  const clipFields = (r: { x: number; y: number; w: number; h: number }) =>
    html`${hidden('edition', edition.id)}${hidden('page', page.number)}${hidden('x', r.x)}${hidden('y', r.y)}${hidden('w', r.w)}${hidden('h', r.h)}`;
  const main = html`<h1>${edition.name}, <time datetime="${edition.date}">${edition.date}</time>: page ${page.number}</h1>${notice(data.notice)}
${pager}
<div class="epaper-tools" id="epaper-tools" hidden><button type="button" data-zoom="in">Zoom in</button> <button type="button" data-zoom="out">Zoom out</button> <button type="button" data-clip>Clip an area</button> <span role="status" id="epaper-status"></span></div>
<div class="epaper-stage" id="epaper-stage" tabindex="0" data-zoom-src="${data.zoomUrl}"${data.tiles ? html` data-tiles="${JSON.stringify(data.tiles)}"` : ''} aria-label="Page ${page.number}: arrow keys turn pages, + and − zoom">
<svg viewBox="0 0 10000 ${tall}" width="${image?.width ?? 1000}" height="${image?.height ?? Math.round((1000 * page.height) / page.width)}" role="group" aria-label="Page ${page.number}">
<image href="${data.pageUrl}" x="0" y="0" width="10000" height="${tall}" preserveAspectRatio="none"/>
${data.regions.map(
  (r) =>
    html`<a href="#region-${r.id}" aria-label="${r.headline || `Story ${r.id}`}"><rect class="epaper-region" x="${r.x}" y="${scaleY(r.y)}" width="${r.w}" height="${scaleY(r.h)}"><title>${r.headline}</title></rect></a>`,
)}
</svg></div>
<p><a href="${data.zoomUrl}">Open the page at full size</a></p>
<form method="post" action="/epaper/clippings" id="epaper-clip-form" hidden>${csrfField(data.csrf)}${clipFields({ x: 0, y: 0, w: 0, h: 0 })}
<label>Name the clipping <input name="headline" maxlength="300"></label> <button type="submit">Save the clipping</button></form>
<section class="epaper-text" aria-labelledby="stories-heading"><h2 id="stories-heading">Stories on this page</h2>
${data.regions.length === 0 ? html`<p>No stories were marked on this page; its text is below.</p>` : ''}
${data.regions.map(
  (r) => html`<article id="region-${r.id}" class="epaper-story"><h3>${r.headline || 'Untitled story'}</h3>
${r.text ? html`<p>${r.text}</p>` : ''}
${r.article ? html`<p><a href="/${r.article.slug}">Read “${r.article.headline}” on the website</a></p>` : ''}
<form method="post" action="/epaper/clippings">${csrfField(data.csrf)}${clipFields(r)}${hidden('headline', r.headline)}<button type="submit" class="secondary">Save this story</button></form></article>`,
)}
<details><summary>All the text of page ${page.number}</summary><p>${page.text}</p></details></section>
${pager}
<p><a href="${base}">All pages of this edition</a> · <a href="/epaper/clippings">Your clippings</a></p>`;
  return layout(chrome, { title: `${edition.name} e-paper, ${edition.date}, page ${page.number}`, noindex: true, head: head(true) }, main);
}

export function clippingsPage(
  chrome: PageChrome,
  data: {
    clippings: (Clipping & { imageUrl: string | null })[];
    older: number | null;
    csrf: string;
    notice?: string | undefined;
    shareUrl?: string | undefined;
    /** Whether the site lets readers share clippings: the Share buttons show only then. */
    sharing: boolean;
  },
): string {
  const main = html`<h1>Your clippings</h1>${notice(data.notice)}
${data.shareUrl ? html`<p class="notice" role="status">Anyone with this link can see the clipping: <a href="${data.shareUrl}">${data.shareUrl}</a></p>` : ''}
${
  data.clippings.length === 0
    ? html`<p>Save a story from a page of the <a href="/epaper">e-paper</a> and it is kept here.</p>`
    : html`<ul class="epaper-clippings">${data.clippings.map(
        (
          c,
        ) => html`<li><a href="/epaper/${c.edition.slug}/${c.edition.date}/${c.pageNumber}">${c.headline || 'Clipping'}</a> — ${c.edition.name}, ${c.edition.date}, page ${c.pageNumber}
${data.sharing ? html`<form method="post" action="/epaper/clippings/${c.id}/share" class="inline-form">${csrfField(data.csrf)}<button type="submit" class="secondary">${c.sharedAt ? 'Share again' : 'Share'}</button></form>` : ''}
<form method="post" action="/epaper/clippings/${c.id}/delete" class="inline-form">${csrfField(data.csrf)}<button type="submit" class="secondary">Delete</button></form></li>`,
      )}</ul>`
}
${data.older ? html`<p><a href="/epaper/clippings?before=${data.older}">Older clippings</a></p>` : ''}`;
  return layout(chrome, { title: 'Your clippings', noindex: true, head: head(false) }, main);
}

export function sharedClippingPage(chrome: PageChrome, data: { clipping: Clipping; imageUrl: string; publication: string }): string {
  const c = data.clipping;
  const main = html`<h1>${c.headline || 'A clipping from the e-paper'}</h1>
<p>From the ${c.edition.name} edition of ${data.publication}, <time datetime="${c.edition.date}">${c.edition.date}</time>, page ${c.pageNumber}.</p>
<figure class="epaper-clip"><img src="${data.imageUrl}" alt="${c.headline || 'The clipped part of the page'}"></figure>
<p><a class="button" href="/plans">Subscribe to read the whole e-paper</a></p>`;
  return layout(chrome, { title: c.headline || 'E-paper clipping', noindex: true, head: head(false) }, main);
}

/** A story the e-paper search found: marked headline and snippet are escaped HTML with `<mark>` (see markedToHtml). */
export interface EpaperSearchHit {
  url: string;
  edition: { slug: string; name: string; date: string };
  pageNumber: number;
  headlineHtml: string;
  snippetHtml: string;
}

/** Search over the e-paper's stories: results for readers with the e-paper, the offer for anyone else. */
export function epaperSearchPage(
  chrome: PageChrome,
  data: {
    q: string;
    result: { hits: EpaperSearchHit[]; older: string | null } | null;
    /** Set when the search ran past its time: what the reader is told. */
    tooBroad?: string | undefined;
    signedIn: boolean;
  },
): string {
  const { result } = data;
  const olderHref = result?.older ? `/epaper/search?${new URLSearchParams({ q: data.q, before: result.older }).toString()}` : null;
  const main = html`<h1>Search the e-paper</h1>
<form method="get" action="/epaper/search" role="search" class="search-form" aria-label="Search the e-paper"><label for="epaper-q">Words in the e-paper’s stories</label>
<input type="search" id="epaper-q" name="q" value="${data.q}" maxlength="200"> <button type="submit" class="button">Search</button></form>
${
  data.tooBroad
    ? html`<p class="search-none" role="alert">${data.tooBroad}</p>`
    : result === null
      ? paywall(data.signedIn, `/epaper/search${data.q ? `?q=${encodeURIComponent(data.q)}` : ''}`)
      : data.q === ''
        ? ''
        : result.hits.length === 0
          ? html`<p role="status">No story in the e-paper matches “${data.q}”.</p>`
          : html`<ol class="search-results">${result.hits.map(
              (hit) =>
                html`<li><h2><a href="${hit.url}">${raw(hit.headlineHtml || 'Untitled story')}</a></h2>
<p class="meta">${hit.edition.name} edition, <time datetime="${hit.edition.date}">${hit.edition.date}</time>, page ${String(hit.pageNumber)}</p>
<p>${raw(hit.snippetHtml)}</p></li>`,
            )}</ol>${olderHref ? html`<p><a href="${olderHref}">Older matches</a></p>` : ''}`
}`;
  return layout(chrome, { title: 'Search the e-paper', description: 'Search the stories of the e-paper.', head: head(false) }, main);
}
