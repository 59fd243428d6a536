import { fail, ok, type Result } from '../errors.js';
import type { AuthKit, Origin } from './auth-kit.js';
import { markChallengeUsed } from './challenge-queries.js';
import type { ChallengeAnswer, ChallengeFailure } from './challenges.js';
import type { User } from './model.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { revokeAllSessions } from './session-queries.js';
import { findUserByEmail, findUserById, markEmailVerified, setPasswordHash } from './user-queries.js';

/** A forgotten password (reset by emailed code or link) and a signed-in reader's change of password. */
export function passwordFlows(kit: AuthKit) {
  const { deps, throttle, challenges, minutes, link, send } = kit;
  return {
    async requestPasswordReset(input: { email: string; binding: string; origin: Origin }): Promise<void> {
      const user = await findUserByEmail(deps.db, input.email);
      await throttle.countEmail(await kit.requester(input.email, user, input.origin, true));
      // The same work either way (see requestSignInCode): without an account the code is never sent.
      const { code, linkToken } = await challenges.issue('reset-password', input.email, user, input.binding);
      if (!user) return send(input.email, 'no-account', { url: `${deps.publicUrl}/register` });
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
      const email = 'email' in input.answer ? input.answer.email : null;
      const asking = await kit.requester(email, email === null ? null : await findUserByEmail(deps.db, email), input.origin);
      await throttle.assertMayTryCode(asking);
      const result = await deps.db.transaction().execute(async (tx): Promise<Result<User, ChallengeFailure | 'weak-password'>> => {
        const verified = await challenges.verify(tx, input.answer, ['reset-password'], input.binding);
        if (!verified.ok) return verified;
        const user = await findUserByEmail(tx, verified.value.email);
        if (!user) return fail('expired-code', 'That account no longer exists.');
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
        await throttle.codeFailed(asking);
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
      if (full?.passwordHash) {
        if (!input.current) return fail('invalid-credentials', 'Enter your current password.');
        if (!(await verifyPassword(full.passwordHash, input.current)))
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
