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
