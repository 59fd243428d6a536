import type { Db, Tx } from '../ports/database.js';
import { insertChallenge } from './challenge-queries.js';
import { deviceLimitOf, type DeviceLimits } from './device-allowance.js';
import { deviceName } from './device-name.js';
import { SESSION_TIMEOUTS, type Device, type User } from './model.js';
import { hashToken, newToken } from './secrets.js';
import {
  countLiveSessions,
  findLiveSessionByRefresh,
  findLiveSessionWithUser,
  findRetiredRefreshToken,
  insertSession,
  listDevices,
  revokeSession,
  rotateSessionTokens,
  touchSession,
} from './session-queries.js';
import { lockUser } from './user-queries.js';

/** The device a sign-in comes from. */
export interface DeviceInfo {
  kind: 'web' | 'app';
  userAgent: string;
  /** For apps: the app's own name, e.g. "Ledger for Android". */
  appName?: string | undefined;
  /** Salted key of the network it signs in from (recorded: the account's own networks). */
  networkKey?: string;
  /** The session this browser had until now: ended in the same transaction as the new one starts (ASVS 7.2.4). */
  replaces?: { userId: number; sessionId: number } | null;
}

export interface IssuedSession {
  id: number;
  /** Cookie value (web) or bearer access token (app). Shown once, stored only hashed. */
  token: string;
  /** Apps only: exchanges for a new token pair. */
  refreshToken: string | null;
  tokenExpiresAt: Date;
}

export type SignInResult =
  /** `knownDevice`: the token that marks this browser as a known device of the account (`known-device.ts`). */
  | { status: 'signed-in'; user: User; session: IssuedSession; knownDevice?: string }
  /** At the device limit: the reader picks a device to sign out, proving the choice with `choiceToken`. */
  | { status: 'device-limit'; user: User; choiceToken: string; devices: Device[]; limit: number };

/**
 * Starts a session for a user whose identity is proven, within their device limit (`deviceLimitOf`). The account
 * row is locked first, so concurrent sign-ins at the limit queue and cannot both take the last place.
 * Never locks the reader out: at the limit it returns their devices and a token to choose one to sign out.
 */
export async function startSession(tx: Tx, user: User, device: DeviceInfo, now: Date, limits: DeviceLimits): Promise<SignInResult> {
  await lockUser(tx, user.id);
  const limit = await deviceLimitOf(tx, user, now, limits);
  if ((await countLiveSessions(tx, user.id, now)) >= limit) {
    const choiceToken = newToken();
    await insertChallenge(tx, {
      purpose: 'device-choice',
      email: user.email,
      userId: user.id,
      codeHash: null,
      linkHash: hashToken(choiceToken),
      bindingHash: hashToken(choiceToken),
      now,
    });
    return { status: 'device-limit', user, choiceToken, devices: await listDevices(tx, user.id, now, null), limit };
  }
  if (device.replaces) await revokeSession(tx, device.replaces.userId, device.replaces.sessionId, now);
  const token = newToken();
  const refreshToken = device.kind === 'app' ? newToken() : null;
  const tokenExpiresAt = new Date(now.getTime() + (device.kind === 'app' ? SESSION_TIMEOUTS.appAccessMs : SESSION_TIMEOUTS.absoluteMs));
  const id = await insertSession(tx, {
    userId: user.id,
    tokenHash: hashToken(token),
    refreshHash: refreshToken ? hashToken(refreshToken) : null,
    kind: device.kind,
    deviceName: deviceName(device.userAgent, device.kind, device.appName),
    userAgent: device.userAgent,
    networkKey: device.networkKey ?? null,
    now,
    tokenExpiresAt,
  });
  return { status: 'signed-in', user, session: { id, token, refreshToken, tokenExpiresAt } };
}

export interface ResolvedSession {
  sessionId: number;
  kind: 'web' | 'app';
  user: User;
}

/**
 * The signed-in user behind a session token, or null (unknown, revoked, idle, expired, or an app access
 * token past its hour). Checked against the database on every request, so revocation is immediate.
 */
export async function resolveSession(db: Db, token: string, now: Date): Promise<ResolvedSession | null> {
  if (token.length < 20 || token.length > 100) return null;
  const found = await findLiveSessionWithUser(db, hashToken(token), now);
  if (!found || found.session.tokenExpiresAt <= now) return null;
  const { session, user } = found;
  if (now.getTime() - session.lastSeenAt.getTime() > SESSION_TIMEOUTS.touchEveryMs) await touchSession(db, session.id, now);
  return { sessionId: session.id, kind: session.kind, user };
}

/**
 * Exchanges an app's refresh token for a new token pair; the old pair stops working. A refresh token that
 * was already exchanged is a copy in someone else's hands (or a replay): the session it belongs to is
 * revoked at once, so the thief and the legitimate app both lose it and the reader signs in again
 * (token family reuse detection). Two concurrent refreshes with one token count as reuse too: an app
 * refreshes one request at a time.
 */
export async function refreshAppSession(db: Db, refreshToken: string, now: Date): Promise<IssuedSession | null> {
  if (refreshToken.length < 20 || refreshToken.length > 100) return null;
  const oldRefreshHash = hashToken(refreshToken);
  return db.transaction().execute(async (tx) => {
    const session = await findLiveSessionByRefresh(tx, oldRefreshHash, now);
    const token = newToken();
    const nextRefresh = newToken();
    const tokenExpiresAt = new Date(now.getTime() + SESSION_TIMEOUTS.appAccessMs);
    const rotated =
      session?.kind === 'app' &&
      (await rotateSessionTokens(tx, {
        id: session.id,
        oldRefreshHash,
        tokenHash: hashToken(token),
        refreshHash: hashToken(nextRefresh),
        tokenExpiresAt,
        now,
      }));
    if (rotated) return { id: session.id, token, refreshToken: nextRefresh, tokenExpiresAt };
    const reused = await findRetiredRefreshToken(tx, oldRefreshHash);
    if (reused) await revokeSession(tx, reused.userId, reused.sessionId, now);
    return null;
  });
}
