/**
 * Which sitemap files list the published articles. A month is one file (`articles-YYYY-MM.xml`) while it has at most
 * SITEMAP_MAX_URLS published articles; a month with more is split into one file per day with articles
 * (`articles-YYYY-MM-DD.xml`), so every published article is in exactly one file. Months and days are the publisher's
 * (its time zone). Days, rather than numbered parts of the month, because a day's file is a date range (an index
 * range scan, like a month's), its address never changes meaning as stories are added, backdated or withdrawn,
 * and the busiest dailies publish a few thousand stories a day, far under the limit.
 */
import type { Db } from '../ports/database.js';
import { dayStart, daysInMonth, monthStart } from './calendar-years.js';
import { anyPublishedBetween, monthsPossiblyOver, publishedMoreThan } from './queries.js';

/** The sitemap protocol's limit of URLs in one file. */
export const SITEMAP_MAX_URLS = 50_000;

/** A month with published articles and how its sitemap is split. */
export interface SitemapMonth {
  year: number;
  /** 1–12. */
  month: number;
  /** The days (1–31, newest first) with published articles, one file each, when the month has too many for one file; else null. */
  days: number[] | null;
}

/**
 * The sitemap files of `months` (months with published articles by `at`, newest first): the oversized months are
 * found from the per-day counts, and only a month the counts leave undecided (near the limit, or not yet over) is
 * probed, by a walk of at most SITEMAP_MAX_URLS + 1 index entries. Cost follows the calendar, not the articles.
 */
export async function sitemapMonthFiles(
  db: Db,
  months: readonly { year: number; month: number }[],
  timeZone: string,
  at: Date,
): Promise<SitemapMonth[]> {
  const candidates = new Map((await monthsPossiblyOver(db, timeZone, SITEMAP_MAX_URLS)).map((c) => [`${c.year}-${c.month}`, c]));
  return Promise.all(
    months.map(async ({ year, month }): Promise<SitemapMonth> => {
      const candidate = candidates.get(`${year}-${month}`);
      if (!candidate) return { year, month, days: null };
      const from = monthStart(year, month, timeZone);
      const to = monthStart(year, month + 1, timeZone);
      // The counts include scheduled stories: only a month already over is decided by its lower bound.
      const over = (to <= at && candidate.atLeast > SITEMAP_MAX_URLS) || (await publishedMoreThan(db, from, to, at, SITEMAP_MAX_URLS));
      return { year, month, days: over ? await daysWithArticles(db, year, month, timeZone, at) : null };
    }),
  );
}

async function daysWithArticles(db: Db, year: number, month: number, timeZone: string, at: Date): Promise<number[]> {
  const last = daysInMonth(year, month);
  const days = Array.from({ length: last }, (_, i) => last - i);
  const found = await Promise.all(
    days.map(async (day) => {
      const from = dayStart(year, month, day, timeZone);
      return from <= at && (await anyPublishedBetween(db, from, dayStart(year, month, day + 1, timeZone), at));
    }),
  );
  return days.filter((_, i) => found[i]);
}
