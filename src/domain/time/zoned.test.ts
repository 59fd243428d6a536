import { describe, expect, it } from 'vitest';
import { dayIn, dayOfDate } from './zoned.js';

describe('calendar days in the publisher’s time zone', () => {
  it('a day in Asia/Kolkata runs from 18:30 UTC the day before', () => {
    expect(dayIn(new Date('2026-11-23T23:00:00Z'), 'Asia/Kolkata')).toEqual({
      date: '2026-11-24',
      start: new Date('2026-11-23T18:30:00Z'),
      end: new Date('2026-11-24T18:30:00Z'),
    });
    expect(dayIn(new Date('2026-11-23T18:29:59Z'), 'Asia/Kolkata').date).toBe('2026-11-23');
  });

  it('a day on which the clocks change is 23 or 25 hours long', () => {
    const spring = dayOfDate('2026-03-29', 'Europe/London');
    expect(spring?.start.toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(spring?.end.toISOString()).toBe('2026-03-29T23:00:00.000Z');
    const autumn = dayIn(new Date('2026-10-25T12:00:00Z'), 'Europe/London');
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * 3600_000);
  });

  it('knows no day that is not in the calendar', () => {
    expect(dayOfDate('2026-02-30', 'Asia/Kolkata')).toBeNull();
    expect(dayOfDate('2026-2-3', 'Asia/Kolkata')).toBeNull();
    expect(dayOfDate('2028-02-29', 'Asia/Kolkata')?.start.toISOString()).toBe('2028-02-28T18:30:00.000Z');
  });
});
