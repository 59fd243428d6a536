/** Calendar years in the publisher's time zone, for sitemaps that list a year's articles by date range. */
import { instantOfWallClock, wallClockAsUtc } from '../time/zoned.js';

/** The year `date` falls in, in `timeZone`. */
export function yearIn(date: Date, timeZone: string): number {
  return new Date(wallClockAsUtc(date.getTime(), timeZone)).getUTCFullYear();
}

/** The instant local midnight of 1 January `year` begins in `timeZone`. */
export function yearStart(year: number, timeZone: string): Date {
  return new Date(instantOfWallClock(Date.UTC(year, 0, 1), timeZone));
}

/** The instant local midnight of the 1st of `month` (1–12; 13 is January of the next year) of `year` begins in `timeZone`. */
export function monthStart(year: number, month: number, timeZone: string): Date {
  return new Date(instantOfWallClock(Date.UTC(year, month - 1, 1), timeZone));
}
