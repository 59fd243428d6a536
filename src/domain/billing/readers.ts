import type { Db } from '../ports/database.js';

/** What billing needs to know of a reader's account: where to write and what to call them. */
export interface ReaderContact {
  email: string;
  name: string;
}

/**
 * Looks live accounts up, any number in one query. The accounts module owns the `users` table and answers
 * this (the composition root passes its lookup in); `db` is the caller's transaction when it holds one, so
 * on PGlite the read does not wait for that transaction to end. An account that does not exist or was
 * deleted is missing from the map.
 */
export type FindReaders = (db: Db, userIds: readonly number[]) => Promise<ReadonlyMap<number, ReaderContact>>;

/** One reader through `FindReaders`, or null. */
export async function findReader(find: FindReaders, db: Db, userId: number): Promise<ReaderContact | null> {
  return (await find(db, [userId])).get(userId) ?? null;
}
