import type { Catalogue } from './catalogue.js';
import type { EntitlementGrant } from './queries.js';

/** One thing a reader has, as their account page says it: what, from where, until when (null: no end date). */
export interface Holding {
  key: string;
  name: string;
  description: string;
  from: string;
  until: Date | null;
}

/** The subscription a grant came from (`subscription:<id>`), or null for any other source. */
export function subscriptionOfSource(source: string): number | null {
  const match = /^subscription:(\d+)$/.exec(source);
  return match ? Number(match[1]) : null;
}

/**
 * Where a grant comes from, as the reader reads it: the plan's name for a subscription, else the kind of grant
 * (`grant:` complimentary, `gift:`, `group:`, `partner:`).
 */
export function grantSourceLabel(source: string, subscriptionPlans: ReadonlyMap<number, string>): string {
  const subscription = subscriptionOfSource(source);
  if (subscription !== null) return subscriptionPlans.get(subscription) ?? 'your subscription';
  const kind = source.split(':', 1)[0];
  if (kind === 'gift') return 'a gift';
  if (kind === 'group') return 'group access';
  if (kind === 'partner') return 'a partner arrangement';
  return 'complimentary';
}

/**
 * The reader's grants as their account lists them, in catalogue order: only what the catalogue offers readers
 * (a working feature), each grant once with its source and end.
 */
export function holdingsOf(
  grants: readonly EntitlementGrant[],
  catalogue: Pick<Catalogue, 'offered'>,
  subscriptionPlans: ReadonlyMap<number, string>,
): Holding[] {
  const entries = catalogue.offered(grants.map((g) => g.entitlement));
  return entries.flatMap((entry) =>
    grants
      .filter((g) => g.entitlement === entry.key)
      .map((g) => ({
        key: entry.key,
        name: entry.name,
        description: entry.description,
        from: grantSourceLabel(g.source, subscriptionPlans),
        until: g.endsAt,
      })),
  );
}
