import type { ArticleSummary } from '../../domain/content/model.js';
import type { Section } from '../../domain/content/model.js';
import { formatDate, formatTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { cardPicture } from './picture.js';
import { bylineLinks } from './article.js';

/**
 * One story in a list: kicker, headline link, standfirst, date (or, in a list of one day's stories, the time).
 * Never any body text.
 */
export function storyCard(article: ArticleSummary, sections: Section[], timeZone: string, when: 'date' | 'time' = 'date'): SafeHtml {
  const section = sections.find((s) => s.slug === article.section);
  return html`<div class="card">${cardPicture(article.leadImage)}
<p class="kicker">${section?.name ?? article.section}${article.visibility === 'premium' ? html`<span class="badge">Premium</span>` : ''}</p>
<h3><a href="/article/${article.slug}">${article.headline}</a></h3>
<p>${article.standfirst}</p>
${article.authors.length ? html`<p class="byline">By ${bylineLinks(article)}</p>` : ''}
<p><time datetime="${article.publishedAt.toISOString()}">${when === 'time' ? formatTime(article.publishedAt, timeZone) : formatDate(article.publishedAt, timeZone)}</time></p>
</div>`;
}
