import { sql } from 'kysely';
import type { Db } from '../../domain/ports/database.js';

/** The built-in test gateway's own records (table `test_gateway_records`): its "server side", kept as JSON by id. */

export async function loadTestRecord<T>(db: Db, id: string): Promise<T | null> {
  const row = await db.selectFrom('test_gateway_records').select('data').where('id', '=', id).executeTakeFirst();
  return (row?.data as T | undefined) ?? null;
}

/** Stores a record, replacing the data of one with the same id. */
export async function saveTestRecord(db: Db, record: { id: string; kind: string; data: object; now: Date }): Promise<void> {
  const data = JSON.stringify(record.data);
  await db
    .insertInto('test_gateway_records')
    .values({ id: record.id, kind: record.kind, data, created_at: record.now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ data }))
    .execute();
}

/**
 * Replaces a record's data only while its `status` is still `from`: a compare-and-set in one statement, so
 * of several requests racing to move the same record on (three presses of Approve), exactly one wins.
 * Returns whether this call made the change.
 */
export async function replaceTestRecordIf(db: Db, id: string, from: string, data: object): Promise<boolean> {
  const row = await db
    .updateTable('test_gateway_records')
    .set({ data: JSON.stringify(data) })
    .where('id', '=', id)
    .where(sql<string>`data ->> 'status'`, '=', from)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}
