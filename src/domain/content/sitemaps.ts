/**
 * Which sitemap files list the published articles. A month is one file (`articles-YYYY-MM.xml`) while it has at most
 * SITEMAP_MAX_URLS published articles; a month with more is split into one file per day with articles
 * (`articles-YYYY-MM-DD.xml`), so every published article is in exactly one file. Months and days are the publisher's
 * (its time zone). Days, rather than numbered parts of the month, because a day's file is a date range (an index
 * range scan, like a month's), its address never changes meaning as stories are added, backdated or withdrawn,
 * and the busiest dailies publish a few thousand stories a day, far under the limit (a single day of more than
 * SITEMAP_MAX_URLS would list its newest that many: not split further).
 */
import type { Db } from '../ports/database.js';
import { dayStart, daysInMonth, monthStart } from './calendar-years.js';
import { anyPublishedBetween, publishedMonthBounds, publishedMoreThan } from './queries.js';

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
 * The months with articles published by `at`, newest first, and how each is split, from the per-day counts: only a
 * month the counts leave undecided is probed on the articles' index — the current one (the counts include scheduled
 * stories), one with stories only on the UTC days it shares with a neighbour, and one near the limit (a walk of at
 * most SITEMAP_MAX_URLS + 1 index entries). Cost follows the calendar, not the number of articles.
 */
export async function listSitemapMonths(db: Db, timeZone: string, at: Date): Promise<SitemapMonth[]> {
  const months = await Promise.all(
    (await publishedMonthBounds(db, timeZone)).map(async ({ year, month, atLeast, atMost }): Promise<SitemapMonth[]> => {
      const from = monthStart(year, month, timeZone);
      const to = monthStart(year, month + 1, timeZone);
      if (from > at) return [];
      const closed = to <= at;
      if (!((closed && atLeast > 0) || (await anyPublishedBetween(db, from, to, at)))) return [];
      const over =
        atMost > SITEMAP_MAX_URLS &&
        ((closed && atLeast > SITEMAP_MAX_URLS) || (await publishedMoreThan(db, from, to, at, SITEMAP_MAX_URLS)));
      return [{ year, month, days: over ? await daysWithArticles(db, year, month, timeZone, at) : null }];
    }),
  );
  return months.flat();
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
