import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MeterState } from './model.js';

/**
 * Signed cookie value carrying an anonymous reader's meter: `v1.<YYYY-MM>.<ids base36 joined by ->.<sig>`,
 * sig = base64url of the first 16 bytes of HMAC-SHA256 over everything before the last dot.
 * Every character is a cookie-octet, so the value needs no quoting or escaping.
 */
const VERSION = 'v1';
/** Domain separation: a key shared with another signed value can never make a valid meter token. */
const CONTEXT = 'masthead/meter-token\n';
const SIG_BYTES = 16;
const SIG_CHARS = 22; // base64url length of 16 bytes, unpadded
/** Longest value `decodeMeterToken` looks at; anything longer is rejected before any parsing. */
export const MAX_METER_TOKEN_LENGTH = 2048;
/** Most ids a token holds; the configured free limit (plus registration bonus) must not exceed it. */
export const MAX_METER_TOKEN_IDS = 200;
/** Shortest accepted HMAC key, in bytes. */
export const MIN_METER_KEY_BYTES = 32;

const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
const ID_PATTERN = /^[1-9a-z][0-9a-z]{0,10}$/; // no leading zero, so each id has exactly one spelling
const SIG_PATTERN = /^[A-Za-z0-9_-]{22}$/;

function assertKey(key: Buffer): void {
  if (key.length < MIN_METER_KEY_BYTES) throw new RangeError(`meter token key must be at least ${MIN_METER_KEY_BYTES} bytes`);
}

function sign(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(CONTEXT).update(payload).digest().subarray(0, SIG_BYTES).toString('base64url');
}

/**
 * Encodes and signs an anonymous reader's meter for a cookie.
 * Throws RangeError for a short key, a malformed period, an id that is not a positive safe integer,
 * or more than MAX_METER_TOKEN_IDS ids: all are programming or configuration errors, and silently
 * dropping ids would hand out free reads.
 */
export function encodeMeterToken(meter: MeterState, key: Buffer): string {
  assertKey(key);
  if (!PERIOD_PATTERN.test(meter.period)) throw new RangeError(`not a meter period: ${meter.period}`);
  if (meter.read.length > MAX_METER_TOKEN_IDS) throw new RangeError(`meter holds more than ${MAX_METER_TOKEN_IDS} ids`);
  const ids: string[] = [];
  for (const id of meter.read) {
    if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`not an article id: ${id}`);
    ids.push(id.toString(36));
  }
  const payload = `${VERSION}.${meter.period}.${ids.join('-')}`;
  return `${payload}.${sign(payload, key)}`;
}

/**
 * Verifies and decodes a meter token. Returns null for a missing, oversized, malformed, tampered,
 * foreign-key or other-version value; never throws on any `value` (throws only for a short key).
 * The caller treats null as "no meter yet": an empty meter for the current period.
 */
export function decodeMeterToken(value: string | undefined, key: Buffer): MeterState | null {
  assertKey(key);
  if (typeof value !== 'string' || value.length > MAX_METER_TOKEN_LENGTH) return null;
  const sigDot = value.lastIndexOf('.');
  if (sigDot < 0) return null;
  const payload = value.slice(0, sigDot);
  const sig = value.slice(sigDot + 1);
  if (!SIG_PATTERN.test(sig)) return null;
  // Compare the base64url text, not decoded bytes: lenient decoding would accept several spellings of one sig.
  // Stryker disable next-line StringLiteral: both texts are base64url (ASCII), so every encoding gives the same bytes
  const expected = Buffer.from(sign(payload, key), 'latin1');
  // Stryker disable next-line StringLiteral: SIG_PATTERN above admits ASCII only, so every encoding gives the same bytes
  const given = Buffer.from(sig, 'latin1');
  if (expected.length !== SIG_CHARS || !timingSafeEqual(expected, given)) return null;

  const parts = payload.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  const period = parts[1]!;
  if (!PERIOD_PATTERN.test(period)) return null;
  const idText = parts[2]!;
  if (idText === '') return { period, read: [] };
  const segments = idText.split('-');
  if (segments.length > MAX_METER_TOKEN_IDS) return null;
  const read: number[] = [];
  for (const segment of segments) {
    if (!ID_PATTERN.test(segment)) return null;
    const id = parseInt(segment, 36);
    if (!Number.isSafeInteger(id) || read.includes(id)) return null;
    read.push(id);
  }
  return { period, read };
}
