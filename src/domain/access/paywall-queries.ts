import { sql } from 'kysely';
import type { JsonValue } from '../ports/schema.js';
import type { Db, Tx } from '../ports/database.js';

/** The stored paywall settings (table `paywall_settings`, one row). */

export async function findPaywallSettings(db: Db | Tx, options: { lock?: boolean } = {}): Promise<{ value: unknown } | null> {
  let query = db.selectFrom('paywall_settings').select('value').where('id', '=', 1);
  if (options.lock) query = query.forUpdate();
  return (await query.executeTakeFirst()) ?? null;
}

export async function savePaywallSettings(db: Db | Tx, value: object, at: Date, by: number | null): Promise<void> {
  const json = sql<JsonValue>`${JSON.stringify(value)}::jsonb`;
  await db
    .insertInto('paywall_settings')
    .values({ id: 1, value: json, updated_at: at, updated_by: by })
    .onConflict((oc) => oc.column('id').doUpdateSet({ value: json, updated_at: at, updated_by: by }))
    .execute();
}
