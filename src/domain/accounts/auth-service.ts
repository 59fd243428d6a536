import type { Counters } from '../ports/counters.js';
import type { Db, Tx } from '../ports/database.js';
import type { Mailer } from '../ports/mailer.js';
import type { Copy } from '../copy/copy.js';
import { fail, ok, type Result } from '../errors.js';
import { accountEmail } from './emails.js';
import {
  countFailedAttempt,
  findChallengeByLink,
  insertChallenge,
  lockChallengeByLink,
  lockLatestChallenge,
  markChallengeUsed,
  type Challenge,
  type ChallengePurpose,
} from './challenge-queries.js';
import { CHALLENGE_RULES, type Device, type User } from './model.js';
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { hashCode, hashToken, newCode, newToken } from './secrets.js';
import { startSession, type DeviceInfo, type SignInResult } from './session-service.js';
import { listDevices, revokeAllSessions, revokeSession } from './session-queries.js';
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

/** Why an emailed code or link (or a device-limit choice) was not accepted. */
export type ChallengeFailure = 'invalid-code' | 'expired-code' | 'wrong-browser';

const WRONG_CODE = 'That code is not right. Check the latest email we sent, or ask for a new code.';
const GONE = 'That account no longer exists.';
const CHOICE_EXPIRED = 'That choice has expired. Sign in again.';

const REQUESTS_PER_ADDRESS = 5;
const REQUESTS_PER_NETWORK = 30;
const WINDOW_SECONDS = 15 * 60;

/**
 * Sign-up, sign-in (password, emailed code or link), password reset. Every request that names an address
 * answers the same whether or not an account exists (ASVS 6.3.8); what differs is only the email sent.
 *
 * A refused proof (wrong password, wrong or expired code) is an expected outcome, returned as a `Result`;
 * a rate limit throws `DomainError('rate-limited')` with the seconds to wait.
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
   * Verifies an answer to a challenge inside a transaction, without using it up: the caller marks it used
   * (`markChallengeUsed`) once everything else it does has succeeded, so a refusal later on (a device that
   * is not the reader's, a weak new password) leaves the emailed code or the choice usable. Failed tries
   * are counted (and committed); five wrong codes end the challenge.
   */
  async function verify(
    tx: Tx,
    answer: ChallengeAnswer,
    purposes: ChallengePurpose[],
    binding: string,
  ): Promise<Result<Challenge, ChallengeFailure>> {
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
    if (!found) return fail('invalid-code', WRONG_CODE);
    if (found.usedAt || found.expiresAt <= now || found.attempts >= CHALLENGE_RULES.maxAttempts) {
      return fail('expired-code', 'That code or link has expired or was already used. Ask for a new one.');
    }
    if (found.bindingHash !== hashToken(binding)) {
      return fail('wrong-browser', 'Open the link, or type the code, in the same browser or app where you asked for it.');
    }
    if ('code' in answer && found.codeHash !== hashCode(answer.code, deps.codeKey)) {
      await countFailedAttempt(tx, found.id);
      return fail('invalid-code', WRONG_CODE);
    }
    return ok(found);
  }

  return {
    /** Step 1 of sign-up: the account is created only when the address is proven (no pre-registration takeover). */
    async requestSignUp(input: {
      email: string;
      name: string;
      password: string | null;
      binding: string;
      origin: Origin;
    }): Promise<Result<void, 'weak-password'>> {
      if (input.password !== null) {
        const problem = passwordProblem(input.password, input.email);
        if (problem) return fail('weak-password', problem);
      }
      await limitRequests(input.email, input.origin);
      // Hash before looking the address up, so the answer takes as long whether or not an account exists.
      const passwordHash = input.password === null ? null : await hashPassword(input.password);
      const existing = await findUserByEmail(deps.db, input.email);
      if (existing) {
        const { code, linkToken } = await challenge('sign-in', input.email, existing, input.binding);
        await send(input.email, 'existing', { code, url: link('/login/link', linkToken), minutes });
        return ok(undefined);
      }
      const { code, linkToken } = await challenge('sign-up', input.email, null, input.binding, { name: input.name, passwordHash });
      await send(input.email, 'sign-up', { code, url: link('/login/link', linkToken), minutes, name: input.name || input.email });
      return ok(undefined);
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
    async completeSignIn(input: {
      answer: ChallengeAnswer;
      binding: string;
      device: DeviceInfo;
      origin: Origin;
    }): Promise<Result<SignInResult, ChallengeFailure>> {
      await throttle.assertNotBlocked([`net:${input.origin.networkKey}`]);
      // A refusal is returned, not thrown, so the transaction commits the counted failed try.
      const result = await deps.db.transaction().execute(async (tx): Promise<Result<SignInResult, ChallengeFailure>> => {
        const verified = await verify(tx, input.answer, ['sign-up', 'sign-in'], input.binding);
        if (!verified.ok) return verified;
        const found = verified.value;
        const now = deps.now();
        await markChallengeUsed(tx, found.id, now);
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
        if (!user) return fail('expired-code', GONE);
        await markEmailVerified(tx, user.id, now);
        return ok(await startSession(tx, { ...user, emailVerifiedAt: user.emailVerifiedAt ?? now }, input.device, now, deps.deviceLimit));
      });
      if (!result.ok) await throttle.failed([`net:${input.origin.networkKey}`]);
      return result;
    },

    /** Password sign-in. The same answer and the same time for an unknown address and a wrong password. */
    async signInWithPassword(input: {
      email: string;
      password: string;
      device: DeviceInfo;
      origin: Origin;
    }): Promise<Result<SignInResult, 'invalid-credentials'>> {
      const keys = [`acct:${input.email}`, `net:${input.origin.networkKey}`];
      await throttle.assertNotBlocked(keys);
      const user = await findUserByEmail(deps.db, input.email);
      const matches = user?.passwordHash
        ? await verifyPassword(user.passwordHash, input.password)
        : await verifyAgainstDummy(input.password);
      if (!user || !matches) {
        await throttle.failed(keys);
        return fail('invalid-credentials', 'That email and password do not match an account. Try again, or sign in with an emailed code.');
      }
      await throttle.succeeded([`acct:${input.email}`]);
      return ok(await deps.db.transaction().execute((tx) => startSession(tx, user, input.device, deps.now(), deps.deviceLimit)));
    },

    /**
     * At the device limit: signs out the chosen device and signs this one in. A device that is not one of
     * the account's live devices refuses the choice without using it up, so the reader can choose again.
     */
    async replaceDevice(input: {
      choiceToken: string;
      deviceId: number;
      device: DeviceInfo;
    }): Promise<Result<SignInResult, 'expired-code' | 'not-found'>> {
      return deps.db.transaction().execute(async (tx): Promise<Result<SignInResult, 'expired-code' | 'not-found'>> => {
        const found = await verify(tx, { linkToken: input.choiceToken }, ['device-choice'], input.choiceToken);
        if (!found.ok || found.value.userId === null) return fail('expired-code', CHOICE_EXPIRED);
        const now = deps.now();
        const user = await findUserById(tx, found.value.userId);
        if (!user) return fail('expired-code', GONE);
        if (!(await revokeSession(tx, user.id, input.deviceId, now)))
          return fail('not-found', 'That device is not signed in to your account.');
        await markChallengeUsed(tx, found.value.id, now);
        return ok(await startSession(tx, user, input.device, now, deps.deviceLimit));
      });
    },

    /** The devices to choose from for a device-limit choice still open, or null when it expired or was used. */
    async deviceChoice(choiceToken: string): Promise<{ devices: Device[]; limit: number } | null> {
      const found = await findChallengeByLink(deps.db, hashToken(choiceToken));
      const now = deps.now();
      if (found?.purpose !== 'device-choice' || found.userId === null || found.usedAt || found.expiresAt <= now) return null;
      const user = await findUserById(deps.db, found.userId);
      if (!user) return null;
      return { devices: await listDevices(deps.db, user.id, now, null), limit: user.deviceLimit ?? deps.deviceLimit };
    },

    async requestPasswordReset(input: { email: string; binding: string; origin: Origin }): Promise<void> {
      await limitRequests(input.email, input.origin);
      const user = await findUserByEmail(deps.db, input.email);
      if (!user) return send(input.email, 'no-account', { url: `${deps.publicUrl}/register` });
      const { code, linkToken } = await challenge('reset-password', input.email, user, input.binding);
      await send(input.email, 'reset', { code, url: link('/reset/confirm', linkToken), minutes });
    },

    /** Sets a new password from an emailed code or link, and signs out every device. */
    async resetPassword(input: {
      answer: ChallengeAnswer;
      binding: string;
      password: string;
      origin: Origin;
    }): Promise<Result<User, ChallengeFailure | 'weak-password'>> {
      const weak = passwordProblem(input.password);
      if (weak) return fail('weak-password', weak);
      await throttle.assertNotBlocked([`net:${input.origin.networkKey}`]);
      const result = await deps.db.transaction().execute(async (tx): Promise<Result<User, ChallengeFailure | 'weak-password'>> => {
        const verified = await verify(tx, input.answer, ['reset-password'], input.binding);
        if (!verified.ok) return verified;
        const user = await findUserByEmail(tx, verified.value.email);
        if (!user) return fail('expired-code', GONE);
        // Refused before the code is used up, so the reader can choose another password with the same code.
        const problem = passwordProblem(input.password, user.email);
        if (problem) return fail('weak-password', problem);
        await markChallengeUsed(tx, verified.value.id, deps.now());
        await setPasswordHash(tx, user.id, await hashPassword(input.password));
        await markEmailVerified(tx, user.id, deps.now());
        await revokeAllSessions(tx, user.id, deps.now());
        return ok(user);
      });
      if (!result.ok && result.code === 'weak-password') return result;
      if (!result.ok) {
        await throttle.failed([`net:${input.origin.networkKey}`]);
        return result;
      }
      await send(result.value.email, 'password-changed', { url: `${deps.publicUrl}/reset` });
      return result;
    },

    /** Changes the password of a signed-in reader (current one required) and signs out their other devices. */
    async changePassword(input: {
      userId: number;
      current: string | null;
      next: string;
      keepSessionId: number;
    }): Promise<Result<void, 'not-found' | 'invalid-credentials' | 'weak-password'>> {
      const user = await findUserById(deps.db, input.userId);
      if (!user) return fail('not-found', 'No such account.');
      const full = await findUserByEmail(deps.db, user.email);
      if (full?.passwordHash && !(input.current && (await verifyPassword(full.passwordHash, input.current)))) {
        return fail('invalid-credentials', 'Your current password is not right.');
      }
      const problem = passwordProblem(input.next, user.email);
      if (problem) return fail('weak-password', problem);
      await setPasswordHash(deps.db, user.id, await hashPassword(input.next));
      await revokeAllSessions(deps.db, user.id, deps.now(), input.keepSessionId);
      await send(user.email, 'password-changed', { url: `${deps.publicUrl}/reset` });
      return ok(undefined);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
