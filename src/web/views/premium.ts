import type { ArticleSummary } from '../../domain/content/model.js';
import { formatDate, formatFullDate } from './format.js';
import { html } from './html.js';
import { layout, type PageChrome } from './layout.js';
import { storyCard } from './listing.js';

export interface PremiumDayInput {
  /** The day shown (YYYY-MM-DD in the publisher's zone) and whether it is today. */
  day: { date: string; start: Date };
  isToday: boolean;
  /** The day's premium stories, newest first: summaries only, never any body text. */
  stories: ArticleSummary[];
  /** True when the day had more stories than the page lists. */
  capped: boolean;
  /** With no stories on the day: the newest premium story before it and whether that was the day before. */
  latest: { date: string; publishedAt: Date; dayBefore: boolean } | null;
  /** Premium stories promised a day (0: no promise, and none is mentioned). */
  promised: number;
  timeZone: string;
  publicUrl: string;
}

/** `/premium`: the premium stories of a day in the publisher's time zone (today unless a day is asked for). */
export function premiumDayPage(chrome: PageChrome, data: PremiumDayInput): string {
  const { copy } = chrome;
  const count = data.stories.length;
  const fullDate = formatFullDate(data.day.start, data.timeZone, chrome.site.language);
  const heading = data.isToday ? copy.render('premium.today', { count }) : copy.render('premium.on_day', { count, date: fullDate });
  const latest = data.latest;
  const here = data.isToday ? '/premium' : `/premium?day=${data.day.date}`;
  const main = html`<h1>${heading}</h1>
<p class="dateline-today"><time datetime="${data.day.date}">${fullDate}</time></p>
${data.promised > 0 ? html`<p class="section-description">${copy.render('premium.promise', { promised: data.promised })}</p>` : ''}
${
  count > 0
    ? html`<div class="grid">${data.stories.map((a) => storyCard(a, chrome.sections, data.timeZone, { when: 'time', level: 2 }))}</div>
${data.capped ? html`<p>The newest ${count} are listed here; more of the day’s premium stories are in their sections.</p>` : ''}`
    : latest
      ? html`<p role="status">The latest premium stories are <a href="/premium?day=${latest.date}">${latest.dayBefore ? 'yesterday’s' : `those of ${formatDate(latest.publishedAt, data.timeZone)}`}</a>.</p>`
      : html`<p role="status">Premium stories will be listed here as editors publish them.</p>`
}
${data.isToday ? '' : html`<nav class="pager" aria-label="Days"><span><a href="/premium">Today’s premium stories</a></span><span></span></nav>`}`;
  return layout(
    chrome,
    {
      title: data.isToday ? 'Premium today' : `Premium stories of ${fullDate}`,
      description: heading,
      canonical: `${data.publicUrl}${here}`,
    },
    main,
  );
}
