import type { Author } from '../../domain/content/authors.js';
import type { ArticleSummary } from '../../domain/content/model.js';
import { html, jsonForScript } from './html.js';
import { layout, type PageChrome } from './layout.js';
import { storyCard } from './listing.js';
import { searchWithinForm } from './search.js';

/** An author's page: name, photo, bio, links, and their published stories, newest first, with "older" links. */
export function authorPage(
  chrome: PageChrome,
  data: {
    author: Author;
    articles: ArticleSummary[];
    before: string | null;
    older: string | null;
    timeZone: string;
    publicUrl: string;
  },
): string {
  const { author, before, older } = data;
  const here = `/author/${author.slug}${before ? `?before=${before}` : ''}`;
  const photo = author.photoUrl ? (author.photoUrl.startsWith('/') ? `${data.publicUrl}${author.photoUrl}` : author.photoUrl) : null;
  const person = {
    '@context': 'https://schema.org',
    '@type': 'Person',
    name: author.name,
    url: `${data.publicUrl}/author/${author.slug}`,
    ...(author.bio ? { description: author.bio } : {}),
    ...(photo ? { image: photo } : {}),
    ...(author.links.length ? { sameAs: author.links.map((l) => l.url) } : {}),
  };
  const main = html`<section class="author-profile">
${author.photoUrl ? html`<img class="author-photo" src="${author.photoUrl}" alt="${author.name}" width="120" height="120">` : ''}
<h1>${author.name}</h1>
${author.bio ? author.bio.split(/\n{2,}/).map((p) => html`<p class="bio">${p}</p>`) : ''}
${author.links.length ? html`<ul class="author-links">${author.links.map((l) => html`<li><a href="${l.url}" rel="me noopener">${l.label}</a></li>`)}</ul>` : ''}
</section>
<h2>Stories</h2>
${data.articles.length ? searchWithinForm(`Search ${author.name}’s stories`, { name: 'author', value: author.slug }) : ''}
${data.articles.length ? html`<div class="grid">${data.articles.map((a) => storyCard(a, chrome.sections, data.timeZone))}</div>` : html`<p>No published stories yet.</p>`}
<nav class="pager" aria-label="Pages">
<span>${before ? html`<a href="/author/${author.slug}">← Latest</a>` : ''}</span>
<span>${older ? html`<a rel="next" href="/author/${author.slug}?before=${older}">Older stories →</a>` : ''}</span>
</nav>`;
  return layout(
    chrome,
    {
      title: before ? `${author.name}: older stories` : author.name,
      description: author.bio.slice(0, 200) || `Stories by ${author.name}`,
      canonical: `${data.publicUrl}${here}`,
      head: html`<script type="application/ld+json">${jsonForScript(person)}</script>`,
    },
    main,
  );
}
