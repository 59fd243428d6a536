import { describe, expect, it } from 'vitest';
import { yearIn, yearStart } from './calendar-years.js';

describe('calendar years in the publisher’s time zone', () => {
  it('a year in Asia/Kolkata begins at 18:30 UTC on the last day of the year before', () => {
    expect(yearStart(2026, 'Asia/Kolkata').toISOString()).toBe('2025-12-31T18:30:00.000Z');
    expect(yearStart(1997, 'Asia/Kolkata').toISOString()).toBe('1996-12-31T18:30:00.000Z');
  });

  it('follows the offset in force on 1 January, west of UTC too', () => {
    expect(yearStart(2027, 'America/New_York').toISOString()).toBe('2027-01-01T05:00:00.000Z');
    expect(yearStart(2027, 'UTC').toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('places an instant in the local year, not the UTC one', () => {
    expect(yearIn(new Date('2025-12-31T19:00:00Z'), 'Asia/Kolkata')).toBe(2026);
    expect(yearIn(new Date('2025-12-31T18:29:59Z'), 'Asia/Kolkata')).toBe(2025);
    expect(yearIn(new Date('2027-01-01T04:59:59Z'), 'America/New_York')).toBe(2026);
  });
});
