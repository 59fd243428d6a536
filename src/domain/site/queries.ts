import { sql } from 'kysely';
import type { Db } from '../ports/database.js';

/** A stored setting's value (JSON), or null when none is stored. */
export async function readSetting(db: Db, key: string): Promise<unknown> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

/** Stores a setting's value (JSON), replacing any before. */
export async function writeSetting(db: Db, key: string, value: unknown): Promise<void> {
  // Passed as JSON text on both engines (node-postgres would turn a top-level array into a PostgreSQL array).
  const json = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: sql`now()` }))
    .execute();
}

/** Resolves when the database answers a trivial query. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** A NOTIFY on `channel`, delivered to listeners when the transaction `db` belongs to commits. */
export async function notify(db: Db, channel: string): Promise<void> {
  await sql`select pg_notify(${channel}, '')`.execute(db);
}
