import type { Db, Tx } from '../ports/database.js';

/** Templates the publication saved over the catalogue's defaults (table `copy_overrides`). */

export async function listCopyOverrides(db: Db | Tx): Promise<Map<string, { text: string; updatedAt: Date }>> {
  const rows = await db.selectFrom('copy_overrides').select(['key', 'text', 'updated_at']).execute();
  return new Map(rows.map((r) => [r.key, { text: r.text, updatedAt: r.updated_at }]));
}

export async function findCopyOverride(db: Db | Tx, key: string): Promise<string | null> {
  const row = await db.selectFrom('copy_overrides').select('text').where('key', '=', key).executeTakeFirst();
  return row?.text ?? null;
}

export async function saveCopyOverride(db: Db | Tx, key: string, text: string, at: Date, by: number | null): Promise<void> {
  await db
    .insertInto('copy_overrides')
    .values({ key, text, updated_at: at, updated_by: by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ text, updated_at: at, updated_by: by }))
    .execute();
}

export async function deleteCopyOverride(db: Db | Tx, key: string): Promise<void> {
  await db.deleteFrom('copy_overrides').where('key', '=', key).execute();
}
