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
  let locale = 'en-IN';
  try {
    locale = Intl.DateTimeFormat.supportedLocalesOf([language])[0] ?? locale;
  } catch {
    // Not a language tag at all: keep the default.
  }
  return format(timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }, 'full', locale).format(date);
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
