import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

export type { DB } from './schema.js';

/**
 * The database as the domain sees it: Kysely over the tables of `schema.ts`, which is generated from the
 * migrations (`npm run db:types`; a test fails when the two drift apart). Queries are checked by the
 * compiler against it. Repository functions take the database (or a transaction) first, so the
 * transaction scope is visible at each call.
 */
export type Db = Kysely<DB>;

/**
 * An open transaction. Locking reads (`lock…`) take a `Tx`, so the compiler refuses to call them outside
 * a transaction: a `Db` is not a `Tx`. Everything that takes a `Db` also accepts a `Tx`.
 */
export type Tx = Transaction<DB>;
