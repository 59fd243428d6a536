import type { Selectable } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { Users } from '../ports/schema.js';
import type { Role, User } from './model.js';

/** The columns a `User` is read from, qualified so that a query joining users (the session lookup) can select them too. */
export const USER_COLUMNS = [
  'users.id',
  'users.email',
  'users.name',
  'users.role',
  'users.email_verified_at',
  'users.device_limit',
  'users.created_at',
  'users.password_hash',
] as const;

type UserRow = Pick<
  Selectable<Users>,
  'id' | 'email' | 'name' | 'role' | 'email_verified_at' | 'device_limit' | 'created_at' | 'password_hash'
>;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    emailVerifiedAt: row.email_verified_at,
    deviceLimit: row.device_limit,
    createdAt: row.created_at,
    hasPassword: row.password_hash !== null,
  };
}

/** The live account with this (normalised) address, with its password hash for sign-in. */
export async function findUserByEmail(db: Db, email: string): Promise<(User & { passwordHash: string | null }) | null> {
  const row = await db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('email', '=', email)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
}

/** The live (not deleted) account with this id. */
export async function findUserById(db: Db, id: number): Promise<User | null> {
  const row = await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return row ? toUser(row) : null;
}

/** Live accounts among `ids`, in one query. */
export async function findUsersByIds(db: Db, ids: readonly number[]): Promise<User[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('users').select(USER_COLUMNS).where('id', 'in', ids).where('deleted_at', 'is', null).execute();
  return rows.map(toUser);
}

/** Locks the account row for the rest of the transaction: sign-ins at the device limit queue here. */
export async function lockUser(tx: Tx, id: number): Promise<void> {
  await tx.selectFrom('users').select('id').where('id', '=', id).forUpdate().execute();
}

export async function insertUser(
  db: Db,
  user: { email: string; name: string; passwordHash: string | null; role: Role; verifiedAt: Date | null },
): Promise<User> {
  const row = await db
    .insertInto('users')
    .values({ email: user.email, name: user.name, password_hash: user.passwordHash, role: user.role, email_verified_at: user.verifiedAt })
    .returning(USER_COLUMNS)
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function setPasswordHash(db: Db, userId: number, passwordHash: string | null): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Records when the address was first proven; later proofs keep the first date. */
export async function markEmailVerified(db: Db, userId: number, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(at)) }))
    .where('id', '=', userId)
    .execute();
}

export async function setRole(db: Db, userId: number, role: Role): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', userId).execute();
}

/** Deletion keeps the row (invoices and audit point at it) but removes everything personal. */
export async function anonymiseUser(db: Db, userId: number, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ email: `deleted-${userId}@invalid`, name: '', password_hash: null, deleted_at: at })
    .where('id', '=', userId)
    .execute();
}

/** How many accounts, live or deleted, have an address other than these (the demo's check for a real database). */
export async function countAccountsExcept(db: Db, emails: readonly string[]): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .$if(emails.length > 0, (qb) => qb.where('email', 'not in', emails))
    .executeTakeFirstOrThrow();
  return row.n;
}
