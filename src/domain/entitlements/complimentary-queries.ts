import type { Db, Tx } from '../ports/database.js';

/** Complimentary grants' reads and writes (`complimentary_grants`, migration 023). */

export interface ComplimentaryGrantRow {
  id: number;
  userId: number;
  entitlements: string[];
  startsAt: Date;
  /** null: no end date. */
  endsAt: Date | null;
  reason: string;
  revokedAt: Date | null;
}

/** A grant as staff read it on the reader's page: who gave it and who withdrew it (null: an account since deleted). */
export interface ComplimentaryGrantListed extends ComplimentaryGrantRow {
  grantedBy: string | null;
  revokedBy: string | null;
}

const COLUMNS = [
  'g.id',
  'g.user_id as userId',
  'g.entitlements',
  'g.starts_at as startsAt',
  'g.ends_at as endsAt',
  'g.reason',
  'g.revoked_at as revokedAt',
] as const;

export async function insertComplimentaryGrant(
  tx: Tx,
  grant: { userId: number; entitlements: readonly string[]; startsAt: Date; endsAt: Date | null; reason: string; grantedBy: number | null },
): Promise<number> {
  const row = await tx
    .insertInto('complimentary_grants')
    .values({
      user_id: grant.userId,
      entitlements: [...grant.entitlements],
      starts_at: grant.startsAt,
      ends_at: grant.endsAt,
      reason: grant.reason,
      granted_by: grant.grantedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A reader's complimentary grants, newest first, withdrawn and ended ones included. */
export async function listComplimentaryGrantRows(db: Db, userId: number): Promise<ComplimentaryGrantListed[]> {
  return db
    .selectFrom('complimentary_grants as g')
    .leftJoin('users as giver', 'giver.id', 'g.granted_by')
    .leftJoin('users as withdrawer', 'withdrawer.id', 'g.revoked_by')
    .select([...COLUMNS, 'giver.email as grantedBy', 'withdrawer.email as revokedBy'])
    .where('g.user_id', '=', userId)
    .orderBy('g.id', 'desc')
    .execute();
}

export async function lockComplimentaryGrant(tx: Tx, id: number): Promise<ComplimentaryGrantRow | null> {
  const row = await tx.selectFrom('complimentary_grants as g').select(COLUMNS).where('g.id', '=', id).forUpdate().executeTakeFirst();
  return row ?? null;
}

export async function markComplimentaryGrantRevoked(tx: Tx, id: number, by: number | null, at: Date): Promise<void> {
  await tx.updateTable('complimentary_grants').set({ revoked_at: at, revoked_by: by }).where('id', '=', id).execute();
}

/** Erases a reader's complimentary grants with their reasons (account deletion; their entitlements are revoked by source). */
export async function deleteComplimentaryGrantsOf(tx: Tx, userId: number): Promise<void> {
  await tx.deleteFrom('complimentary_grants').where('user_id', '=', userId).execute();
}
