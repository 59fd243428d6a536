import type { Selectable } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { AuthChallenges } from '../ports/schema.js';
import { CHALLENGE_RULES } from './model.js';

export type ChallengePurpose = Selectable<AuthChallenges>['purpose'];

/** A one-time code or link sent by email (or the device-limit choice), as stored: only hashes of the secrets. */
export interface Challenge {
  id: number;
  purpose: ChallengePurpose;
  email: string;
  userId: number | null;
  codeHash: string | null;
  bindingHash: string;
  attempts: number;
  expiresAt: Date;
  usedAt: Date | null;
  /** What the challenge carries to its completion (sign-up: the name and password hash). */
  payload: Record<string, unknown> | null;
}

const COLUMNS = ['id', 'purpose', 'email', 'user_id', 'code_hash', 'binding_hash', 'attempts', 'expires_at', 'used_at', 'payload'] as const;

function toChallenge(r: Pick<Selectable<AuthChallenges>, (typeof COLUMNS)[number]>): Challenge {
  return {
    id: r.id,
    purpose: r.purpose,
    email: r.email,
    userId: r.user_id,
    codeHash: r.code_hash,
    bindingHash: r.binding_hash,
    attempts: r.attempts,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
    // Only this module writes payloads, and always an object.
    payload: r.payload as Record<string, unknown> | null,
  };
}

export async function insertChallenge(
  db: Db,
  c: {
    purpose: ChallengePurpose;
    email: string;
    userId: number | null;
    codeHash: string | null;
    linkHash: string | null;
    bindingHash: string;
    payload?: Record<string, unknown> | undefined;
    now: Date;
  },
): Promise<number> {
  // A new challenge replaces the older open ones of the same purpose for the address *in the same browser*:
  // there only the latest email works. Challenges asked for elsewhere stay, so whoever asks for codes for
  // someone else's address cannot spoil the code the reader is about to type.
  await db
    .updateTable('auth_challenges')
    .set({ used_at: c.now })
    .where('email', '=', c.email)
    .where('purpose', '=', c.purpose)
    .where('binding_hash', '=', c.bindingHash)
    .where('used_at', 'is', null)
    .execute();
  const row = await db
    .insertInto('auth_challenges')
    .values({
      purpose: c.purpose,
      email: c.email,
      user_id: c.userId,
      code_hash: c.codeHash,
      link_hash: c.linkHash,
      binding_hash: c.bindingHash,
      payload: c.payload ? JSON.stringify(c.payload) : null,
      created_at: c.now,
      expires_at: new Date(c.now.getTime() + CHALLENGE_RULES.ttlMs),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The newest open challenge for an address and purpose asked for in this browser (binding), locked for the transaction. */
export async function lockLatestChallenge(
  tx: Tx,
  email: string,
  purpose: ChallengePurpose,
  bindingHash: string,
): Promise<Challenge | null> {
  const row = await tx
    .selectFrom('auth_challenges')
    .select(COLUMNS)
    .where('email', '=', email)
    .where('purpose', '=', purpose)
    .where('binding_hash', '=', bindingHash)
    .where('used_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  return row ? toChallenge(row) : null;
}

/** Whether the address has a challenge of these purposes open (unused, unexpired) in any browser. */
export async function hasOpenChallenge(db: Db, email: string, purposes: ChallengePurpose[], now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('auth_challenges')
    .select('id')
    .where('email', '=', email)
    .where('purpose', 'in', purposes)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The challenge an emailed link (or a device-limit choice) points at, locked for the transaction. */
export async function lockChallengeByLink(tx: Tx, linkHash: string): Promise<Challenge | null> {
  const row = await tx.selectFrom('auth_challenges').select(COLUMNS).where('link_hash', '=', linkHash).forUpdate().executeTakeFirst();
  return row ? toChallenge(row) : null;
}

/** The challenge an emailed link (or a device-limit choice) points at, without locking it (to show a choice again). */
export async function findChallengeByLink(db: Db, linkHash: string): Promise<Challenge | null> {
  const row = await db.selectFrom('auth_challenges').select(COLUMNS).where('link_hash', '=', linkHash).executeTakeFirst();
  return row ? toChallenge(row) : null;
}

export async function countFailedAttempt(db: Db, id: number): Promise<void> {
  await db
    .updateTable('auth_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** Uses a challenge up; false when it already was. */
export async function markChallengeUsed(db: Db, id: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('auth_challenges')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Erases every challenge of an account or its address (account deletion). */
export async function deleteChallengesOf(db: Db, userId: number, email: string): Promise<void> {
  await db
    .deleteFrom('auth_challenges')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('email', '=', email)]))
    .execute();
}
