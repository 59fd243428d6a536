import type { Database } from '../../adapters/db/legacy.js';
import { listGrants } from '../entitlements/queries.js';
import { listDevices, revokeAllSessions } from './sessions.js';
import { anonymiseUser, findUserById } from './users.js';

/** Everything stored about a reader, as they may download it (data portability). */
export async function exportAccountData(db: Database, userId: number, now: Date): Promise<Record<string, unknown> | null> {
  const user = await findUserById(db, userId);
  if (!user) return null;
  const { rows: meters } = await db.query<{ period: string; article_ids: number[] }>(
    'select period, article_ids from reader_meters where user_id = $1 order by period',
    [userId],
  );
  const { rows: sessions } = await db.query<{
    kind: string;
    device_name: string;
    user_agent: string;
    created_at: Date;
    last_seen_at: Date;
    revoked_at: Date | null;
  }>('select kind, device_name, user_agent, created_at, last_seen_at, revoked_at from sessions where user_id = $1 order by created_at', [
    userId,
  ]);
  return {
    exported_at: now.toISOString(),
    account: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      email_verified_at: user.emailVerifiedAt?.toISOString() ?? null,
      created_at: user.createdAt.toISOString(),
      has_password: user.hasPassword,
    },
    devices_signed_in: (await listDevices(db, userId, now, null)).map((d) => ({
      name: d.name,
      kind: d.kind,
      first_seen: d.createdAt.toISOString(),
      last_seen: d.lastSeenAt.toISOString(),
    })),
    sessions: sessions.map((s) => ({
      kind: s.kind,
      device: s.device_name,
      user_agent: s.user_agent,
      created_at: new Date(s.created_at).toISOString(),
      last_seen_at: new Date(s.last_seen_at).toISOString(),
      signed_out_at: s.revoked_at ? new Date(s.revoked_at).toISOString() : null,
    })),
    entitlements: (await listGrants(db, userId, now)).map((g) => ({
      entitlement: g.entitlement,
      source: g.source,
      starts_at: g.startsAt.toISOString(),
      ends_at: g.endsAt?.toISOString() ?? null,
    })),
    articles_read_by_month: meters.map((m) => ({ month: m.period, article_ids: m.article_ids })),
  };
}

/**
 * Deletes a reader's account: every device is signed out, reading history and pending codes are erased,
 * entitlements end, and the account row keeps no personal data (it stays only so that records which must
 * be kept by law, such as tax invoices, still point somewhere).
 */
export async function deleteAccount(db: Database, userId: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) return false;
    await revokeAllSessions(tx, userId, now);
    await tx.query('update sessions set user_agent = $2, device_name = $3 where user_id = $1', [userId, '', 'deleted']);
    await tx.query('delete from reader_meters where user_id = $1', [userId]);
    await tx.query('delete from auth_challenges where user_id = $1 or email = $2', [userId, user.email]);
    await tx.query('update entitlement_grants set revoked_at = $2 where user_id = $1 and revoked_at is null', [userId, now]);
    await anonymiseUser(tx, userId, now);
    return true;
  });
}
