import { describe, expect, it } from 'vitest';
import { formatMoney } from './money.js';
import { DEMO_PLANS, planDisplay } from './plans.js';

describe('plan prices as readers see them', () => {
  const shown = Object.fromEntries(DEMO_PLANS.map((p) => [p.name, planDisplay(p)]));

  it('match the published table exactly', () => {
    expect(shown['Smart Quarterly']).toEqual({ price: '₹900', perMonth: '₹300', term: '3 months' });
    expect(shown['Smart Essential']).toEqual({ price: '₹2,700', perMonth: '₹225', term: 'year' });
    expect(shown['Super Saver']).toEqual({ price: '₹3,900', perMonth: '₹162', term: '2 years' });
  });

  it('rounds the per-month figure down, where Intl would round ₹162.5 up', () => {
    expect(new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 }).format(162.5)).toBe('₹163');
    expect(planDisplay({ price: { minor: 390_000, currency: 'INR' }, term: { count: 24, unit: 'month' } }).perMonth).toBe('₹162');
  });

  it('groups digits the Indian way and keeps paise exact', () => {
    expect(formatMoney({ minor: 10_000_000, currency: 'INR' })).toBe('₹1,00,000');
    expect(formatMoney({ minor: 270_050, currency: 'INR' })).toBe('₹2,700.50');
    expect(() => formatMoney({ minor: 1.5, currency: 'INR' })).toThrow();
  });
});
