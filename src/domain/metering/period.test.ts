import { describe, it, expect } from 'vitest';
import { currentMeter, emptyMeter, meterPeriod } from './period.js';

describe('meterPeriod', () => {
  it.each([
    ['2026-10-31T18:29:59Z', 'Asia/Kolkata', '2026-10'],
    ['2026-10-31T18:30:00Z', 'Asia/Kolkata', '2026-11'],
    ['2026-10-31T19:00:00Z', 'UTC', '2026-10'],
    ['2026-12-31T18:30:00Z', 'Asia/Kolkata', '2027-01'],
    ['2026-03-01T04:59:59Z', 'America/New_York', '2026-02'],
    ['2026-05-31T18:15:00Z', 'Asia/Kathmandu', '2026-06'],
    ['2026-05-31T18:14:59Z', 'Asia/Kathmandu', '2026-05'],
  ])('%s in %s is %s', (iso, zone, period) => {
    expect(meterPeriod(new Date(iso), zone)).toBe(period);
  });

  it('agrees with an uncached formatter minute by minute across a month boundary', () => {
    const reference = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata', year: 'numeric', month: '2-digit' });
    for (let ms = Date.parse('2026-10-31T17:00:00Z'); ms < Date.parse('2026-10-31T20:00:00Z'); ms += 60_000) {
      expect(meterPeriod(new Date(ms), 'Asia/Kolkata')).toBe(reference.format(ms).slice(0, 7));
    }
  });

  it('turns the month at the right second when the boundary falls inside a 15-minute bucket', () => {
    // Madras Time (+05:21:10) in 1900: November began at 18:38:50 UTC, inside the 18:30–18:45 bucket.
    expect(meterPeriod(new Date('1900-10-31T18:38:49.999Z'), 'Asia/Kolkata')).toBe('1900-10');
    expect(meterPeriod(new Date('1900-10-31T18:38:50.000Z'), 'Asia/Kolkata')).toBe('1900-11');
    expect(meterPeriod(new Date('1900-10-31T18:30:00.000Z'), 'Asia/Kolkata')).toBe('1900-10');
    expect(meterPeriod(new Date('1900-10-31T18:44:59.999Z'), 'Asia/Kolkata')).toBe('1900-11');
  });

  it('always writes the year with four digits', () => {
    expect(meterPeriod(new Date('0999-06-15T00:00:00Z'), 'UTC')).toBe('0999-06');
  });

  it('throws RangeError for an unknown zone or an invalid date', () => {
    expect(() => meterPeriod(new Date(), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => meterPeriod(new Date(Number.NaN), 'UTC')).toThrow(new RangeError('meterPeriod: invalid date'));
  });
});

describe('currentMeter', () => {
  it('keeps a meter of the same period', () => {
    const meter = { period: '2026-10', read: [1, 2] };
    expect(currentMeter(meter, '2026-10')).toBe(meter);
  });

  it('resets a meter from another period', () => {
    expect(currentMeter({ period: '2026-09', read: [1, 2] }, '2026-10')).toEqual(emptyMeter('2026-10'));
  });
});
