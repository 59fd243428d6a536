import { describe, expect, it } from 'vitest';
import { floorToMajor, formatMoney, minorPerMajor, type Money } from './money.js';

describe('formatMoney', () => {
  it.each<[name: string, money: Money, shown: string]>([
    ['rupees group the Indian way: lakh', { minor: 10_000_000, currency: 'INR' }, '₹1,00,000'],
    ['rupees group the Indian way: ten lakh, with paise', { minor: 123_456_789, currency: 'INR' }, '₹12,34,567.89'],
    ['a whole amount has no decimals', { minor: 270_000, currency: 'INR' }, '₹2,700'],
    ['an amount with paise shows both decimals', { minor: 270_050, currency: 'INR' }, '₹2,700.50'],
    ['a few paise', { minor: 5, currency: 'INR' }, '₹0.05'],
    ['nothing', { minor: 0, currency: 'INR' }, '₹0'],
    ['a refund (negative)', { minor: -250_000, currency: 'INR' }, '-₹2,500'],
    ['dollars group in thousands', { minor: 10_000_000, currency: 'USD' }, '$100,000'],
    ['dollars with cents', { minor: 270_050, currency: 'USD' }, '$2,700.50'],
    ['euros group in thousands', { minor: 10_000_000, currency: 'EUR' }, '€100,000'],
    ['pounds with pence', { minor: 123_450, currency: 'GBP' }, '£1,234.50'],
    ['yen have no minor unit', { minor: 1_235, currency: 'JPY' }, '¥1,235'],
  ])('%s: %j → %s', (_name, money, shown) => {
    expect(formatMoney(money)).toBe(shown);
  });

  it('refuses fractions of a minor unit rather than round them', () => {
    expect(() => formatMoney({ minor: 1.5, currency: 'INR' })).toThrow('money must be an integer of minor units, got 1.5');
  });

  it('refuses a currency it has no minor unit for', () => {
    expect(() => formatMoney({ minor: 100, currency: 'XYZ' })).toThrow('unsupported currency XYZ');
  });
});

describe('floorToMajor', () => {
  it.each<[name: string, minor: number, currency: string, floored: number]>([
    ['₹162.50 a month is shown as ₹162, never rounded up', 16_250, 'INR', 16_200],
    ['₹162.99 is still ₹162', 16_299, 'INR', 16_200],
    ['a whole amount stays as it is', 16_200, 'INR', 16_200],
    ['a monthly share that is not a whole paisa (₹2,999 / 12 months)', 299_900 / 12, 'INR', 24_900],
    ['less than a dollar is nothing', 99, 'USD', 0],
    ['yen are already whole', 1_234, 'JPY', 1_234],
  ])('%s', (_name, minor, currency, floored) => {
    expect(floorToMajor(minor, currency)).toEqual({ minor: floored, currency });
  });
});

describe('minorPerMajor', () => {
  it('knows paise, cents and pence, and that yen have none', () => {
    expect(minorPerMajor('INR')).toBe(100);
    expect(minorPerMajor('USD')).toBe(100);
    expect(minorPerMajor('JPY')).toBe(1);
    expect(() => minorPerMajor('XYZ')).toThrow('unsupported currency XYZ');
  });
});
