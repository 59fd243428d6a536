import type { Queryable } from '../../adapters/db/legacy.js';
import { SESSION_TIMEOUTS, type Device, type User } from './model.js';
import { toUser, userColumns, type UserRow } from './users.js';

export interface SessionRecord {
  id: number;
  userId: number;
  kind: 'web' | 'app';
  lastSeenAt: Date;
  tokenExpiresAt: Date;
}

/** Live = not revoked, within its absolute lifetime, and used within the idle timeout. */
const live = (now: string, table = '') =>
  `${table}revoked_at is null and ${table}expires_at > ${now} and ${table}last_seen_at > ${now} - interval '${SESSION_TIMEOUTS.idleMs / 1000} seconds'`;

export async function insertSession(
  db: Queryable,
  s: {
    userId: number;
    tokenHash: string;
    refreshHash: string | null;
    kind: 'web' | 'app';
    deviceName: string;
    userAgent: string;
    now: Date;
    tokenExpiresAt: Date;
  },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `insert into sessions (user_id, token_hash, refresh_hash, kind, device_name, user_agent, created_at, last_seen_at, expires_at, token_expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) returning id`,
    [
      s.userId,
      s.tokenHash,
      s.refreshHash,
      s.kind,
      s.deviceName,
      s.userAgent.slice(0, 512),
      s.now,
      new Date(s.now.getTime() + SESSION_TIMEOUTS.absoluteMs),
      s.tokenExpiresAt,
    ],
  );
  return rows[0]!.id;
}

/** The live session whose refresh token has this hash (app sessions), or null. */
export async function findLiveSessionByRefresh(db: Queryable, refreshHash: string, now: Date): Promise<SessionRecord | null> {
  const { rows } = await db.query<{ id: number; user_id: number; kind: 'web' | 'app'; last_seen_at: Date; token_expires_at: Date }>(
    `select id, user_id, kind, last_seen_at, token_expires_at from sessions where refresh_hash = $1 and ${live('$2')}`,
    [refreshHash, now],
  );
  const r = rows[0];
  return r
    ? { id: r.id, userId: r.user_id, kind: r.kind, lastSeenAt: new Date(r.last_seen_at), tokenExpiresAt: new Date(r.token_expires_at) }
    : null;
}

/**
 * The live session behind a token hash with its (not deleted) account, in one query: this runs on every
 * request of a signed-in reader.
 */
export async function findLiveSessionWithUser(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<{ session: SessionRecord; user: User } | null> {
  const { rows } = await db.query<UserRow & { session_id: number; kind: 'web' | 'app'; last_seen_at: Date; token_expires_at: Date }>(
    `select s.id as session_id, s.kind, s.last_seen_at, s.token_expires_at, ${userColumns('u')}
     from sessions s join users u on u.id = s.user_id and u.deleted_at is null
     where s.token_hash = $1 and ${live('$2', 's.')}`,
    [tokenHash, now],
  );
  const r = rows[0];
  if (!r) return null;
  const session = {
    id: r.session_id,
    userId: r.id,
    kind: r.kind,
    lastSeenAt: new Date(r.last_seen_at),
    tokenExpiresAt: new Date(r.token_expires_at),
  };
  return { session, user: toUser(r) };
}

export async function touchSession(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query('update sessions set last_seen_at = $2 where id = $1', [id, now]);
}

/**
 * Replaces the app session's tokens (refresh rotation) if the refresh token is still the current one:
 * the old pair stops working at once, and of two concurrent refreshes with one token only one wins.
 */
export async function rotateSessionTokens(
  db: Queryable,
  s: { id: number; oldRefreshHash: string; tokenHash: string; refreshHash: string; tokenExpiresAt: Date; now: Date },
): Promise<boolean> {
  const { rowCount } = await db.query(
    'update sessions set token_hash = $3, refresh_hash = $4, token_expires_at = $5, last_seen_at = $6 where id = $1 and refresh_hash = $2',
    [s.id, s.oldRefreshHash, s.tokenHash, s.refreshHash, s.tokenExpiresAt, s.now],
  );
  return rowCount > 0;
}

export async function countLiveSessions(db: Queryable, userId: number, now: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from sessions where user_id = $1 and ${live('$2')}`, [
    userId,
    now,
  ]);
  return rows[0]?.n ?? 0;
}

export async function listDevices(db: Queryable, userId: number, now: Date, currentId: number | null): Promise<Device[]> {
  const { rows } = await db.query<{ id: number; kind: 'web' | 'app'; device_name: string; created_at: Date; last_seen_at: Date }>(
    `select id, kind, device_name, created_at, last_seen_at from sessions where user_id = $1 and ${live('$2')} order by last_seen_at desc`,
    [userId, now],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.device_name,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at),
    current: r.id === currentId,
  }));
}

/** Revokes one of the user's sessions; returns false when it was not theirs or not live. */
export async function revokeSession(db: Queryable, userId: number, sessionId: number, now: Date): Promise<boolean> {
  const { rowCount } = await db.query('update sessions set revoked_at = $3 where id = $1 and user_id = $2 and revoked_at is null', [
    sessionId,
    userId,
    now,
  ]);
  return rowCount > 0;
}

/** Revokes every session of the user except `keepId` (null: all). Returns how many. */
export async function revokeAllSessions(db: Queryable, userId: number, now: Date, keepId: number | null = null): Promise<number> {
  const { rowCount } = await db.query(
    'update sessions set revoked_at = $2 where user_id = $1 and revoked_at is null and ($3::int is null or id <> $3)',
    [userId, now, keepId],
  );
  return rowCount;
}
