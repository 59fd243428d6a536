import type { Counters } from '../ports/counters.js';
import { DomainError } from '../errors.js';

/**
 * Brute-force and abuse control for authentication (ASVS 6.1.1, 6.3.1). Two mechanisms, on keys for the
 * network and for the account:
 * - a rate limit on requests (sending codes, signing up): `limit` per `windowSeconds`;
 * - growing delays after failures: from the 5th failure in an hour, each further failure blocks the key
 *   for 1, 2, 4 … minutes (at most an hour). A success clears the account's failures. Blocks are
 *   temporary, so an attacker cannot lock a reader out for long, and one-time codes by email still work
 *   while password sign-in is blocked.
 */
export interface AuthThrottle {
  /** Throws DomainError('rate-limited') when any key is over its request limit; otherwise counts the request. */
  hit(keys: string[], limit: number, windowSeconds: number): Promise<void>;
  /** Throws DomainError('rate-limited') while any key is blocked after failures. */
  assertNotBlocked(keys: string[]): Promise<void>;
  failed(keys: string[]): Promise<void>;
  succeeded(keys: string[]): Promise<void>;
}

const FREE_FAILURES = 5;
const MAX_BLOCK_SECONDS = 3600;

export function authThrottle(counters: Counters): AuthThrottle {
  return {
    async hit(keys, limit, windowSeconds) {
      const counts = await Promise.all(keys.map((k) => counters.increment(`rl:${k}`, windowSeconds)));
      if (counts.some((n) => n > limit)) {
        throw new DomainError('rate-limited', 'Too many requests. Please wait a few minutes and try again.', windowSeconds);
      }
    },
    async assertNotBlocked(keys) {
      const blocks = await Promise.all(keys.map((k) => counters.get(`block:${k}`)));
      const seconds = Math.max(0, ...blocks);
      if (seconds > 0) {
        throw new DomainError(
          'rate-limited',
          `Too many failed attempts. Try again in ${Math.ceil(seconds / 60)} minute(s), or sign in with an emailed code.`,
          seconds,
        );
      }
    },
    async failed(keys) {
      for (const key of keys) {
        const failures = await counters.increment(`fail:${key}`, 3600);
        if (failures >= FREE_FAILURES) {
          const seconds = Math.min(60 * 2 ** (failures - FREE_FAILURES), MAX_BLOCK_SECONDS);
          await counters.delete(`block:${key}`);
          await counters.increment(`block:${key}`, seconds, seconds);
        }
      }
    },
    async succeeded(keys) {
      await Promise.all(keys.map((k) => counters.delete(`fail:${k}`)));
    },
  };
}
