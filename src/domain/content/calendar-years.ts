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
  return dayStart(year, month, 1, timeZone);
}

/** The instant local midnight of `day` of `month` (1–12) of `year` begins in `timeZone` (days past the month's end run on). */
export function dayStart(year: number, month: number, day: number, timeZone: string): Date {
  return new Date(instantOfWallClock(Date.UTC(year, month - 1, day), timeZone));
}

/** How many days `month` (1–12) of `year` has. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
