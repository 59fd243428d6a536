import type { ExpressionBuilder } from 'kysely';
import type { DB, Db, Tx } from '../ports/database.js';
import { SESSION_TIMEOUTS, type Device, type User } from './model.js';
import { toUser, USER_COLUMNS } from './user-queries.js';

export interface SessionRecord {
  id: number;
  userId: number;
  kind: 'web' | 'app';
  lastSeenAt: Date;
  tokenExpiresAt: Date;
}

/** Live = not revoked, within its absolute lifetime, and used within the idle timeout. */
const isLive = (now: Date) => (eb: ExpressionBuilder<DB, 'sessions'>) =>
  eb.and([
    eb('sessions.revoked_at', 'is', null),
    eb('sessions.expires_at', '>', now),
    eb('sessions.last_seen_at', '>', new Date(now.getTime() - SESSION_TIMEOUTS.idleMs)),
  ]);

export async function insertSession(
  db: Db,
  s: {
    userId: number;
    tokenHash: string;
    refreshHash: string | null;
    kind: 'web' | 'app';
    deviceName: string;
    userAgent: string;
    /** Salted key of the network the sign-in came from (`hasSignedInFrom`). */
    networkKey: string | null;
    now: Date;
    tokenExpiresAt: Date;
  },
): Promise<number> {
  const row = await db
    .insertInto('sessions')
    .values({
      user_id: s.userId,
      token_hash: s.tokenHash,
      refresh_hash: s.refreshHash,
      kind: s.kind,
      device_name: s.deviceName,
      user_agent: s.userAgent.slice(0, 512),
      ip_prefix_hash: s.networkKey,
      created_at: s.now,
      last_seen_at: s.now,
      expires_at: new Date(s.now.getTime() + SESSION_TIMEOUTS.absoluteMs),
      token_expires_at: s.tokenExpiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Whether the account signed in from this network (its salted key) within the longest session lifetime. */
export async function hasSignedInFrom(db: Db, userId: number, networkKey: string, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('sessions')
    .select('id')
    .where('user_id', '=', userId)
    .where('ip_prefix_hash', '=', networkKey)
    .where('created_at', '>', new Date(now.getTime() - SESSION_TIMEOUTS.absoluteMs))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The live session whose refresh token has this hash (app sessions), or null. */
export async function findLiveSessionByRefresh(db: Db, refreshHash: string, now: Date): Promise<SessionRecord | null> {
  const r = await db
    .selectFrom('sessions')
    .select(['id', 'user_id', 'kind', 'last_seen_at', 'token_expires_at'])
    .where('refresh_hash', '=', refreshHash)
    .where(isLive(now))
    .executeTakeFirst();
  return r ? { id: r.id, userId: r.user_id, kind: r.kind, lastSeenAt: r.last_seen_at, tokenExpiresAt: r.token_expires_at } : null;
}

/**
 * The live session behind a token hash with its (not deleted) account, in one query: this runs on every
 * request of a signed-in reader.
 */
export async function findLiveSessionWithUser(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<{ session: SessionRecord; user: User } | null> {
  const r = await db
    .selectFrom('sessions')
    .innerJoin('users', (join) => join.onRef('users.id', '=', 'sessions.user_id').on('users.deleted_at', 'is', null))
    .select(['sessions.id as session_id', 'sessions.kind', 'sessions.last_seen_at', 'sessions.token_expires_at', ...USER_COLUMNS])
    .where('sessions.token_hash', '=', tokenHash)
    .where(isLive(now))
    .executeTakeFirst();
  if (!r) return null;
  const session = { id: r.session_id, userId: r.id, kind: r.kind, lastSeenAt: r.last_seen_at, tokenExpiresAt: r.token_expires_at };
  return { session, user: toUser(r) };
}

export async function touchSession(db: Db, id: number, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

/**
 * Replaces the app session's tokens (refresh rotation) if the refresh token is still the current one, and
 * retires the old refresh token: the old pair stops working at once, a retired token presented again is
 * recognised as reused (`findRetiredRefreshToken`), and of two refreshes with one token only one wins.
 */
export async function rotateSessionTokens(
  tx: Tx,
  s: { id: number; oldRefreshHash: string; tokenHash: string; refreshHash: string; tokenExpiresAt: Date; now: Date },
): Promise<boolean> {
  const result = await tx
    .updateTable('sessions')
    .set({ token_hash: s.tokenHash, refresh_hash: s.refreshHash, token_expires_at: s.tokenExpiresAt, last_seen_at: s.now })
    .where('id', '=', s.id)
    .where('refresh_hash', '=', s.oldRefreshHash)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await tx.insertInto('retired_refresh_tokens').values({ refresh_hash: s.oldRefreshHash, session_id: s.id, retired_at: s.now }).execute();
  return true;
}

/** The session (and its owner) a refresh token belonged to before it was exchanged, or null if it never was. */
export async function findRetiredRefreshToken(db: Db, refreshHash: string): Promise<{ sessionId: number; userId: number } | null> {
  const row = await db
    .selectFrom('retired_refresh_tokens')
    .innerJoin('sessions', 'sessions.id', 'retired_refresh_tokens.session_id')
    .select(['sessions.id', 'sessions.user_id'])
    .where('retired_refresh_tokens.refresh_hash', '=', refreshHash)
    .executeTakeFirst();
  return row ? { sessionId: row.id, userId: row.user_id } : null;
}

export async function countLiveSessions(db: Db, userId: number, now: Date): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where(isLive(now))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** The user's live sessions, most recently used first; `currentId` marks the device asking. */
export async function listDevices(db: Db, userId: number, now: Date, currentId: number | null): Promise<Device[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'user_id', 'kind', 'device_name', 'created_at', 'last_seen_at'])
    .where('user_id', '=', userId)
    .where(isLive(now))
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    name: r.device_name,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    current: r.id === currentId,
  }));
}

/** The account a live session (a signed-in device) belongs to, or null when there is no such live session. */
export async function findLiveSessionOwner(db: Db, sessionId: number, now: Date): Promise<{ userId: number } | null> {
  const row = await db.selectFrom('sessions').select('user_id').where('id', '=', sessionId).where(isLive(now)).executeTakeFirst();
  return row ? { userId: row.user_id } : null;
}

/** Every session the user ever had, live or not, oldest first (for the reader's data export). */
export async function listSessionHistory(db: Db, userId: number) {
  return db
    .selectFrom('sessions')
    .select(['kind', 'device_name', 'user_agent', 'created_at', 'last_seen_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

/** Revokes one of the user's sessions; returns false when it was not theirs or not live. */
export async function revokeSession(db: Db, userId: number, sessionId: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Revokes every session of the user except `keepId` (null: all). Returns how many. */
export async function revokeAllSessions(db: Db, userId: number, now: Date, keepId: number | null = null): Promise<number> {
  let query = db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (keepId !== null) query = query.where('id', '<>', keepId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Forgets which devices (and networks) a (deleted) user signed in from; the rows stay, revoked, for the audit trail. */
export async function eraseSessionDevices(db: Db, userId: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ user_agent: '', device_name: 'deleted', ip_prefix_hash: null })
    .where('user_id', '=', userId)
    .execute();
}

/**
 * Forgets exchanged refresh tokens of sessions that have ended (signed out or expired): such a token can
 * no longer be used, so its reuse no longer needs noticing. Returns how many went.
 */
export async function deleteSpentRefreshTokens(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('retired_refresh_tokens')
    .where('session_id', 'in', (eb) =>
      eb
        .selectFrom('sessions')
        .select('id')
        .where((s) => s.or([s('revoked_at', 'is not', null), s('expires_at', '<', now)])),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
