/**
 * What makes a section: a name, a slug (its address, /section/<slug>), a description shown on its page, and
 * the entitlement a reader needs for its premium stories. Checked here, for the newsroom's form and the API
 * alike; the service adds what needs the database (a slug already taken).
 */

export interface SectionFields {
  name: string;
  slug: string;
  description: string;
  premiumEntitlement: string;
}

export const SECTION_LIMITS = { name: 60, slug: 60, description: 500, premiumEntitlement: 40 } as const;

/** Lower-case letters, digits and hyphens, starting with a letter or digit (the table allows no more). */
export const SECTION_SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,59}$/;
/** Any entitlement word: `premium`, or one of the publisher's own (`markets`). */
export const ENTITLEMENT_PATTERN = /^[a-z0-9-]{1,40}$/;

/** Messages by field for what cannot be a section; empty when the fields are fine. */
export function checkSectionFields(fields: SectionFields): Record<string, string> {
  const errors: Record<string, string> = {};
  if (fields.name === '') errors.name = 'Name the section.';
  else if (fields.name.length > SECTION_LIMITS.name) errors.name = `Use at most ${SECTION_LIMITS.name} characters.`;
  if (fields.slug === '') errors.slug = 'Give the section an address.';
  else if (!SECTION_SLUG_PATTERN.test(fields.slug))
    errors.slug = 'Use lower-case letters, digits and hyphens (at most 60), starting with a letter or digit.';
  if (fields.description.length > SECTION_LIMITS.description) errors.description = `Use at most ${SECTION_LIMITS.description} characters.`;
  if (!ENTITLEMENT_PATTERN.test(fields.premiumEntitlement))
    errors.premiumEntitlement = 'Use lower-case letters, digits and hyphens (at most 40), such as premium.';
  return errors;
}

/** A slug made from a name: "Markets Insight" → "markets-insight". */
export function sectionSlugFrom(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SECTION_LIMITS.slug)
    .replace(/-+$/, '');
}

/** The slugs in their new order after moving `slug` one place up (-1) or down (1); unchanged at either end. */
export function moveSlug(order: readonly string[], slug: string, by: -1 | 1): string[] {
  const at = order.indexOf(slug);
  const to = at + by;
  if (at < 0 || to < 0 || to >= order.length) return [...order];
  const next = [...order];
  [next[at], next[to]] = [next[to] as string, next[at] as string];
  return next;
}
