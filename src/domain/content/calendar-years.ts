/** Calendar years in the publisher's time zone, for sitemaps that list a year's articles by date range. */

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
function wallClockAsUtc(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of format(timeZone).formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second);
}

/** The year `date` falls in, in `timeZone`. */
export function yearIn(date: Date, timeZone: string): number {
  return new Date(wallClockAsUtc(date.getTime(), timeZone)).getUTCFullYear();
}

/** The instant local midnight of 1 January `year` begins in `timeZone`. */
export function yearStart(year: number, timeZone: string): Date {
  const midnight = Date.UTC(year, 0, 1);
  let at = midnight;
  // Correct by the offset in force at the guess; twice, in case the offset itself changes in between.
  for (let i = 0; i < 2; i++) at = midnight - (wallClockAsUtc(at, timeZone) - at);
  return new Date(at);
}
