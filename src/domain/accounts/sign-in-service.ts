import { fail, ok, type Result } from '../errors.js';
import type { AuthKit, Origin } from './auth-kit.js';
import { findChallengeByLink, markChallengeUsed } from './challenge-queries.js';
import type { ChallengeAnswer, ChallengeFailure } from './challenges.js';
import { deviceLimitOf } from './device-allowance.js';
import type { Device } from './model.js';
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { hashToken } from './secrets.js';
import { startSession, type DeviceInfo, type SignInResult } from './session-service.js';
import { listDevices, revokeSession } from './session-queries.js';
import { findUserByEmail, findUserById, insertUser, markEmailVerified } from './user-queries.js';

const GONE = 'That account no longer exists.';
const CHOICE_EXPIRED = 'That choice has expired. Sign in again.';

/**
 * Signing up and in: by password, by emailed code or link, and the device-limit choice. A session is
 * written last, in the transaction that proves the identity, once nothing else can refuse the sign-in.
 */
export function signInFlows(kit: AuthKit) {
  const { deps, throttle, challenges, minutes, link, send } = kit;
  /** The device as the session records it: where it signs in from, too. */
  const from = (device: DeviceInfo, origin: Origin): DeviceInfo => ({ ...device, networkKey: origin.networkKey });

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
      const existing = await findUserByEmail(deps.db, input.email);
      await throttle.countEmail(await kit.requester(input.email, existing, input.origin, true));
      // Hashed whether or not an account exists, so the answer takes as long either way.
      const passwordHash = input.password === null ? null : await hashPassword(input.password);
      if (existing) {
        const { code, linkToken } = await challenges.issue('sign-in', input.email, existing, input.binding);
        await send(input.email, 'existing', { code, url: link('/login/link', linkToken), minutes });
        return ok(undefined);
      }
      const { code, linkToken } = await challenges.issue('sign-up', input.email, null, input.binding, { name: input.name, passwordHash });
      await send(input.email, 'sign-up', { code, url: link('/login/link', linkToken), minutes, name: input.name || input.email });
      return ok(undefined);
    },

    /** Emails a one-time code and link to sign in (or says there is no account, to the address only). */
    async requestSignInCode(input: { email: string; binding: string; origin: Origin }): Promise<void> {
      const user = await findUserByEmail(deps.db, input.email);
      await throttle.countEmail(await kit.requester(input.email, user, input.origin, true));
      // The same work whether or not the address has an account (a challenge, a queued email), so the time
      // the answer takes tells nothing. Without an account the code is never sent, so it cannot be used.
      const { code, linkToken } = await challenges.issue('sign-in', input.email, user, input.binding);
      if (!user) return send(input.email, 'no-account', { url: `${deps.publicUrl}/register` });
      await send(input.email, 'sign-in', { code, url: link('/login/link', linkToken), minutes });
    },

    /** Completes sign-up or sign-in with the emailed code or link. */
    async completeSignIn(input: {
      answer: ChallengeAnswer;
      binding: string;
      device: DeviceInfo;
      origin: Origin;
    }): Promise<Result<SignInResult, ChallengeFailure>> {
      const email = 'email' in input.answer ? input.answer.email : null;
      const asking = await kit.requester(email, email === null ? null : await findUserByEmail(deps.db, email), input.origin);
      await throttle.assertMayTryCode(asking);
      // A refusal is returned, not thrown, so the transaction commits the counted failed try.
      const result = await deps.db.transaction().execute(async (tx): Promise<Result<SignInResult, ChallengeFailure>> => {
        const verified = await challenges.verify(tx, input.answer, ['sign-up', 'sign-in'], input.binding);
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
        const verifiedUser = { ...user, emailVerifiedAt: user.emailVerifiedAt ?? now };
        return ok(await startSession(tx, verifiedUser, from(input.device, input.origin), now, deps));
      });
      if (!result.ok) {
        await throttle.codeFailed(asking);
        return result;
      }
      return ok(kit.withKnownDevice(result.value, input.origin));
    },

    /** Password sign-in. The same answer and the same time for an unknown address and a wrong password. */
    async signInWithPassword(input: {
      email: string;
      password: string;
      device: DeviceInfo;
      origin: Origin;
    }): Promise<Result<SignInResult, 'invalid-credentials'>> {
      const user = await findUserByEmail(deps.db, input.email);
      const asking = await kit.requester(input.email, user, input.origin);
      await throttle.assertMayTryPassword(asking);
      const matches = user?.passwordHash
        ? await verifyPassword(user.passwordHash, input.password)
        : await verifyAgainstDummy(input.password);
      if (!user || !matches) {
        await throttle.passwordFailed(asking);
        return fail('invalid-credentials', 'That email and password do not match an account. Try again, or sign in with an emailed code.');
      }
      await throttle.passwordSucceeded(asking);
      const device = from(input.device, input.origin);
      const result = await deps.db.transaction().execute((tx) => startSession(tx, user, device, deps.now(), deps));
      return ok(kit.withKnownDevice(result, input.origin));
    },

    /**
     * At the device limit: signs out the chosen device and signs this one in. A device that is not one of
     * the account's live devices refuses the choice without using it up, so the reader can choose again.
     */
    async replaceDevice(input: {
      choiceToken: string;
      deviceId: number;
      device: DeviceInfo;
      origin: Origin;
    }): Promise<Result<SignInResult, 'expired-code' | 'not-found'>> {
      const result = await deps.db.transaction().execute(async (tx): Promise<Result<SignInResult, 'expired-code' | 'not-found'>> => {
        const found = await challenges.verify(tx, { linkToken: input.choiceToken }, ['device-choice'], input.choiceToken);
        if (!found.ok || found.value.userId === null) return fail('expired-code', CHOICE_EXPIRED);
        const now = deps.now();
        const user = await findUserById(tx, found.value.userId);
        if (!user) return fail('expired-code', GONE);
        if (!(await revokeSession(tx, user.id, input.deviceId, now)))
          return fail('not-found', 'That device is not signed in to your account.');
        await markChallengeUsed(tx, found.value.id, now);
        return ok(await startSession(tx, user, from(input.device, input.origin), now, deps));
      });
      return result.ok ? ok(kit.withKnownDevice(result.value, input.origin)) : result;
    },

    /** The devices to choose from for a device-limit choice still open, or null when it expired or was used. */
    async deviceChoice(choiceToken: string): Promise<{ devices: Device[]; limit: number } | null> {
      const found = await findChallengeByLink(deps.db, hashToken(choiceToken));
      const now = deps.now();
      if (found?.purpose !== 'device-choice' || found.userId === null || found.usedAt || found.expiresAt <= now) return null;
      const user = await findUserById(deps.db, found.userId);
      if (!user) return null;
      return { devices: await listDevices(deps.db, user.id, now, null), limit: await deviceLimitOf(deps.db, user, now, deps) };
    },
  };
}
