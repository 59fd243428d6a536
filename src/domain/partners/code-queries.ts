import { sql } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { CodeRow, Problem } from './codes-csv.js';

/** Activation codes and their uploads (`partner_codes`, `partner_code_uploads`, migration 024). */

/** A code handed to a reader. */
export interface IssuedCode {
  id: number;
  code: string;
  /** YYYY-MM-DD, or null. */
  expiresOn: string | null;
  claimedAt: Date;
  revokeRequestedAt: Date | null;
}

const day = (column: string) => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
const ISSUED = [
  'c.id',
  'c.code',
  day('c.expires_on').as('expiresOn'),
  'c.claimed_at as claimedAt',
  'c.revoke_requested_at as revokeRequestedAt',
] as const;

/** Of `codes`, those the partner already holds (in any state). */
export async function storedCodes(tx: Tx, partnerId: number, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await tx
    .selectFrom('partner_codes')
    .select('code')
    .where('partner_id', '=', partnerId)
    .where('code', '=', sql<string>`any(${sql.val([...codes])}::text[])`)
    .execute();
  return rows.map((r) => r.code);
}

export async function insertCodes(tx: Tx, partnerId: number, uploadId: number, rows: readonly CodeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('partner_codes')
    .values(
      rows.map((r) => ({
        partner_id: partnerId,
        upload_id: uploadId,
        code: r.code,
        expires_on: r.expiresOn === null ? null : sql<Date>`${r.expiresOn}::date`,
      })),
    )
    .execute();
}

export interface UploadRecord {
  id: number;
  partnerId: number;
  fileName: string;
  status: 'imported' | 'rejected';
  rowsRead: number;
  imported: number;
  problemCount: number;
  problems: Problem[];
  createdAt: Date;
  uploadedBy: string | null;
}

export async function insertUpload(
  db: Db,
  upload: Omit<UploadRecord, 'id' | 'createdAt' | 'uploadedBy'> & { uploadedBy: number | null; createdAt: Date },
): Promise<number> {
  const row = await db
    .insertInto('partner_code_uploads')
    .values({
      partner_id: upload.partnerId,
      file_name: upload.fileName,
      status: upload.status,
      rows_read: upload.rowsRead,
      imported: upload.imported,
      problem_count: upload.problemCount,
      problems: JSON.stringify(upload.problems),
      uploaded_by: upload.uploadedBy,
      created_at: upload.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const UPLOAD = [
  'u.id',
  'u.partner_id as partnerId',
  'u.file_name as fileName',
  'u.status',
  'u.rows_read as rowsRead',
  'u.imported',
  'u.problem_count as problemCount',
  'u.problems',
  'u.created_at as createdAt',
  'by.email as uploadedBy',
] as const;

const uploadOf = (row: Omit<UploadRecord, 'problems'> & { problems: unknown }): UploadRecord => ({
  ...row,
  problems: (typeof row.problems === 'string' ? JSON.parse(row.problems) : row.problems) as Problem[],
});

export async function findUpload(db: Db, partnerId: number, id: number): Promise<UploadRecord | null> {
  const row = await db
    .selectFrom('partner_code_uploads as u')
    .leftJoin('users as by', 'by.id', 'u.uploaded_by')
    .select(UPLOAD)
    .where('u.partner_id', '=', partnerId)
    .where('u.id', '=', id)
    .executeTakeFirst();
  return row ? uploadOf(row) : null;
}

export async function recentUploads(db: Db, partnerId: number, limit: number): Promise<UploadRecord[]> {
  const rows = await db
    .selectFrom('partner_code_uploads as u')
    .leftJoin('users as by', 'by.id', 'u.uploaded_by')
    .select(UPLOAD)
    .where('u.partner_id', '=', partnerId)
    .orderBy('u.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(uploadOf);
}

/** The reader's live claim on the partner (not marked for revocation), or null. */
export async function liveClaim(db: Db, partnerId: number, userId: number): Promise<IssuedCode | null> {
  const row = await db
    .selectFrom('partner_codes as c')
    .select(ISSUED)
    .where('c.partner_id', '=', partnerId)
    .where('c.claimed_by', '=', userId)
    .where('c.revoke_requested_at', 'is', null)
    .executeTakeFirst();
  return (row as IssuedCode | undefined) ?? null;
}

/** Every code the reader was given, with its partner's name (their data export). */
export async function codesClaimedBy(db: Db, userId: number): Promise<(IssuedCode & { partner: string })[]> {
  return (await db
    .selectFrom('partner_codes as c')
    .innerJoin('partners as p', 'p.id', 'c.partner_id')
    .select([...ISSUED, 'p.name as partner'])
    .where('c.claimed_by', '=', userId)
    .orderBy('c.id')
    .execute()) as (IssuedCode & { partner: string })[];
}

/**
 * Takes one unclaimed, unexpired code of the pool for the reader, atomically: concurrent claims skip the rows
 * others hold locked, so no code goes to two readers; the partial unique index refuses a second live claim by
 * the same reader (a unique violation the caller answers with the first claim). Null when the pool is empty.
 */
export async function claimPooledCode(tx: Tx, partnerId: number, userId: number, now: Date, today: string): Promise<IssuedCode | null> {
  const row = await tx
    .updateTable('partner_codes as c')
    .set({ claimed_by: userId, claimed_at: now })
    .where(
      'c.id',
      '=',
      sql<number>`(select id from partner_codes where partner_id = ${partnerId} and claimed_at is null
        and (expires_on is null or expires_on >= ${today}::date) order by id limit 1 for update skip locked)`,
    )
    .returning(ISSUED)
    .executeTakeFirst();
  return (row as IssuedCode | undefined) ?? null;
}

/** Stores a code a partner's API issued to the reader, as claimed. */
export async function insertIssuedCode(tx: Tx, partnerId: number, userId: number, code: string, now: Date): Promise<IssuedCode> {
  const { id } = await tx
    .insertInto('partner_codes')
    .values({ partner_id: partnerId, code, claimed_by: userId, claimed_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await tx.selectFrom('partner_codes as c').select(ISSUED).where('c.id', '=', id).executeTakeFirstOrThrow()) as IssuedCode;
}

export interface CodeCounts {
  /** Unclaimed and not expired: what may still be handed out. */
  unclaimed: number;
  expiredUnclaimed: number;
  /** Claimed, the reader still entitled. */
  active: number;
  revokeRequested: number;
}

export async function codeCounts(db: Db, partnerId: number, today: string): Promise<CodeCounts> {
  const row = await db
    .selectFrom('partner_codes')
    .select([
      sql<number>`count(*) filter (where claimed_at is null and (expires_on is null or expires_on >= ${today}::date))::int`.as('unclaimed'),
      sql<number>`count(*) filter (where claimed_at is null and expires_on < ${today}::date)::int`.as('expiredUnclaimed'),
      sql<number>`count(*) filter (where claimed_at is not null and revoke_requested_at is null)::int`.as('active'),
      sql<number>`count(*) filter (where revoke_requested_at is not null)::int`.as('revokeRequested'),
    ])
    .where('partner_id', '=', partnerId)
    .executeTakeFirstOrThrow();
  return row;
}

/** One page of the codes handed out, in the order they were claimed, after `after` (keyset). */
export async function issuedCodesPage(
  db: Db,
  partnerId: number,
  after: { claimedAt: Date; id: number } | null,
  limit: number,
): Promise<IssuedCode[]> {
  let query = db
    .selectFrom('partner_codes as c')
    .select(ISSUED)
    .where('c.partner_id', '=', partnerId)
    .where('c.claimed_at', 'is not', null);
  if (after)
    query = query.where((eb) =>
      eb.or([eb('c.claimed_at', '>', after.claimedAt), eb.and([eb('c.claimed_at', '=', after.claimedAt), eb('c.id', '>', after.id)])]),
    );
  return (await query.orderBy('c.claimed_at').orderBy('c.id').limit(limit).execute()) as IssuedCode[];
}

/**
 * Marks for revocation up to `limit` live claims after the claim `afterId` whose reader no longer holds the partner's
 * entitlement at `now` (ended, refunded, withdrawn, or the account deleted); returns them with their partner. Called
 * with the last id it returned, a sweep reads the live claims once in all (the partial index in id order).
 */
export async function markClaimsForRevocation(
  db: Db,
  now: Date,
  afterId: number,
  limit: number,
): Promise<{ id: number; partnerId: number; code: string; userId: number | null }[]> {
  return db
    .updateTable('partner_codes')
    .set({ revoke_requested_at: now })
    .where(
      'id',
      'in',
      sql<number>`(select c.id from partner_codes c join partners p on p.id = c.partner_id
        where c.claimed_at is not null and c.revoke_requested_at is null and c.id > ${afterId}
        and (c.claimed_by is null or not exists (
          select 1 from entitlement_grants g where g.user_id = c.claimed_by and g.entitlement = p.entitlement
          and g.revoked_at is null and g.starts_at <= ${now} and (g.ends_at is null or g.ends_at > ${now})))
        order by c.id limit ${limit} for update of c skip locked)`,
    )
    .returning(['id', 'partner_id as partnerId', 'code', 'claimed_by as userId'])
    .execute();
}
