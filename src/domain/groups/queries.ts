import { sql } from 'kysely';
import type { Db, Tx } from '../ports/database.js';

/** Group access's reads and writes (`access_groups`, `access_group_members`, migration 027; its grants in `entitlement_grants`). */

export interface AccessGroup {
  id: number;
  name: string;
  entitlements: string[];
  /** As staff typed them, tidied: CIDR blocks, dash ranges, single addresses. */
  ipRanges: string[];
  emailDomains: string[];
  startsAt: Date;
  /** null: no end date. */
  endsAt: Date | null;
  /** Seats for members by email domain; null: unlimited. */
  seats: number | null;
  seatsUsed: number;
}

/** What staff set on a group. */
export type GroupFields = Omit<AccessGroup, 'id' | 'seatsUsed'>;

export interface GroupMember {
  userId: number;
  email: string;
  joinedAt: Date;
}

const COLUMNS = [
  'g.id',
  'g.name',
  'g.entitlements',
  'g.ip_ranges as ipRanges',
  'g.email_domains as emailDomains',
  'g.starts_at as startsAt',
  'g.ends_at as endsAt',
  'g.seats',
  'g.seats_used as seatsUsed',
] as const;

const row = (fields: GroupFields) => ({
  name: fields.name,
  entitlements: [...fields.entitlements],
  ip_ranges: [...fields.ipRanges],
  email_domains: [...fields.emailDomains],
  starts_at: fields.startsAt,
  ends_at: fields.endsAt,
  seats: fields.seats,
});

export async function insertGroup(tx: Tx, fields: GroupFields, at: Date): Promise<number> {
  const inserted = await tx
    .insertInto('access_groups')
    .values({ ...row(fields), created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateGroup(tx: Tx, id: number, fields: GroupFields, at: Date): Promise<void> {
  await tx
    .updateTable('access_groups')
    .set({ ...row(fields), updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function findGroup(db: Db, id: number): Promise<AccessGroup | null> {
  return (await db.selectFrom('access_groups as g').select(COLUMNS).where('g.id', '=', id).executeTakeFirst()) ?? null;
}

/** The group's row, locked to the end of the transaction: joins, removals and edits of one group queue here. */
export async function lockGroup(tx: Tx, id: number): Promise<AccessGroup | null> {
  return (await tx.selectFrom('access_groups as g').select(COLUMNS).where('g.id', '=', id).forUpdate().executeTakeFirst()) ?? null;
}

/** Groups newest first, `limit` of them after the group `before` (keyset). */
export async function listGroupRows(db: Db, options: { before?: number | undefined; limit: number }): Promise<AccessGroup[]> {
  return db
    .selectFrom('access_groups as g')
    .select(COLUMNS)
    .$if(options.before !== undefined, (q) => q.where('g.id', '<', options.before ?? 0))
    .orderBy('g.id', 'desc')
    .limit(options.limit)
    .execute();
}

/** Groups with IP ranges that have not ended by `now` (those still to start too: the in-memory index checks the time). */
export async function listNetworkGroupRows(db: Db, now: Date): Promise<AccessGroup[]> {
  return db
    .selectFrom('access_groups as g')
    .select(COLUMNS)
    .where((eb) => eb.or([eb('g.ends_at', 'is', null), eb('g.ends_at', '>', now)]))
    .where(sql<boolean>`cardinality(g.ip_ranges) > 0`)
    .orderBy('g.id')
    .execute();
}

/** Groups in force at `now` with any of `domains` among their email domains. */
export async function listDomainGroupRows(db: Db, domains: readonly string[], now: Date): Promise<AccessGroup[]> {
  if (domains.length === 0) return [];
  return db
    .selectFrom('access_groups as g')
    .select(COLUMNS)
    .where(sql<boolean>`g.email_domains && ${sql.val([...domains])}::text[]`)
    .where('g.starts_at', '<=', now)
    .where((eb) => eb.or([eb('g.ends_at', 'is', null), eb('g.ends_at', '>', now)]))
    .orderBy('g.id')
    .execute();
}

/** Adds a member; false when they already were one. */
export async function insertMember(tx: Tx, groupId: number, userId: number, at: Date): Promise<boolean> {
  const inserted = await tx
    .insertInto('access_group_members')
    .values({ group_id: groupId, user_id: userId, joined_at: at })
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Removes a member; false when they were not one. */
export async function deleteMember(tx: Tx, groupId: number, userId: number): Promise<boolean> {
  const deleted = await tx
    .deleteFrom('access_group_members')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

/** Moves the count of seats taken by `by` (+1 a join, −1 a removal); call under the group's lock. */
export async function addSeatsUsed(tx: Tx, groupId: number, by: number): Promise<void> {
  await tx
    .updateTable('access_groups')
    .set((eb) => ({ seats_used: eb('seats_used', '+', by) }))
    .where('id', '=', groupId)
    .execute();
}

/** A group's members by account id, `limit` of them after the member `after` (keyset). */
export async function listMemberRows(
  db: Db,
  groupId: number,
  options: { after?: number | undefined; limit: number },
): Promise<GroupMember[]> {
  return db
    .selectFrom('access_group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id as userId', 'u.email', 'm.joined_at as joinedAt'])
    .where('m.group_id', '=', groupId)
    .$if(options.after !== undefined, (q) => q.where('m.user_id', '>', options.after ?? 0))
    .orderBy('m.user_id')
    .limit(options.limit)
    .execute();
}

/** The names of the groups with `ids` (a reader's account says whose access they have). */
export async function groupNamesOf(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('access_groups').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The groups a reader has joined, by name, with when (their data export). */
export async function listMembershipDetailsOf(db: Db, userId: number): Promise<{ group: string; joinedAt: Date }[]> {
  return db
    .selectFrom('access_group_members as m')
    .innerJoin('access_groups as g', 'g.id', 'm.group_id')
    .select(['g.name as group', 'm.joined_at as joinedAt'])
    .where('m.user_id', '=', userId)
    .orderBy('m.joined_at')
    .execute();
}

/** The groups a reader is a member of, by id. */
export async function listMembershipsOf(db: Db, userId: number): Promise<number[]> {
  const rows = await db.selectFrom('access_group_members').select('group_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.group_id);
}

/** Ends one member's grants from a group's source at `at` (the member removed; the others keep theirs). */
export async function revokeMemberGrants(tx: Tx, source: string, userId: number, at: Date): Promise<void> {
  await tx
    .updateTable('entitlement_grants')
    .set({ revoked_at: at })
    .where('source', '=', source)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Gives every member of a group its entitlements from `startsAt` to `endsAt`, in one statement whatever the members. */
export async function grantToMembers(
  tx: Tx,
  groupId: number,
  grant: { source: string; entitlements: readonly string[]; startsAt: Date; endsAt: Date | null },
): Promise<void> {
  await sql`insert into entitlement_grants (user_id, entitlement, source, starts_at, ends_at)
    select m.user_id, e.entitlement, ${grant.source}, ${grant.startsAt}, ${grant.endsAt}
    from access_group_members m cross join unnest(${sql.val([...grant.entitlements])}::text[]) as e (entitlement)
    where m.group_id = ${groupId}`.execute(tx);
}
