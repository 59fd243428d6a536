import { describe, expect, it } from 'vitest';
import { checkGiftOrder, type GiftOrderInput } from './rules.js';

const ZONE = 'Asia/Kolkata';
// 20:00 UTC on 1 Dec is 01:30 on 2 Dec in India: "today" there is the 2nd.
const NOW = new Date('2026-12-01T20:00:00Z');
const input = (over: Partial<GiftOrderInput> = {}): GiftOrderInput => ({
  recipient_email: ' Ravi@Example.ORG ',
  recipient_name: '  Ravi   Kumar ',
  message: 'Happy birthday!\r\nRead well.',
  deliver: 'now',
  deliver_on: '',
  ...over,
});
const errorsOf = (over: Partial<GiftOrderInput>) => {
  const checked = checkGiftOrder(input(over), NOW, ZONE);
  return checked.ok ? {} : checked.errors;
};

describe('checkGiftOrder', () => {
  it('tidies a good order: address lower-cased, name spaces collapsed, line breaks kept, delivery now', () => {
    expect(checkGiftOrder(input(), NOW, ZONE)).toEqual({
      ok: true,
      order: { recipientEmail: 'ravi@example.org', recipientName: 'Ravi Kumar', message: 'Happy birthday!\nRead well.', deliverAt: NOW },
    });
  });

  it('a later day in the publisher’s zone is emailed at 08:00 there; today (in that zone) means now', () => {
    const later = checkGiftOrder(input({ deliver: 'date', deliver_on: '2026-12-25' }), NOW, ZONE);
    expect(later.ok && later.order.deliverAt.toISOString()).toBe('2026-12-25T02:30:00.000Z');
    const today = checkGiftOrder(input({ deliver: 'date', deliver_on: '2026-12-02' }), NOW, ZONE);
    expect(today.ok && today.order.deliverAt).toEqual(NOW);
  });

  it('refuses a past day (the 1st is past in India though not in UTC), a day more than a year ahead, and a non-date', () => {
    expect(errorsOf({ deliver: 'date', deliver_on: '2026-12-01' }).deliver_on).toMatch(/passed/);
    expect(errorsOf({ deliver: 'date', deliver_on: '2027-12-02' })).toEqual({});
    expect(errorsOf({ deliver: 'date', deliver_on: '2027-12-03' }).deliver_on).toMatch(/up to a year ahead \(until 2027-12-02\)/);
    expect(errorsOf({ deliver: 'date', deliver_on: '2027-02-30' }).deliver_on).toMatch(/like 2026-12-25/);
    expect(errorsOf({ deliver: 'date', deliver_on: '' }).deliver_on).toMatch(/like 2026-12-25/);
    expect(errorsOf({ deliver: '' }).deliver).toMatch(/when/);
  });

  it('names each bad field: address, name, message of more than 500 characters, control characters', () => {
    expect(errorsOf({ recipient_email: 'ravi@' }).recipient_email).toMatch(/like name@example.com/);
    expect(errorsOf({ recipient_email: '' }).recipient_email).toMatch(/Enter the email/);
    expect(errorsOf({ recipient_name: '' }).recipient_name).toMatch(/Enter the name/);
    expect(errorsOf({ recipient_name: 'x'.repeat(101) }).recipient_name).toMatch(/at most 100/);
    expect(errorsOf({ recipient_name: 'Ravi\u0007' }).recipient_name).toMatch(/letters/);
    expect(errorsOf({ message: 'x'.repeat(501) }).message).toMatch(/500 characters or fewer/);
    expect(errorsOf({ message: 'bad\u0000byte' }).message).toMatch(/letters/);
  });

  it('counts a message as the database does: 500 emoji (1,000 UTF-16 units) fit, 501 do not', () => {
    expect(errorsOf({ message: '🎁'.repeat(500) })).toEqual({});
    expect(errorsOf({ message: '🎁'.repeat(501) }).message).toMatch(/500/);
  });
});
