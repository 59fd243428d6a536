import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The anonymous reader's cookie: `r1.<id>.<sig>`, where `id` is 16 random bytes the server chose
 * (base64url) and `sig` the first 16 bytes of HMAC-SHA256 over `r1.<id>` (base64url). It names the reader's
 * meter on the server and carries nothing else, so editing it can only break it, and replaying an older
 * one names the same meter. Every character is a cookie-octet.
 */
const VERSION = 'r1';
/** Domain separation: a key shared with another signed value can never make a valid reader id. */
const CONTEXT = 'masthead/reader-id\n';
const PATTERN = /^r1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;
/** Shortest accepted HMAC key, in bytes. */
export const MIN_READER_KEY_BYTES = 32;

function assertKey(key: Buffer): void {
  if (key.length < MIN_READER_KEY_BYTES) throw new RangeError(`reader id key must be at least ${MIN_READER_KEY_BYTES} bytes`);
}

function sign(id: string, key: Buffer): string {
  return createHmac('sha256', key).update(CONTEXT).update(`${VERSION}.${id}`).digest().subarray(0, 16).toString('base64url');
}

/** A new reader id and the cookie value that carries it. */
export function issueReaderId(key: Buffer): { id: string; cookie: string } {
  assertKey(key);
  const id = randomBytes(16).toString('base64url');
  return { id, cookie: `${VERSION}.${id}.${sign(id, key)}` };
}

/**
 * What a reader cookie says: `none` when there is none, `valid` with the id when the server signed it,
 * `invalid` for anything else (edited, truncated, another key or version). Never throws on any value.
 */
export function readReaderId(
  value: string | undefined,
  key: Buffer,
): { status: 'none' } | { status: 'valid'; id: string } | { status: 'invalid' } {
  assertKey(key);
  if (value === undefined || value === '') return { status: 'none' };
  // Anchored and of fixed length: a long value fails at once, without a regular expression walking it.
  const match = PATTERN.exec(value);
  if (!match) return { status: 'invalid' };
  const [, id, sig] = match as unknown as [string, string, string];
  // Compare the base64url text, not decoded bytes: lenient decoding would accept several spellings of one sig.
  return timingSafeEqual(Buffer.from(sign(id, key)), Buffer.from(sig)) ? { status: 'valid', id } : { status: 'invalid' };
}
