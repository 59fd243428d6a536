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

/** The id in a grant's source of `kind` (`subscription:<id>`, `group:<id>`), or null for any other source. */
export function idOfSource(source: string, kind: 'subscription' | 'group'): number | null {
  const match = /^([a-z]+):(\d+)$/.exec(source);
  return match && match[1] === kind ? Number(match[2]) : null;
}

/**
 * Where a grant comes from, as the reader reads it: its name when known (`names`, by source: the plan of a
 * subscription, the group), else the kind of grant (`grant:` complimentary, `gift:`, `group:`, `partner:`).
 */
export function grantSourceLabel(source: string, names: ReadonlyMap<string, string>): string {
  const named = names.get(source);
  if (named !== undefined) return named;
  const kind = source.split(':', 1)[0];
  if (kind === 'subscription') return 'your subscription';
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
  names: ReadonlyMap<string, string>,
): Holding[] {
  const entries = catalogue.offered(grants.map((g) => g.entitlement));
  return entries.flatMap((entry) =>
    grants
      .filter((g) => g.entitlement === entry.key)
      .map((g) => ({
        key: entry.key,
        name: entry.name,
        description: entry.description,
        from: grantSourceLabel(g.source, names),
        until: g.endsAt,
      })),
  );
}
