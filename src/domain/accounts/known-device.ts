import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Known devices (OWASP's "device cookies"). A browser that signs in to an account is given a long-lived
 * token naming that account, signed with a server key: `d1.<account id>.<day issued>.<nonce>.<mac>`.
 * The limits an attacker elsewhere could run up for an address do not apply to a device carrying a valid
 * token for that account, so nobody can lock a reader out of the devices they read on; the device's own
 * failures are still limited (`throttle.ts`). The token grants nothing else: it is not a session.
 */

/** How long a known device is remembered (the most a browser keeps a cookie, RFC 6265bis). */
export const KNOWN_DEVICE_DAYS = 400;

const DAY_MS = 24 * 3600 * 1000;
const FORMAT = /^d1\.([1-9]\d{0,9})\.(\d{1,6})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export interface KnownDevice {
  /** The account the device signed in to. */
  userId: number;
  /** Stable id of the device (its nonce), for the device's own limits. */
  id: string;
}

const mac = (key: Buffer, body: string) => createHmac('sha256', key).update(`masthead/known-device\n${body}`).digest('base64url');

/** A new known-device token for a browser that has just signed in to `userId`. */
export function issueKnownDevice(key: Buffer, userId: number, now: Date): string {
  const body = `${userId}.${Math.floor(now.getTime() / DAY_MS)}.${randomBytes(16).toString('base64url')}`;
  return `d1.${body}.${mac(key, body)}`;
}

/** The device a token names, when its signature holds and it is not older than KNOWN_DEVICE_DAYS; else null. */
export function verifyKnownDevice(key: Buffer, token: string | null | undefined, now: Date): KnownDevice | null {
  const match = typeof token === 'string' ? FORMAT.exec(token) : null;
  if (!match) return null;
  const [, user, day, nonce, signature] = match as unknown as [string, string, string, string, string];
  const expected = Buffer.from(mac(key, `${user}.${day}.${nonce}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const age = Math.floor(now.getTime() / DAY_MS) - Number(day);
  if (age < 0 || age > KNOWN_DEVICE_DAYS) return null;
  return { userId: Number(user), id: nonce };
}
