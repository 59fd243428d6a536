import type { Section } from '../model.js';

/**
 * Sections of the demo site, in navigation order. `markets-insight` is the premium markets-analysis vertical:
 * its articles are always premium and need the `markets` entitlement; every other section uses `premium`.
 */
export const DEMO_SECTIONS: Section[] = [
  {
    slug: 'markets',
    name: 'Markets',
    position: 1,
    premiumEntitlement: 'premium',
    description: 'Stocks, bonds, currencies and commodities: what moved and why.',
  },
  {
    slug: 'economy',
    name: 'Economy',
    position: 2,
    premiumEntitlement: 'premium',
    description: 'Growth, prices, jobs and the policies behind them.',
  },
  {
    slug: 'companies',
    name: 'Companies',
    position: 3,
    premiumEntitlement: 'premium',
    description: 'Results, deals and the people who run India’s businesses.',
  },
  {
    slug: 'politics',
    name: 'Politics',
    position: 4,
    premiumEntitlement: 'premium',
    description: 'Parliament, the states and the decisions that shape the economy.',
  },
  {
    slug: 'world',
    name: 'World',
    position: 5,
    premiumEntitlement: 'premium',
    description: 'Trade, conflicts and elections abroad, and what they mean here.',
  },
  {
    slug: 'technology',
    name: 'Technology',
    position: 6,
    premiumEntitlement: 'premium',
    description: 'Start-ups, platforms, chips and the rules that govern them.',
  },
  { slug: 'opinion', name: 'Opinion', position: 7, premiumEntitlement: 'premium', description: 'Columns, editorials and letters.' },
  {
    slug: 'markets-insight',
    name: 'Markets Insight',
    position: 8,
    premiumEntitlement: 'markets',
    description: 'Premium analysis and investment ideas for subscribers to Markets Insight.',
  },
];

/** Relative share of generated articles per section (sums to 100). */
export const SECTION_WEIGHTS: Record<string, number> = {
  markets: 15,
  economy: 14,
  companies: 18,
  politics: 10,
  world: 11,
  technology: 12,
  opinion: 8,
  'markets-insight': 12,
};
