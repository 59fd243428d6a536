import type { Counters } from '../ports/counters.js';
import type { Db, Tx } from '../ports/database.js';
import type { Mailer } from '../ports/mailer.js';
import type { Copy } from '../copy/copy.js';
import { accountEmail } from './emails.js';
import {
  countFailedAttempt,
  insertChallenge,
  lockChallengeByLink,
  lockLatestChallenge,
  markChallengeUsed,
  type Challenge,
  type ChallengePurpose,
} from './challenge-queries.js';
import { AccountError, CHALLENGE_RULES, type User } from './model.js';
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { hashCode, hashToken, newCode, newToken } from './secrets.js';
import { startSession, type DeviceInfo, type SignInResult } from './session-service.js';
import { revokeAllSessions, revokeSession } from './session-queries.js';
import { authThrottle } from './throttle.js';
import { findUserByEmail, findUserById, insertUser, markEmailVerified, setPasswordHash } from './user-queries.js';

export interface AuthDeps {
  db: Db;
  mailer: Mailer;
  copy: Copy;
  counters: Counters;
  codeKey: Buffer;
  now: () => Date;
  publicUrl: string;
  publication: string;
  deviceLimit: number;
}

/** Where a request came from, for rate limits: a salted network key, never the raw address. */
export interface Origin {
  networkKey: string;
}

/** How a one-time challenge is answered: the emailed code (with the address) or the emailed link. */
export type ChallengeAnswer = { email: string; code: string } | { linkToken: string };

const REQUESTS_PER_ADDRESS = 5;
const REQUESTS_PER_NETWORK = 30;
const WINDOW_SECONDS = 15 * 60;

/**
 * Sign-up, sign-in (password, emailed code or link), password reset. Every request that names an address
 * answers the same whether or not an account exists (ASVS 6.3.8); what differs is only the email sent.
 */
export function createAuthService(deps: AuthDeps) {
  const throttle = authThrottle(deps.counters);
  const { copy, publication } = deps;

  async function limitRequests(email: string, origin: Origin) {
    await throttle.hit([`addr:${email}`], REQUESTS_PER_ADDRESS, WINDOW_SECONDS);
    await throttle.hit([`net:${origin.networkKey}`], REQUESTS_PER_NETWORK, WINDOW_SECONDS);
  }

  /** Creates a challenge and returns the code and link token to email. */
  async function challenge(
    purpose: ChallengePurpose,
    email: string,
    user: User | null,
    binding: string,
    payload?: Record<string, unknown>,
  ) {
    const code = newCode();
    const linkToken = newToken();
    await insertChallenge(deps.db, {
      purpose,
      email,
      userId: user?.id ?? null,
      codeHash: hashCode(code, deps.codeKey),
      linkHash: hashToken(linkToken),
      bindingHash: hashToken(binding),
      payload,
      now: deps.now(),
    });
    return { code, linkToken };
  }

  const minutes = CHALLENGE_RULES.ttlMs / 60_000;
  const link = (path: string, token: string) => `${deps.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  const send = (to: string, kind: Parameters<typeof accountEmail>[2], values: Parameters<typeof accountEmail>[3]) =>
    deps.mailer.send({ to, ...accountEmail(copy, publication, kind, values) });

  /**
   * Verifies an answer to a challenge inside a transaction. Failed tries are counted (and committed);
   * five wrong codes end the challenge. Returns the challenge, used up, or a failure code.
   */
  async function consume(
    tx: Tx,
    answer: ChallengeAnswer,
    purposes: ChallengePurpose[],
    binding: string,
  ): Promise<Challenge | AccountError> {
    const now = deps.now();
    let found: Challenge | null = null;
    if ('linkToken' in answer) {
      found = await lockChallengeByLink(tx, hashToken(answer.linkToken));
      if (found && !purposes.includes(found.purpose)) found = null;
    } else {
      for (const purpose of purposes) {
        const candidate = await lockLatestChallenge(tx, answer.email, purpose);
        if (candidate && (!found || candidate.id > found.id)) found = candidate;
      }
    }
    if (!found) return new AccountError('invalid-code', 'That code is not right. Check the latest email we sent, or ask for a new code.');
    if (found.usedAt || found.expiresAt <= now || found.attempts >= CHALLENGE_RULES.maxAttempts) {
      return new AccountError('expired-code', 'That code or link has expired or was already used. Ask for a new one.');
    }
    if (found.bindingHash !== hashToken(binding)) {
      return new AccountError('wrong-browser', 'Open the link, or type the code, in the same browser or app where you asked for it.');
    }
    if ('code' in answer && found.codeHash !== hashCode(answer.code, deps.codeKey)) {
      await countFailedAttempt(tx, found.id);
      return new AccountError('invalid-code', 'That code is not right. Check the latest email we sent, or ask for a new code.');
    }
    await markChallengeUsed(tx, found.id, now);
    return found;
  }

  return {
    /** Step 1 of sign-up: the account is created only when the address is proven (no pre-registration takeover). */
    async requestSignUp(input: { email: string; name: string; password: string | null; binding: string; origin: Origin }): Promise<void> {
      if (input.password !== null) {
        const problem = passwordProblem(input.password, input.email);
        if (problem) throw new AccountError('weak-password', problem);
      }
      await limitRequests(input.email, input.origin);
      // Hash before looking the address up, so the answer takes as long whether or not an account exists.
      const passwordHash = input.password === null ? null : await hashPassword(input.password);
      const existing = await findUserByEmail(deps.db, input.email);
      if (existing) {
        const { code, linkToken } = await challenge('sign-in', input.email, existing, input.binding);
        await send(input.email, 'existing', { code, url: link('/login/link', linkToken), minutes });
        return;
      }
      const { code, linkToken } = await challenge('sign-up', input.email, null, input.binding, { name: input.name, passwordHash });
      await send(input.email, 'sign-up', { code, url: link('/login/link', linkToken), minutes, name: input.name || input.email });
    },

    /** Emails a one-time code and link to sign in (or says there is no account, to the address only). */
    async requestSignInCode(input: { email: string; binding: string; origin: Origin }): Promise<void> {
      await limitRequests(input.email, input.origin);
      const user = await findUserByEmail(deps.db, input.email);
      if (!user) return send(input.email, 'no-account', { url: `${deps.publicUrl}/register` });
      const { code, linkToken } = await challenge('sign-in', input.email, user, input.binding);
      await send(input.email, 'sign-in', { code, url: link('/login/link', linkToken), minutes });
    },

    /** Completes sign-up or sign-in with the emailed code or link. */
    async completeSignIn(input: { answer: ChallengeAnswer; binding: string; device: DeviceInfo; origin: Origin }): Promise<SignInResult> {
      await throttle.assertNotBlocked([`net:${input.origin.networkKey}`]);
      const result = await deps.db.transaction().execute(async (tx) => {
        const found = await consume(tx, input.answer, ['sign-up', 'sign-in'], input.binding);
        if (found instanceof AccountError) return found;
        const now = deps.now();
        let user = await findUserByEmail(tx, found.email);
        if (!user && found.purpose === 'sign-up') {
          const payload = (found.payload ?? {}) as { name?: string; passwordHash?: string | null };
          await insertUser(tx, {
            email: found.email,
            name: payload.name ?? '',
            passwordHash: payload.passwordHash ?? null,
            role: 'reader',
            verifiedAt: now,
          });
          user = await findUserByEmail(tx, found.email);
        }
        if (!user) return new AccountError('expired-code', 'That account no longer exists.');
        await markEmailVerified(tx, user.id, now);
        return startSession(tx, { ...user, emailVerifiedAt: user.emailVerifiedAt ?? now }, input.device, now, deps.deviceLimit);
      });
      if (result instanceof AccountError) {
        await throttle.failed([`net:${input.origin.networkKey}`]);
        throw result;
      }
      return result;
    },

    /** Password sign-in. The same answer and the same time for an unknown address and a wrong password. */
    async signInWithPassword(input: { email: string; password: string; device: DeviceInfo; origin: Origin }): Promise<SignInResult> {
      const keys = [`acct:${input.email}`, `net:${input.origin.networkKey}`];
      await throttle.assertNotBlocked(keys);
      const user = await findUserByEmail(deps.db, input.email);
      const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
      if (!user || !ok) {
        await throttle.failed(keys);
        throw new AccountError(
          'invalid-credentials',
          'That email and password do not match an account. Try again, or sign in with an emailed code.',
        );
      }
      await throttle.succeeded([`acct:${input.email}`]);
      return deps.db.transaction().execute((tx) => startSession(tx, user, input.device, deps.now(), deps.deviceLimit));
    },

    /** At the device limit: signs out the chosen device and signs this one in. */
    async replaceDevice(input: { choiceToken: string; deviceId: number; device: DeviceInfo }): Promise<SignInResult> {
      const result = await deps.db.transaction().execute(async (tx) => {
        const found = await consume(tx, { linkToken: input.choiceToken }, ['device-choice'], input.choiceToken);
        if (found instanceof AccountError || found.userId === null)
          return new AccountError('expired-code', 'That choice has expired. Sign in again.');
        const now = deps.now();
        const user = await findUserById(tx, found.userId);
        if (!user) return new AccountError('expired-code', 'That account no longer exists.');
        if (!(await revokeSession(tx, user.id, input.deviceId, now)))
          return new AccountError('not-found', 'That device is not signed in to your account.');
        return startSession(tx, user, input.device, now, deps.deviceLimit);
      });
      if (result instanceof AccountError) throw result;
      return result;
    },

    async requestPasswordReset(input: { email: string; binding: string; origin: Origin }): Promise<void> {
      await limitRequests(input.email, input.origin);
      const user = await findUserByEmail(deps.db, input.email);
      if (!user) return send(input.email, 'no-account', { url: `${deps.publicUrl}/register` });
      const { code, linkToken } = await challenge('reset-password', input.email, user, input.binding);
      await send(input.email, 'reset', { code, url: link('/reset/confirm', linkToken), minutes });
    },

    /** Sets a new password from an emailed code or link, and signs out every device. */
    async resetPassword(input: { answer: ChallengeAnswer; binding: string; password: string; origin: Origin }): Promise<User> {
      const weak = passwordProblem(input.password);
      if (weak) throw new AccountError('weak-password', weak);
      await throttle.assertNotBlocked([`net:${input.origin.networkKey}`]);
      const result = await deps.db.transaction().execute(async (tx) => {
        const found = await consume(tx, input.answer, ['reset-password'], input.binding);
        if (found instanceof AccountError) return found;
        const user = await findUserByEmail(tx, found.email);
        if (!user) return new AccountError('expired-code', 'That account no longer exists.');
        // Thrown, not returned: the transaction rolls back and the emailed code stays usable.
        const problem = passwordProblem(input.password, user.email);
        if (problem) throw new AccountError('weak-password', problem);
        await setPasswordHash(tx, user.id, await hashPassword(input.password));
        await markEmailVerified(tx, user.id, deps.now());
        await revokeAllSessions(tx, user.id, deps.now());
        return user;
      });
      if (result instanceof AccountError) {
        if (result.code !== 'weak-password') await throttle.failed([`net:${input.origin.networkKey}`]);
        throw result;
      }
      await send(result.email, 'password-changed', { url: `${deps.publicUrl}/reset` });
      return result;
    },

    /** Changes the password of a signed-in reader (current one required) and signs out their other devices. */
    async changePassword(input: { userId: number; current: string | null; next: string; keepSessionId: number }): Promise<void> {
      const user = await findUserById(deps.db, input.userId);
      if (!user) throw new AccountError('not-found', 'No such account.');
      const full = await findUserByEmail(deps.db, user.email);
      if (full?.passwordHash && !(input.current && (await verifyPassword(full.passwordHash, input.current)))) {
        throw new AccountError('invalid-credentials', 'Your current password is not right.');
      }
      const problem = passwordProblem(input.next, user.email);
      if (problem) throw new AccountError('weak-password', problem);
      await setPasswordHash(deps.db, user.id, await hashPassword(input.next));
      await revokeAllSessions(deps.db, user.id, deps.now(), input.keepSessionId);
      await send(user.email, 'password-changed', { url: `${deps.publicUrl}/reset` });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
