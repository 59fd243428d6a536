import type { Queryable } from '../../adapters/db/legacy.js';
import { CHALLENGE_RULES } from './model.js';

export type ChallengePurpose = 'sign-up' | 'sign-in' | 'reset-password' | 'device-choice';

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
  payload: Record<string, unknown> | null;
}

interface Row {
  id: number;
  purpose: ChallengePurpose;
  email: string;
  user_id: number | null;
  code_hash: string | null;
  binding_hash: string;
  attempts: number;
  expires_at: Date;
  used_at: Date | null;
  payload: Record<string, unknown> | null;
}

const COLUMNS = 'id, purpose, email, user_id, code_hash, binding_hash, attempts, expires_at, used_at, payload';

function toChallenge(r: Row): Challenge {
  return {
    id: r.id,
    purpose: r.purpose,
    email: r.email,
    userId: r.user_id,
    codeHash: r.code_hash,
    bindingHash: r.binding_hash,
    attempts: r.attempts,
    expiresAt: new Date(r.expires_at),
    usedAt: r.used_at ? new Date(r.used_at) : null,
    payload: r.payload,
  };
}

export async function insertChallenge(
  db: Queryable,
  c: {
    purpose: ChallengePurpose;
    email: string;
    userId: number | null;
    codeHash: string | null;
    linkHash: string | null;
    bindingHash: string;
    payload?: Record<string, unknown>;
    now: Date;
  },
): Promise<number> {
  // A new challenge replaces older open ones of the same purpose for the address: only the latest email works.
  await db.query('update auth_challenges set used_at = $3 where email = $1 and purpose = $2 and used_at is null', [
    c.email,
    c.purpose,
    c.now,
  ]);
  const { rows } = await db.query<{ id: number }>(
    `insert into auth_challenges (purpose, email, user_id, code_hash, link_hash, binding_hash, payload, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [
      c.purpose,
      c.email,
      c.userId,
      c.codeHash,
      c.linkHash,
      c.bindingHash,
      c.payload ? JSON.stringify(c.payload) : null,
      c.now,
      new Date(c.now.getTime() + CHALLENGE_RULES.ttlMs),
    ],
  );
  return rows[0]!.id;
}

/** The newest open challenge for an address and purpose, locked for the transaction. */
export async function lockLatestChallenge(db: Queryable, email: string, purpose: ChallengePurpose): Promise<Challenge | null> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from auth_challenges where email = $1 and purpose = $2 and used_at is null
     order by created_at desc, id desc limit 1 for update`,
    [email, purpose],
  );
  return rows[0] ? toChallenge(rows[0]) : null;
}

export async function lockChallengeByLink(db: Queryable, linkHash: string): Promise<Challenge | null> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from auth_challenges where link_hash = $1 for update`, [linkHash]);
  return rows[0] ? toChallenge(rows[0]) : null;
}

export async function lockChallengeById(db: Queryable, id: number): Promise<Challenge | null> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from auth_challenges where id = $1 for update`, [id]);
  return rows[0] ? toChallenge(rows[0]) : null;
}

export async function countFailedAttempt(db: Queryable, id: number): Promise<void> {
  await db.query('update auth_challenges set attempts = attempts + 1 where id = $1', [id]);
}

export async function markChallengeUsed(db: Queryable, id: number, now: Date): Promise<boolean> {
  const { rowCount } = await db.query('update auth_challenges set used_at = $2 where id = $1 and used_at is null', [id, now]);
  return rowCount > 0;
}
