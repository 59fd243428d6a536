import type { Db } from '../ports/database.js';

/** What billing needs to know of a reader's account: where to write and what to call them. */
export interface ReaderContact {
  email: string;
  name: string;
}

/**
 * Looks a live account up. The accounts module owns the `users` table and answers this (the composition
 * root passes its lookup in); `db` is the caller's transaction when it holds one, so on PGlite the read
 * does not wait for that transaction to end. Null when there is no such account or it was deleted.
 */
export type FindReader = (db: Db, userId: number) => Promise<ReaderContact | null>;
