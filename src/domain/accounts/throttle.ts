import { createHash } from 'node:crypto';
import type { Counters } from '../ports/counters.js';
import { DomainError } from '../errors.js';

/**
 * Brute-force and abuse control for authentication (ASVS 6.1.1, 6.3.1), built so that it cannot be
 * turned against the reader it protects. A limit an attacker could run up by naming someone's address is
 * kept per address *and* network, so failures on the attacker's network block only that network; devices
 * the reader signed in on before (known devices, `known-device.ts`) have limits of their own; and asking
 * for an emailed code from a known device or from a network the account signed in from is never blocked
 * by anything done elsewhere. That is the way in an attacker cannot use up.
 *
 * The numbers (`AUTH_LIMITS`):
 * - Emails (codes and links, for sign-in, sign-up and reset): 5 per address and network per 15 minutes;
 *   5 per known device per 15 minutes; 30 per network per 15 minutes (any address); and, from networks the
 *   account never signed in from, 20 per address per hour (so a botnet cannot bury an inbox).
 * - Wrong passwords: 5 free per address and network in 24 hours, then growing delays of 1, 2, 4 … 60
 *   minutes, at most one guess an hour (about 34 guesses a day from one network); 30 free per network
 *   in an hour for all addresses together (credential stuffing), then the same delays; 10 free per known
 *   device in 24 hours, then the same delays. Across every network, an address takes at most 250 wrong
 *   passwords in 24 hours from devices it does not know: about eight networks at their fastest, so only a
 *   distributed attack reaches it, and then password sign-in waits for the day to pass, except on the
 *   reader's known devices; emailed codes still work.
 * - Wrong codes: each emailed code takes 5 tries; failures also count towards the network's (or known
 *   device's) failures above, so one network cannot spray guesses across many addresses.
 * A success clears the failures of its address and network (or of its known device).
 */
export const AUTH_LIMITS = {
  emails: {
    perAddressAndNetwork: { limit: 5, windowSeconds: 15 * 60 },
    perKnownDevice: { limit: 5, windowSeconds: 15 * 60 },
    perNetwork: { limit: 30, windowSeconds: 15 * 60 },
    perAddressFromUnknownNetworks: { limit: 20, windowSeconds: 3600 },
  },
  failures: {
    perAddressAndNetwork: { free: 5, windowSeconds: 24 * 3600 },
    perNetwork: { free: 30, windowSeconds: 3600 },
    perKnownDevice: { free: 10, windowSeconds: 24 * 3600 },
    perAddressFromUnknownDevices: { ceiling: 250, windowSeconds: 24 * 3600 },
  },
  /** Growing delays after the free failures: 1 minute, doubling, at most an hour. */
  delay: { firstSeconds: 60, maxSeconds: 3600 },
} as const;

export type AuthLimits = typeof AUTH_LIMITS;

/** Who is asking, as the limits see them. */
export interface Requester {
  /** The normalised address the request names; null for an emailed link, which names none. */
  address: string | null;
  /** The salted key of the request's network. */
  network: string;
  /** The id of a verified known device of the account, or null. */
  device: string | null;
  /** The account has signed in from this network before. */
  ownNetwork: boolean;
}

export interface AuthThrottle {
  /** Counts an email asked for; throws DomainError('rate-limited') when over a limit. */
  countEmail(requester: Requester): Promise<void>;
  /** Throws DomainError('rate-limited') while this requester may not try a password. */
  assertMayTryPassword(requester: Requester): Promise<void>;
  passwordFailed(requester: Requester): Promise<void>;
  passwordSucceeded(requester: Requester): Promise<void>;
  /** Throws DomainError('rate-limited') while this requester may not try an emailed code or link. */
  assertMayTryCode(requester: Requester): Promise<void>;
  codeFailed(requester: Requester): Promise<void>;
}

const TOO_MANY_REQUESTS = 'Too many requests. Please wait a few minutes and try again.';

/** Addresses appear in counter keys (in Redis too) only hashed. */
const addressKey = (address: string | null) =>
  address === null ? 'none' : createHash('sha256').update(address).digest('base64url').slice(0, 22);

export function authThrottle(counters: Counters, limits: AuthLimits = AUTH_LIMITS): AuthThrottle {
  const { emails, failures, delay } = limits;

  async function hit(key: string, limit: { limit: number; windowSeconds: number }) {
    if ((await counters.increment(`rl:${key}`, limit.windowSeconds)) > limit.limit) {
      throw new DomainError('rate-limited', TOO_MANY_REQUESTS, limit.windowSeconds);
    }
  }

  async function assertNotBlocked(keys: string[]) {
    const blocks = await Promise.all(keys.map((k) => counters.get(`block:${k}`)));
    const seconds = Math.max(0, ...blocks);
    if (seconds > 0) {
      throw new DomainError(
        'rate-limited',
        `Too many failed attempts. Try again in ${Math.ceil(seconds / 60)} minute(s), or sign in with an emailed code.`,
        seconds,
      );
    }
  }

  /** Counts a failure; from the free allowance on, each further failure blocks the key for a growing delay. */
  async function fail(key: string, policy: { free: number; windowSeconds: number }) {
    const count = await counters.increment(`fail:${key}`, policy.windowSeconds);
    if (count < policy.free) return;
    const seconds = Math.min(delay.firstSeconds * 2 ** (count - policy.free), delay.maxSeconds);
    await counters.delete(`block:${key}`);
    await counters.increment(`block:${key}`, seconds, seconds);
  }

  const clear = (keys: string[]) => Promise.all(keys.flatMap((k) => [counters.delete(`fail:${k}`), counters.delete(`block:${k}`)]));

  const keys = (r: Requester) => {
    const address = addressKey(r.address);
    return {
      addressAndNetwork: `an:${address}|${r.network}`,
      network: `net:${r.network}`,
      address: `addr:${address}`,
      device: r.device === null ? null : `dev:${r.device}`,
    };
  };

  return {
    async countEmail(r) {
      const k = keys(r);
      if (k.device) return hit(`mail:${k.device}`, emails.perKnownDevice);
      await hit(`mail:${k.addressAndNetwork}`, emails.perAddressAndNetwork);
      await hit(`mail:${k.network}`, emails.perNetwork);
      if (!r.ownNetwork) await hit(`mail:${k.address}`, emails.perAddressFromUnknownNetworks);
    },

    async assertMayTryPassword(r) {
      const k = keys(r);
      if (k.device) return assertNotBlocked([`pw:${k.device}`]);
      await assertNotBlocked([`pw:${k.addressAndNetwork}`, k.network]);
      const ceiling = failures.perAddressFromUnknownDevices;
      if ((await counters.get(`fail:pw:${k.address}`)) >= ceiling.ceiling) {
        throw new DomainError(
          'rate-limited',
          'Too many failed attempts for this account. Sign in with an emailed code, or on a device you have signed in on before.',
          ceiling.windowSeconds,
        );
      }
    },

    async passwordFailed(r) {
      const k = keys(r);
      if (k.device) return fail(`pw:${k.device}`, failures.perKnownDevice);
      await fail(`pw:${k.addressAndNetwork}`, failures.perAddressAndNetwork);
      await fail(k.network, failures.perNetwork);
      await counters.increment(`fail:pw:${k.address}`, failures.perAddressFromUnknownDevices.windowSeconds);
    },

    async passwordSucceeded(r) {
      const k = keys(r);
      await clear(k.device ? [`pw:${k.device}`] : [`pw:${k.addressAndNetwork}`]);
    },

    async assertMayTryCode(r) {
      const k = keys(r);
      await assertNotBlocked([k.device ? `code:${k.device}` : k.network]);
    },

    async codeFailed(r) {
      const k = keys(r);
      if (k.device) await fail(`code:${k.device}`, failures.perKnownDevice);
      else await fail(k.network, failures.perNetwork);
    },
  };
}
