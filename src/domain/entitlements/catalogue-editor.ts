import { recordChange } from '../audit/audit.js';
import type { Db } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { announceChange } from '../site/changes.js';
import { liveFeatures } from './live-features.js';
import { checkCatalogueFields, ENTRY_KEY, featureOf, type CatalogueEntry, type CatalogueFields } from './catalogue.js';
import { insertCatalogueRow, listCatalogueRows, lockCatalogueRow, updateCatalogueRow } from './catalogue-queries.js';

/**
 * The catalogue editor (policy `manageBusiness`): names, descriptions, order and the device allowance, and new
 * entries (a partner bundle). Each change is in the audit log (area `entitlements`) and announced, so the plans
 * page, the paywall and the account page say it on the next request, on every instance.
 */

/** Saved, or the problems by field; null when there is no such entry. */
export type CatalogueSaveResult = { ok: true } | { ok: false; errors: Record<string, string> };

const userId = (actor: Actor) => (actor.kind === 'user' ? actor.id : null);
const audited = (row: CatalogueFields) => ({ ...row });

/** The catalogue, each entry with what in this install reads it (null: nothing yet, so readers are not told of it). */
export async function listCatalogue(db: Db, actor: Actor, now: Date, timeZone: string): Promise<CatalogueEntry[]> {
  authorize(actor, 'manageBusiness');
  const [rows, live] = await Promise.all([listCatalogueRows(db), liveFeatures(db, now, timeZone)]);
  return rows.map((row) => ({ ...row, feature: featureOf(row.key, live) }));
}

export async function saveCatalogueEntry(
  db: Db,
  actor: Actor,
  key: string,
  fields: CatalogueFields,
  now: Date,
): Promise<CatalogueSaveResult | null> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    const row = await lockCatalogueRow(tx, key);
    if (!row) return null;
    const next = { ...fields, allowance: row.kind === 'allowance' ? fields.allowance : null };
    const errors = checkCatalogueFields(next, row.kind);
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    await updateCatalogueRow(tx, key, next, userId(actor), now);
    await recordChange(
      tx,
      { actor, area: 'entitlements', subject: key, action: 'update', before: audited(row), after: audited(next) },
      now,
    );
    await announceChange(tx);
    return { ok: true };
  });
}

/** Adds an access entitlement under a new key (a partner bundle, say); it reaches readers once a feature reads it. */
export async function addCatalogueEntry(
  db: Db,
  actor: Actor,
  key: string,
  fields: Omit<CatalogueFields, 'allowance'>,
  now: Date,
): Promise<CatalogueSaveResult> {
  authorize(actor, 'manageBusiness');
  const entry = { ...fields, allowance: null };
  const errors = checkCatalogueFields(entry, 'access');
  if (!ENTRY_KEY.test(key)) errors.key = 'Lower-case letters, digits and hyphens (at most 40), starting with a letter or digit.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return db.transaction().execute(async (tx) => {
    if (!(await insertCatalogueRow(tx, key, entry, userId(actor), now)))
      return { ok: false, errors: { key: `There is an entitlement “${key}” already: edit it above.` } };
    await recordChange(tx, { actor, area: 'entitlements', subject: key, action: 'create', before: null, after: audited(entry) }, now);
    await announceChange(tx);
    return { ok: true };
  });
}
