import type { Section } from '../../domain/content/model.js';
import { cursorAfter } from '../../domain/content/model.js';
import { RELEVANCE_PAGES_MAX, SEARCH_TYPES, type SearchPage } from '../../domain/search/model.js';
import type { ReadSearch } from '../search/searching.js';
import { formatDate, joinNames } from './format.js';
import { html, raw, type SafeHtml } from './html.js';
import { layout, type PageChrome } from './layout.js';

const TYPE_LABELS: Record<(typeof SEARCH_TYPES)[number], string> = {
  free: 'Free to read',
  metered: 'Counted in free articles',
  premium: 'Premium',
  staff: 'By our journalists',
  wire: 'Agency copy',
  partner: 'From partners',
};

/** The address of these results with some parameters changed (empty ones left out). */
function searchHref(read: ReadSearch, change: Partial<Record<keyof ReadSearch, string | number>>): string {
  const all: Record<string, string | number> = { ...read, ...change };
  const params = new URLSearchParams();
  for (const key of ['q', 'section', 'from', 'to', 'author', 'type', 'sort', 'page', 'after'] as const) {
    const value = all[key];
    if (value === undefined || value === '' || (key === 'page' && value === 1) || (key === 'sort' && value === 'relevance')) continue;
    params.set(key, String(value));
  }
  return `/search?${params.toString()}`;
}

function option(value: string, label: string, selected: string): SafeHtml {
  return html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
}

/** A search box on a list's page (an author's, a section's) that searches within that list's stories only. */
export function searchWithinForm(label: string, within: { name: 'author' | 'section'; value: string }): SafeHtml {
  return html`<form class="search-form" method="get" action="/search" role="search" aria-label="${label}"><label for="within-q">${label}</label>
<input type="search" id="within-q" name="q" maxlength="200" required> <input type="hidden" name="${within.name}" value="${within.value}"> <button type="submit" class="button">Search</button></form>`;
}

/**
 * The search form: a GET form that works without script, every field labelled. A search within one author's stories
 * (from the author's page) says so, with a way out to every author's.
 */
function searchForm(read: ReadSearch, sections: readonly Section[], narrow: boolean, authorName: string | null): SafeHtml {
  return html`<form class="search-form" method="get" action="/search" role="search" aria-label="Search and narrow">
<p><label for="search-q">Search for</label> <input id="search-q" name="q" type="search" value="${read.q}" maxlength="200" autocomplete="off"> <button type="submit" class="button">Search</button></p>
${read.author ? html`<p class="search-author">In the stories of ${authorName ? html`<a href="/author/${read.author}">${authorName}</a>` : read.author} · <a href="${searchHref(read, { author: '', page: 1, after: '' })}">search every author’s</a></p>` : ''}
<details${narrow || read.section || read.from || read.to || read.type ? html` open` : ''}><summary>Narrow the search</summary>
<p><label for="search-section">Section</label> <select id="search-section" name="section">${option('', 'All sections', read.section)}${sections.map((s) => option(s.slug, s.name, read.section))}</select></p>
<p><label for="search-from">From</label> <input id="search-from" name="from" type="date" value="${read.from}">
<label for="search-to">to</label> <input id="search-to" name="to" type="date" value="${read.to}"></p>
<p><label for="search-type">Type</label> <select id="search-type" name="type">${option('', 'Any', read.type)}${SEARCH_TYPES.map((t) => option(t, TYPE_LABELS[t], read.type))}</select></p>
${read.author ? html`<input type="hidden" name="author" value="${read.author}">` : ''}
</details>
<p><label for="search-sort">Sort by</label> <select id="search-sort" name="sort">${option('relevance', 'Relevance', read.sort)}${option('date', 'Newest first', read.sort)}</select></p>
</form>`;
}

/** A search of only words too common to index ("the", "of") and punctuation. */
const NOTHING_TO_LOOK_FOR =
  'This search has no word to look for: words as common as “the” and “of” are left out, and so is punctuation. Add a word that names what you want.';

/**
 * `/search`: the form, and for a search its results with highlighted snippets and pages; or, for a search too broad to
 * answer or a value that cannot be searched for (`problem`: the message), the form open at its filters above it.
 */
export function searchPage(
  chrome: PageChrome,
  data: {
    read: ReadSearch;
    result: SearchPage | null;
    problem?: string | undefined;
    /** The name of the author the search is within (`read.author`), when there is one by that slug. */
    authorName?: string | null | undefined;
    timeZone: string;
    publicUrl: string;
  },
): string {
  const { read, result } = data;
  const sections = chrome.sections;
  const sectionName = (slug: string) => sections.find((s) => s.slug === slug)?.name ?? slug;
  let body: SafeHtml | string = '';
  if (data.problem) {
    body = html`<p class="search-none" role="alert">${data.problem}</p>`;
  } else if (result && result.hits.length === 0) {
    body = html`<p class="search-none">${result.searchable ? 'No stories match this search.' : NOTHING_TO_LOOK_FOR}</p>`;
  } else if (result) {
    const last = result.hits.at(-1)?.article;
    const next =
      read.sort === 'date'
        ? result.nextCursor && last
          ? searchHref(read, { after: cursorAfter(last) })
          : null
        : result.more && read.page < RELEVANCE_PAGES_MAX
          ? searchHref(read, { page: read.page + 1 })
          : null;
    const earlier =
      read.sort === 'date'
        ? read.after
          ? searchHref(read, { after: '' })
          : null
        : read.page > 1
          ? searchHref(read, { page: read.page - 1 })
          : null;
    body = html`<ol class="search-results">${result.hits.map(
      (hit) => html`<li><h2><a href="/article/${hit.article.slug}">${raw(hit.headlineHtml)}</a></h2>
<p class="meta">${sectionName(hit.article.section)} · <time datetime="${hit.article.publishedAt.toISOString()}">${formatDate(hit.article.publishedAt, data.timeZone)}</time>${hit.article.authors.length ? html` · ${joinNames(hit.article.authors)}` : ''}${hit.article.visibility === 'premium' ? html` · <span class="badge">Premium</span>` : ''}</p>
<p class="snippet">${raw(hit.snippetHtml)}</p></li>`,
    )}</ol>
<nav class="pager" aria-label="Pages of results">
<span>${earlier ? html`<a rel="prev" href="${earlier}">${read.sort === 'date' ? '← Newest' : '← Earlier results'}</a>` : ''}</span>
<span>${next ? html`<a rel="next" href="${next}">More results →</a>` : ''}</span>
</nav>`;
  }
  const main = html`<h1>${read.q ? html`Search: ${read.q}` : 'Search'}</h1>
${searchForm(read, sections, data.problem !== undefined, data.authorName ?? null)}
${body}`;
  return layout(chrome, { title: read.q ? `Search: ${read.q}` : 'Search', canonical: `${data.publicUrl}/search`, noindex: true }, main);
}
