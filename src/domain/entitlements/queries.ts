import type { Db } from '../ports/database.js';

/** The entitlements a user holds at `now`: granted, started, not ended, not revoked. */
/** The entitlements a reader's grants give now, each once (a query to run, or to nest in a larger one). */
export function activeEntitlementsQuery(db: Db, userId: number, now: Date) {
  return db
    .selectFrom('entitlement_grants')
    .select('entitlement')
    .distinct()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('starts_at', '<=', now)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]));
}

export async function activeEntitlements(db: Db, userId: number, now: Date): Promise<Set<string>> {
  const rows = await activeEntitlementsQuery(db, userId, now).execute();
  return new Set(rows.map((r) => r.entitlement));
}

export interface EntitlementGrant {
  id: number;
  entitlement: string;
  source: string;
  startsAt: Date;
  endsAt: Date | null;
}

export async function listGrants(db: Db, userId: number, now: Date): Promise<EntitlementGrant[]> {
  const rows = await db
    .selectFrom('entitlement_grants')
    .select(['id', 'entitlement', 'source', 'starts_at', 'ends_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .orderBy('entitlement')
    .execute();
  return rows.map((r) => ({ id: r.id, entitlement: r.entitlement, source: r.source, startsAt: r.starts_at, endsAt: r.ends_at }));
}

/** The entitlements one source grants at `now` (not revoked, not ended), each with its end. */
export async function liveGrantsOfSource(db: Db, source: string, now: Date): Promise<{ entitlement: string; endsAt: Date | null }[]> {
  return db
    .selectFrom('entitlement_grants')
    .select(['entitlement', 'ends_at as endsAt'])
    .where('source', '=', source)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .execute();
}

/** Grants entitlements from one source (a subscription, a complimentary grant); used by billing and admin. */
export async function grantEntitlements(
  db: Db,
  g: { userId: number; entitlements: readonly string[]; source: string; startsAt: Date; endsAt: Date | null },
): Promise<void> {
  if (g.entitlements.length === 0) return;
  await db
    .insertInto('entitlement_grants')
    .values(
      g.entitlements.map((entitlement) => ({ user_id: g.userId, entitlement, source: g.source, starts_at: g.startsAt, ends_at: g.endsAt })),
    )
    .execute();
}

/** Ends every grant from a source at `at` (cancellation, expiry, refund). */
export async function revokeEntitlements(db: Db, source: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('entitlement_grants')
    .set({ revoked_at: at })
    .where('source', '=', source)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Ends every grant a user holds, whatever its source, at `at` (account deletion). */
export async function revokeUserEntitlements(db: Db, userId: number, at: Date): Promise<number> {
  const result = await db
    .updateTable('entitlement_grants')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
