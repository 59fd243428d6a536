import { ENTITLEMENTS } from '../access/model.js';
import { DEVICES } from '../entitlements/catalogue.js';
import { floorToMajor, formatMoney, type Money } from './money.js';

export type TermUnit = 'day' | 'month' | 'year';

export interface Plan {
  id: number;
  slug: string;
  name: string;
  term: { count: number; unit: TermUnit };
  /** GST-inclusive price of one term. */
  price: Money;
  entitlements: string[];
  position: number;
  /** Shown with a "Best value" badge on /plans and the paywall; at most one plan is. */
  highlighted?: boolean;
}

/** Everything a subscription includes, granted by all three demo plans. */
export const SUBSCRIBER_ENTITLEMENTS = [
  ENTITLEMENTS.premium,
  ENTITLEMENTS.archive,
  ENTITLEMENTS.adFree,
  ENTITLEMENTS.markets,
  'epaper',
  'newsletters',
  'partner-bundle',
  DEVICES,
];

export const DEMO_PLANS: Omit<Plan, 'id'>[] = [
  {
    slug: 'smart-quarterly',
    name: 'Smart Quarterly',
    term: { count: 3, unit: 'month' },
    price: { minor: 90_000, currency: 'INR' },
    entitlements: SUBSCRIBER_ENTITLEMENTS,
    position: 1,
  },
  {
    slug: 'smart-essential',
    name: 'Smart Essential',
    term: { count: 1, unit: 'year' },
    price: { minor: 270_000, currency: 'INR' },
    entitlements: SUBSCRIBER_ENTITLEMENTS,
    position: 2,
  },
  {
    slug: 'super-saver',
    name: 'Super Saver',
    term: { count: 2, unit: 'year' },
    price: { minor: 390_000, currency: 'INR' },
    entitlements: SUBSCRIBER_ENTITLEMENTS,
    position: 3,
  },
];

/** Length of a term in months; a day-based term counts 30 days a month. */
export function termMonths(term: Plan['term']): number {
  if (term.unit === 'year') return term.count * 12;
  if (term.unit === 'month') return term.count;
  return term.count / 30;
}

/** The per-month figure: price divided by the months of the term, rounded down to whole rupees. */
export function perMonth(plan: Pick<Plan, 'price' | 'term'>): Money {
  return floorToMajor(plan.price.minor / termMonths(plan.term), plan.price.currency);
}

/** "3 months", "year", "2 years": the term as it reads after "every". */
export function describeTerm(term: Plan['term']): string {
  if (term.count === 1) return term.unit;
  return `${term.count} ${term.unit}s`;
}

/** Display strings used on /plans, the paywall, checkout, emails and invoices alike. */
export function planDisplay(plan: Pick<Plan, 'price' | 'term'>): { price: string; perMonth: string; term: string } {
  return { price: formatMoney(plan.price), perMonth: formatMoney(perMonth(plan)), term: describeTerm(plan.term) };
}
