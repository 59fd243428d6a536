import type { Section } from '../model.js';

/**
 * Sections of the demo site, in navigation order. `markets-insight` is the premium markets-analysis vertical:
 * its articles are always premium and need the `markets` entitlement; every other section uses `premium`.
 */
export const DEMO_SECTIONS: Section[] = [
  { slug: 'markets', name: 'Markets', position: 1, premiumEntitlement: 'premium' },
  { slug: 'economy', name: 'Economy', position: 2, premiumEntitlement: 'premium' },
  { slug: 'companies', name: 'Companies', position: 3, premiumEntitlement: 'premium' },
  { slug: 'politics', name: 'Politics', position: 4, premiumEntitlement: 'premium' },
  { slug: 'world', name: 'World', position: 5, premiumEntitlement: 'premium' },
  { slug: 'technology', name: 'Technology', position: 6, premiumEntitlement: 'premium' },
  { slug: 'opinion', name: 'Opinion', position: 7, premiumEntitlement: 'premium' },
  { slug: 'markets-insight', name: 'Markets Insight', position: 8, premiumEntitlement: 'markets' },
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
