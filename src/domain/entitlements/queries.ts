import type { Queryable } from '../../adapters/db/database.js';

/** The entitlements a user holds at `now`: granted, started, not ended, not revoked. */
export async function activeEntitlements(db: Queryable, userId: number, now: Date): Promise<Set<string>> {
  const { rows } = await db.query<{ entitlement: string }>(
    `select distinct entitlement from entitlement_grants
     where user_id = $1 and revoked_at is null and starts_at <= $2 and (ends_at is null or ends_at > $2)`,
    [userId, now],
  );
  return new Set(rows.map((r) => r.entitlement));
}

export interface EntitlementGrant {
  id: number;
  entitlement: string;
  source: string;
  startsAt: Date;
  endsAt: Date | null;
}

export async function listGrants(db: Queryable, userId: number, now: Date): Promise<EntitlementGrant[]> {
  const { rows } = await db.query<{ id: number; entitlement: string; source: string; starts_at: Date; ends_at: Date | null }>(
    `select id, entitlement, source, starts_at, ends_at from entitlement_grants
     where user_id = $1 and revoked_at is null and (ends_at is null or ends_at > $2) order by entitlement`,
    [userId, now],
  );
  return rows.map((r) => ({
    id: r.id,
    entitlement: r.entitlement,
    source: r.source,
    startsAt: new Date(r.starts_at),
    endsAt: r.ends_at ? new Date(r.ends_at) : null,
  }));
}

/** Grants entitlements from one source (a subscription, a complimentary grant); used by billing and admin. */
export async function grantEntitlements(
  db: Queryable,
  g: { userId: number; entitlements: readonly string[]; source: string; startsAt: Date; endsAt: Date | null },
): Promise<void> {
  for (const entitlement of g.entitlements) {
    await db.query('insert into entitlement_grants (user_id, entitlement, source, starts_at, ends_at) values ($1, $2, $3, $4, $5)', [
      g.userId,
      entitlement,
      g.source,
      g.startsAt,
      g.endsAt,
    ]);
  }
}

/** Ends every grant from a source at `at` (cancellation, expiry, refund). */
export async function revokeEntitlements(db: Queryable, source: string, at: Date): Promise<number> {
  const { rowCount } = await db.query('update entitlement_grants set revoked_at = $2 where source = $1 and revoked_at is null', [
    source,
    at,
  ]);
  return rowCount;
}
