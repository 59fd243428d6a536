import type { ArticleSummary } from '../../domain/content/model.js';
import { html } from './html.js';
import { layout, type PageChrome } from './layout.js';
import { storyCard } from './listing.js';
import { tagPath } from './addresses.js';

/** A tag's page: its published stories, newest first, with "older" links (keyset, like a section). */
export function tagPage(
  chrome: PageChrome,
  data: { tag: string; articles: ArticleSummary[]; before: string | null; older: string | null; timeZone: string; publicUrl: string },
): string {
  const { tag, before, older } = data;
  const path = tagPath(tag);
  const main = html`<h1><span class="visually-hidden">Stories tagged </span>#${tag}</h1>
<div class="grid">${data.articles.map((a) => storyCard(a, chrome.sections, data.timeZone, { level: 2 }))}</div>
<nav class="pager" aria-label="Pages">
<span>${before ? html`<a href="${path}">← Latest</a>` : ''}</span>
<span>${older ? html`<a rel="next" href="${path}?before=${older}">Older stories →</a>` : ''}</span>
</nav>`;
  return layout(
    chrome,
    {
      title: before ? `#${tag}: older stories` : `#${tag}`,
      description: `Stories tagged ${tag} in ${chrome.site.publicationName}.`,
      canonical: `${data.publicUrl}${path}${before ? `?before=${before}` : ''}`,
    },
    main,
  );
}
