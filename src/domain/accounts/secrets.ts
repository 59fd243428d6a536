import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';

/** A 256-bit random token, URL-safe: session ids, link tokens, refresh tokens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored only as hashes, so a database leak does not hand out sessions. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A 6-digit one-time code from the CSPRNG (≈20 bits; rate limits and five tries guard it). */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Codes are short, so they are hashed with a server key: a leaked table cannot be brute-forced offline. */
export function hashCode(code: string, key: Buffer): string {
  return createHmac('sha256', key).update(code).digest('base64url');
}
