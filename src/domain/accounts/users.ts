import type { Queryable } from '../../adapters/db/legacy.js';
import type { Role, User } from './model.js';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  email_verified_at: Date | null;
  device_limit: number | null;
  created_at: Date;
  password_hash: string | null;
}

const COLUMNS = 'id, email, name, role, email_verified_at, device_limit, created_at, password_hash';

/** The user columns qualified by a table alias, for queries that join users (one round trip for a session). */
export const userColumns = (alias: string) =>
  COLUMNS.split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    emailVerifiedAt: row.email_verified_at ? new Date(row.email_verified_at) : null,
    deviceLimit: row.device_limit,
    createdAt: new Date(row.created_at),
    hasPassword: row.password_hash !== null,
  };
}

/** The live account with this (normalised) address, with its password hash for sign-in. */
export async function findUserByEmail(db: Queryable, email: string): Promise<(User & { passwordHash: string | null }) | null> {
  const { rows } = await db.query<UserRow>(`select ${COLUMNS} from users where email = $1 and deleted_at is null`, [email]);
  const row = rows[0];
  return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
}

export async function findUserById(db: Queryable, id: number): Promise<User | null> {
  const { rows } = await db.query<UserRow>(`select ${COLUMNS} from users where id = $1 and deleted_at is null`, [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

/** Locks the account row for the rest of the transaction: sign-ins at the device limit queue here. */
export async function lockUser(db: Queryable, id: number): Promise<void> {
  await db.query('select id from users where id = $1 for update', [id]);
}

export async function insertUser(
  db: Queryable,
  user: { email: string; name: string; passwordHash: string | null; role: Role; verifiedAt: Date | null },
): Promise<User> {
  const { rows } = await db.query<UserRow>(
    `insert into users (email, name, password_hash, role, email_verified_at) values ($1, $2, $3, $4, $5) returning ${COLUMNS}`,
    [user.email, user.name, user.passwordHash, user.role, user.verifiedAt],
  );
  return toUser(rows[0]!);
}

export async function setPasswordHash(db: Queryable, userId: number, passwordHash: string | null): Promise<void> {
  await db.query('update users set password_hash = $2 where id = $1', [userId, passwordHash]);
}

export async function markEmailVerified(db: Queryable, userId: number, at: Date): Promise<void> {
  await db.query('update users set email_verified_at = coalesce(email_verified_at, $2) where id = $1', [userId, at]);
}

export async function setRole(db: Queryable, userId: number, role: Role): Promise<void> {
  await db.query('update users set role = $2 where id = $1', [userId, role]);
}

/** Deletion keeps the row (invoices and audit point at it) but removes everything personal. */
export async function anonymiseUser(db: Queryable, userId: number, at: Date): Promise<void> {
  await db.query(
    `update users set email = 'deleted-' || id || '@invalid', name = '', password_hash = null, deleted_at = $2 where id = $1`,
    [userId, at],
  );
}
