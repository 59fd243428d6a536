const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string, options: Intl.DateTimeFormatOptions, key: string): Intl.DateTimeFormat {
  const id = `${timeZone}:${key}`;
  let f = formats.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat('en-IN', { timeZone, ...options });
    formats.set(id, f);
  }
  return f;
}

/** "24 November 2026, 10:15 am IST"-style date and time in the publisher's zone. */
export function formatDateTime(date: Date, timeZone: string): string {
  return format(timeZone, { dateStyle: 'long', timeStyle: 'short' }, 'dt').format(date);
}

/** "24 Nov 2026" in the publisher's zone. */
export function formatDate(date: Date, timeZone: string): string {
  return format(timeZone, { day: 'numeric', month: 'short', year: 'numeric' }, 'd').format(date);
}

/** Joins names the way a byline reads: "A", "A and B", "A, B and C". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
