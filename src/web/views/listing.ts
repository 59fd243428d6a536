import type { ArticleSummary } from '../../domain/content/model.js';
import type { Section } from '../../domain/content/model.js';
import { formatDate, formatTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { cardPicture } from './picture.js';
import { bylineLinks } from './article.js';

export interface CardOptions {
  /** The date under the story, or (in a list of one day's stories) its time. */
  when?: 'date' | 'time';
  /** The headline's level: 2 where the card sits right under the page's h1, 3 under a block's h2. */
  level?: 2 | 3;
  /**
   * How much of the story the card shows: `full` its picture, standfirst and byline; `brief` its headline and time
   * only (the later stories of a home page block, so the page does not read as a column of standfirsts).
   */
  weight?: 'full' | 'brief';
}

/**
 * One story in a list: kicker, headline link, standfirst, date (or, in a list of one day's stories, the time).
 * Never any body text.
 */
export function storyCard(article: ArticleSummary, sections: Section[], timeZone: string, options: CardOptions = {}): SafeHtml {
  const { when = 'date', level = 3, weight = 'full' } = options;
  const section = sections.find((s) => s.slug === article.section);
  const time = html`<time datetime="${article.publishedAt.toISOString()}">${when === 'time' ? formatTime(article.publishedAt, timeZone) : formatDate(article.publishedAt, timeZone)}</time>`;
  const headline = html`<a href="/article/${article.slug}">${article.headline}</a>`;
  const kicker = html`<p class="kicker">${section?.name ?? article.section}${article.visibility === 'premium' ? html`<span class="badge">Premium</span>` : ''}</p>`;
  if (weight === 'brief') {
    return html`<div class="card brief">${kicker}${level === 2 ? html`<h2>${headline}</h2>` : html`<h3>${headline}</h3>`}<p>${time}</p></div>`;
  }
  return html`<div class="card">${cardPicture(article.leadImage)}
${kicker}
${level === 2 ? html`<h2>${headline}</h2>` : html`<h3>${headline}</h3>`}
<p>${article.standfirst}</p>
${article.authors.length ? html`<p class="byline">By ${bylineLinks(article)}</p>` : ''}
<p>${time}</p>
</div>`;
}
