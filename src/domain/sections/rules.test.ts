import { describe, expect, it } from 'vitest';
import { checkSectionFields, moveSlug, sectionSlugFrom } from './rules.js';

const fields = { name: 'Markets', slug: 'markets', description: '', premiumEntitlement: 'premium' };

describe('checkSectionFields', () => {
  it('accepts a section with any entitlement word', () => {
    expect(checkSectionFields(fields)).toEqual({});
    expect(checkSectionFields({ ...fields, premiumEntitlement: 'markets-pro-2' })).toEqual({});
  });
  it('names each field that is wrong', () => {
    const errors = checkSectionFields({ name: '', slug: '-x', description: 'd'.repeat(501), premiumEntitlement: 'Premium' });
    expect(Object.keys(errors).sort()).toEqual(['description', 'name', 'premiumEntitlement', 'slug']);
    expect(checkSectionFields({ ...fields, premiumEntitlement: 'a'.repeat(41) })).toHaveProperty('premiumEntitlement');
    expect(checkSectionFields({ ...fields, slug: 'a'.repeat(61) })).toHaveProperty('slug');
  });
});

describe('sections order and slugs', () => {
  it('moves a section one place, and not past either end', () => {
    expect(moveSlug(['a', 'b', 'c'], 'c', -1)).toEqual(['a', 'c', 'b']);
    expect(moveSlug(['a', 'b', 'c'], 'a', -1)).toEqual(['a', 'b', 'c']);
    expect(moveSlug(['a', 'b', 'c'], 'x', 1)).toEqual(['a', 'b', 'c']);
  });
  it('makes a slug from a name', () => {
    expect(sectionSlugFrom('  Personal Finance & Tax! ')).toBe('personal-finance-tax');
  });
});
