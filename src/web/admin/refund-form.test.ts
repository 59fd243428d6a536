import { describe, expect, it } from 'vitest';
import { parseRupees, readRefundForm, rupeesInput } from './refund-form.js';

describe('refund amounts', () => {
  it('reads rupees with up to two decimals into exact paise', () => {
    expect(parseRupees('900')).toBe(90_000);
    expect(parseRupees('900.5')).toBe(90_050);
    expect(parseRupees(' 3293.48 ')).toBe(329_348);
    expect(parseRupees('0.01')).toBe(1);
    // 0.1 + 0.2 style float drift cannot happen: integer parts only.
    expect(parseRupees('1234567.89')).toBe(123_456_789);
  });

  it('refuses anything that is not plainly rupees', () => {
    for (const raw of ['', '1,000', '₹900', '-5', '+5', '1e3', '9.999', '.5', '5.', '0x10', 'NaN', '１００'])
      expect(parseRupees(raw)).toBeNull();
  });

  it('shows paise back the way they are typed', () => {
    expect(rupeesInput(90_000)).toBe('900');
    expect(rupeesInput(329_348)).toBe('3293.48');
    expect(rupeesInput(5)).toBe('0.05');
  });

  it('wants an amount above zero and a reason', () => {
    const empty = readRefundForm({ amount: '0', reason: '  ' });
    expect(empty.ok ? null : empty.form.errors).toEqual({
      amount: 'Enter an amount above ₹0.',
      reason: expect.stringContaining('Say why'),
    });
    expect(readRefundForm({ amount: '12.50', reason: 'Charged twice' })).toMatchObject({
      ok: true,
      amountMinor: 1250,
      reason: 'Charged twice',
    });
    expect(readRefundForm({ amount: '1', reason: 'bad\u0000byte' }).ok).toBe(false);
  });
});
