import { ENTITLEMENTS } from '../access/model.js';

/**
 * The entitlement catalogue: every entitlement plans and grants may name, with the name and description
 * readers see. An entry is only ever shown to readers when a feature of this install really reads it
 * (`FEATURES`): the site never advertises a benefit that is not there. The business team edits the words and
 * the order (/admin/entitlements); the code says what works.
 */

export type CatalogueKind = 'access' | 'allowance';

export interface CatalogueRow {
  key: string;
  name: string;
  description: string;
  kind: CatalogueKind;
  /** For an allowance (the devices a reader may use at once): its number; null for access. */
  allowance: number | null;
  position: number;
}

export interface CatalogueEntry extends CatalogueRow {
  /** What in this install reads the entitlement, or null when nothing does yet (then readers are never told of it). */
  feature: string | null;
}

/** What staff edit on an entry; `allowance` only on an allowance (null on access). */
export type CatalogueFields = Pick<CatalogueRow, 'name' | 'description' | 'position' | 'allowance'>;

/** The device allowance's key (kind `allowance`): how many devices a reader may be signed in on at once. */
export const DEVICES = 'devices';

/**
 * The entitlements a working feature of this install reads, and what it does with them. Others work
 * because of what is stored: a partner's bundle, a key a section requires (live-features.ts).
 */
export const FEATURES: Readonly<Record<string, string>> = {
  [ENTITLEMENTS.premium]: 'Premium stories open, and metered ones without using the meter (the access decision).',
  [ENTITLEMENTS.archive]: 'Stories in the archive open (the access decision).',
  [ENTITLEMENTS.adFree]: 'Article pages are served without advertising.',
  [ENTITLEMENTS.markets]: 'Premium stories of sections that require “markets” open (the access decision).',
  [DEVICES]: 'The number of devices a reader may be signed in on at once: the largest allowance among their grants (sign-in).',
  epaper: 'The e-paper opens: edition pages, zoom, text, saved and shared clippings (/epaper, /api/v1/epaper).',
  newsletters: 'Newsletters for this audience: sign-up, and issues whose stories come whole as the access decision allows (/newsletters).',
};

/** What a partner's entitlement does while the partner can give codes (an uploaded code left, or an API adapter). */
export const PARTNER_FEATURE = 'A partner bundle: subscribers claim an activation code on their account page (/admin/partners).';

/** The feature reading `key`: one of `FEATURES`, or one that works because of what is stored (`live`, live-features.ts). */
export function featureOf(key: string, live: ReadonlyMap<string, string>): string | null {
  return FEATURES[key] ?? live.get(key) ?? null;
}

export const ENTRY_KEY = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Problems with an entry's fields, by field name; empty when it may be saved. */
export function checkCatalogueFields(fields: CatalogueFields, kind: CatalogueKind): Record<string, string> {
  const errors: Record<string, string> = {};
  if (fields.name.trim().length === 0) errors.name = 'Give it the name readers see.';
  else if (fields.name.length > 80) errors.name = 'Use at most 80 characters.';
  if (fields.description.length > 300) errors.description = 'Use at most 300 characters.';
  if (!Number.isInteger(fields.position) || fields.position < 1 || fields.position > 999) errors.position = 'A whole number from 1 to 999.';
  if (
    kind === 'allowance' &&
    (fields.allowance === null || !Number.isInteger(fields.allowance) || fields.allowance < 1 || fields.allowance > 100)
  )
    errors.allowance = 'A whole number of devices from 1 to 100.';
  return errors;
}

/** The catalogue as every part of the app holds it: one object, its entries replaced in place at each refresh. */
export interface Catalogue {
  readonly entries: readonly CatalogueEntry[];
  find(key: string): CatalogueEntry | undefined;
  /** Of `keys`, the entries readers may be told about (in the catalogue, with a working feature), in catalogue order. */
  offered(keys: Iterable<string>): CatalogueEntry[];
  /** The largest allowance among the allowance entries of `keys` (the devices at once), or null when none of them is one. */
  deviceAllowance(keys: Iterable<string>): number | null;
  /** New rows, and the features that work because of what is stored now (live-features.ts). */
  replace(rows: readonly CatalogueRow[], live?: ReadonlyMap<string, string>): void;
}

export function liveCatalogue(rows: readonly CatalogueRow[], live: ReadonlyMap<string, string> = new Map()): Catalogue {
  let entries: CatalogueEntry[] = [];
  let byKey = new Map<string, CatalogueEntry>();
  const catalogue: Catalogue = {
    get entries() {
      return entries;
    },
    find: (key) => byKey.get(key),
    offered(keys) {
      const wanted = new Set(keys);
      return entries.filter((e) => wanted.has(e.key) && e.feature !== null);
    },
    deviceAllowance(keys) {
      let most: number | null = null;
      for (const key of keys) {
        const entry = byKey.get(key);
        if (entry?.kind === 'allowance' && entry.feature !== null && entry.allowance !== null) most = Math.max(most ?? 0, entry.allowance);
      }
      return most;
    },
    replace(next, features = new Map()) {
      entries = next.map((row) => ({ ...row, feature: featureOf(row.key, features) }));
      byKey = new Map(entries.map((e) => [e.key, e]));
    },
  };
  catalogue.replace(rows, live);
  return catalogue;
}
