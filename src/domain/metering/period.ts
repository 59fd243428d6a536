import type { MeterState } from './model.js';

/**
 * Per-zone state: one formatter (building an Intl.DateTimeFormat costs far more than using it) and the
 * period of the last 15-minute bucket seen, because `meterPeriod` runs on every metered request and
 * `formatToParts` alone would dominate the access decision's budget.
 */
interface ZoneCache {
  format: Intl.DateTimeFormat;
  bucket: number;
  period: string;
}

/**
 * Every modern UTC offset is a whole multiple of 15 minutes, so local midnight (and so a month boundary)
 * can only fall on a 15-minute UTC boundary. A bucket is cached only after checking that its first and
 * last millisecond agree, which keeps odd historical offsets correct too.
 */
// Stryker disable next-line ArithmeticOperator: the length only sets how often the cache hits (see docs/mutation-testing.md)
const BUCKET_MS = 15 * 60 * 1000;

const zones = new Map<string, ZoneCache>();

function zoneCache(timeZone: string): ZoneCache {
  let cache = zones.get(timeZone);
  if (cache === undefined) {
    // Fixed locale, calendar and digits: the parts must be ASCII Gregorian whatever the host's ICU defaults.
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      calendar: 'gregory',
      numberingSystem: 'latn',
    });
    // Stryker disable next-line StringLiteral: never read before it is set, since no bucket equals NaN
    cache = { format, bucket: Number.NaN, period: '' };
    zones.set(timeZone, cache);
  }
  return cache;
}

function formatPeriod(format: Intl.DateTimeFormat, ms: number): string {
  // Stryker disable next-line StringLiteral: formatToParts always has a year part, which overwrites this
  let year = '';
  // Stryker disable next-line StringLiteral: formatToParts always has a month part, which overwrites this
  let month = '';
  for (const part of format.formatToParts(ms)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
  }
  return `${year.padStart(4, '0')}-${month}`;
}

/**
 * The calendar month `YYYY-MM` that `now` falls in, in the IANA `timeZone` (the publisher's meter period).
 * Throws RangeError for an unknown time zone or an invalid date: both are programming or configuration errors.
 */
export function meterPeriod(now: Date, timeZone: string): string {
  const ms = now.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('meterPeriod: invalid date');
  const cache = zoneCache(timeZone);
  const bucket = Math.floor(ms / BUCKET_MS);
  if (bucket === cache.bucket) return cache.period;
  const start = bucket * BUCKET_MS;
  const first = formatPeriod(cache.format, start);
  const last = formatPeriod(cache.format, start + BUCKET_MS - 1);
  if (first !== last) return formatPeriod(cache.format, ms);
  cache.bucket = bucket;
  cache.period = first;
  return first;
}

/** A meter with no reads in `period`. */
export function emptyMeter(period: string): MeterState {
  return { period, read: [] };
}

/** `meter` if it belongs to `period`; otherwise an empty meter, because reads count per calendar month. */
export function currentMeter(meter: MeterState, period: string): MeterState {
  return meter.period === period ? meter : emptyMeter(period);
}
