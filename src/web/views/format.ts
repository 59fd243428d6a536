const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string, options: Intl.DateTimeFormatOptions, key: string, locale = 'en-IN'): Intl.DateTimeFormat {
  const id = `${locale}:${timeZone}:${key}`;
  let f = formats.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    formats.set(id, f);
  }
  return f;
}

/** "24 November 2026, 10:15 am IST"-style date and time in the publisher's zone. */
export function formatDateTime(date: Date, timeZone: string): string {
  return format(timeZone, { dateStyle: 'long', timeStyle: 'short' }, 'dt').format(date);
}

/** "10:15 am" in the publisher's zone. */
export function formatTime(date: Date, timeZone: string): string {
  return format(timeZone, { timeStyle: 'short' }, 't').format(date);
}

/** "24 Nov 2026" in the publisher's zone. */
export function formatDate(date: Date, timeZone: string): string {
  return format(timeZone, { day: 'numeric', month: 'short', year: 'numeric' }, 'd').format(date);
}

/**
 * The day in the publisher's zone and language, in full: "Wednesday, 2 December 2026" (`en-IN`). A language
 * the runtime does not know falls back to `en-IN` rather than failing the page.
 */
export function formatFullDate(date: Date, timeZone: string, language: string): string {
  return format(timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }, 'full', localeOf(language)).format(date);
}

/** The runtime's locale for the site's language, `en-IN` for one it does not know (or not a language tag at all). */
function localeOf(language: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([language])[0] ?? 'en-IN';
  } catch {
    return 'en-IN';
  }
}

/** A calendar month in the site's language: "March 1997". */
export function formatMonthYear(year: number, month: number, language: string): string {
  return format('UTC', { month: 'long', year: 'numeric' }, 'month-year', localeOf(language)).format(Date.UTC(year, month - 1, 1));
}

/** A day of the year in the site's language, without the year: "14 March". */
export function formatDayMonth(month: number, day: number, language: string): string {
  return format('UTC', { day: 'numeric', month: 'long' }, 'day-month', localeOf(language)).format(Date.UTC(2000, month - 1, day));
}

/** The day in the publisher's zone as YYYY-MM-DD (a `<time datetime>`). */
export function isoDateIn(date: Date, timeZone: string): string {
  return format(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }, 'iso', 'en-CA').format(date);
}

/** Joins names the way a byline reads: "A", "A and B", "A, B and C". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
