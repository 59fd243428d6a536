/**
 * Wall-clock time in a time zone: what a clock on the wall there shows at an instant, and back. Calendar
 * rules (a sitemap's year, a subscription's term) are about the publisher's calendar, not UTC's.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in `timeZone` at instant `ms`, as if it were UTC (so the difference is the zone's offset). */
export function wallClockAsUtc(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of format(timeZone).formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second);
}

/** The instant at which the wall clock in `timeZone` shows `wall` (a wall-clock time written as if UTC). */
export function instantOfWallClock(wall: number, timeZone: string): number {
  let at = wall;
  // Correct by the offset in force at the guess; twice, in case the offset itself changes in between.
  for (let i = 0; i < 2; i++) at = wall - (wallClockAsUtc(at, timeZone) - at);
  return at;
}

const DAY_MS = 86_400_000;

/** A calendar day in a time zone: its date (YYYY-MM-DD) and the instants it begins and the next day begins. */
export interface CalendarDay {
  date: string;
  start: Date;
  end: Date;
}

/** The calendar day that begins at local midnight of `wallMidnight` (a wall-clock time written as if UTC). */
function dayFromWallMidnight(wallMidnight: number, timeZone: string): CalendarDay {
  return {
    date: new Date(wallMidnight).toISOString().slice(0, 10),
    start: new Date(instantOfWallClock(wallMidnight, timeZone)),
    end: new Date(instantOfWallClock(wallMidnight + DAY_MS, timeZone)),
  };
}

/** The calendar day `at` falls in, in `timeZone`: 23:00 UTC on 1 May is 2 May in Asia/Kolkata. */
export function dayIn(at: Date, timeZone: string): CalendarDay {
  const wall = wallClockAsUtc(at.getTime(), timeZone);
  return dayFromWallMidnight(wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS), timeZone);
}

/** The calendar day `date` (YYYY-MM-DD) in `timeZone`, or null for a date that does not exist (2026-02-30). */
export function dayOfDate(date: string, timeZone: string): CalendarDay | null {
  const wall = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 10) !== date) return null;
  return dayFromWallMidnight(wall, timeZone);
}
