import type { Db, Tx } from '../ports/database.js';
import type { CatalogueFields, CatalogueRow } from './catalogue.js';

/** The entitlement catalogue's reads and writes (`entitlement_catalogue`, migration 022). */

const COLUMNS = ['key', 'name', 'description', 'kind', 'allowance', 'position'] as const;

/** Every entry, in the publisher's order. */
export async function listCatalogueRows(db: Db | Tx): Promise<CatalogueRow[]> {
  return db.selectFrom('entitlement_catalogue').select(COLUMNS).orderBy('position').orderBy('key').execute();
}

export async function lockCatalogueRow(tx: Tx, key: string): Promise<CatalogueRow | null> {
  const row = await tx.selectFrom('entitlement_catalogue').select(COLUMNS).where('key', '=', key).forUpdate().executeTakeFirst();
  return row ?? null;
}

export async function updateCatalogueRow(tx: Tx, key: string, fields: CatalogueFields, by: number | null, now: Date): Promise<void> {
  await tx
    .updateTable('entitlement_catalogue')
    .set({
      name: fields.name,
      description: fields.description,
      position: fields.position,
      allowance: fields.allowance,
      updated_at: now,
      updated_by: by,
    })
    .where('key', '=', key)
    .execute();
}

/** Adds an access entitlement; false when the key is taken. */
export async function insertCatalogueRow(tx: Tx, key: string, fields: CatalogueFields, by: number | null, now: Date): Promise<boolean> {
  const row = await tx
    .insertInto('entitlement_catalogue')
    .values({
      key,
      name: fields.name,
      description: fields.description,
      kind: 'access',
      allowance: null,
      position: fields.position,
      created_at: now,
      updated_at: now,
      updated_by: by,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}
