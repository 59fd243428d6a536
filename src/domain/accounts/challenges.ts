import type { Db, Tx } from '../ports/database.js';
import { fail, ok, type Result } from '../errors.js';
import {
  countFailedAttempt,
  hasOpenChallenge,
  insertChallenge,
  lockChallengeByLink,
  lockLatestChallenge,
  type Challenge,
  type ChallengePurpose,
} from './challenge-queries.js';
import { CHALLENGE_RULES, type User } from './model.js';
import { hashCode, hashToken, newCode, newToken } from './secrets.js';

/** How a one-time challenge is answered: the emailed code (with the address) or the emailed link. */
export type ChallengeAnswer = { email: string; code: string } | { linkToken: string };

/** Why an emailed code or link (or a device-limit choice) was not accepted. */
export type ChallengeFailure = 'invalid-code' | 'expired-code' | 'wrong-browser';

const WRONG_CODE = 'That code is not right. Check the latest email we sent, or ask for a new code.';

/**
 * One-time challenges (ASVS 6.5, 6.6): a 6-digit code and a link, emailed, single use, 10 minutes, five
 * tries, bound to the browser or app that asked (its binding nonce). Only hashes are stored.
 */
export function createChallenges(deps: { db: Db; codeKey: Buffer; now: () => Date }) {
  return {
    /** Creates a challenge and returns the code and link token to email. */
    async issue(purpose: ChallengePurpose, email: string, user: User | null, binding: string, payload?: Record<string, unknown>) {
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
    },

    /**
     * Verifies an answer inside a transaction, without using the challenge up: the caller marks it used
     * (`markChallengeUsed`) once everything else it does has succeeded, so a refusal later on (a device that
     * is not the reader's, a weak new password) leaves the emailed code or the choice usable. A code is
     * checked against the latest challenge asked for in this browser, so codes someone else asks for the
     * address neither replace it nor spend its tries. Failed tries are counted (and committed).
     */
    async verify(
      tx: Tx,
      answer: ChallengeAnswer,
      purposes: ChallengePurpose[],
      binding: string,
    ): Promise<Result<Challenge, ChallengeFailure>> {
      const now = deps.now();
      const bindingHash = hashToken(binding);
      let found: Challenge | null = null;
      if ('linkToken' in answer) {
        found = await lockChallengeByLink(tx, hashToken(answer.linkToken));
        if (found && !purposes.includes(found.purpose)) found = null;
      } else {
        for (const purpose of purposes) {
          const candidate = await lockLatestChallenge(tx, answer.email, purpose, bindingHash);
          if (candidate && (!found || candidate.id > found.id)) found = candidate;
        }
        // None asked for here, but one elsewhere: the code was typed in another browser than it was asked in.
        if (!found && (await hasOpenChallenge(tx, answer.email, purposes, now))) return wrongBrowser();
      }
      if (!found) return fail('invalid-code', WRONG_CODE);
      if (found.usedAt || found.expiresAt <= now || found.attempts >= CHALLENGE_RULES.maxAttempts) {
        return fail('expired-code', 'That code or link has expired or was already used. Ask for a new one.');
      }
      if (found.bindingHash !== bindingHash) return wrongBrowser();
      if ('code' in answer && found.codeHash !== hashCode(answer.code, deps.codeKey)) {
        await countFailedAttempt(tx, found.id);
        return fail('invalid-code', WRONG_CODE);
      }
      return ok(found);
    },
  };
}

const wrongBrowser = () => fail('wrong-browser', 'Open the link, or type the code, in the same browser or app where you asked for it.');
