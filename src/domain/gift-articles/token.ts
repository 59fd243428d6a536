import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A gift link's token: `<id>.<expires>.<sig>`, carried as `?gift=` on the one article it opens.
 * - `id`: 16 bytes derived with the gift key from a random salt stored with the link (base64url). The database
 *   keeps the salt and the SHA-256 of the id, never the id: neither the rows alone nor the key alone open anything,
 *   and the server can show the subscriber their link again.
 * - `expires`: the link's end, in whole seconds since 1970 (base 36).
 * - `sig`: the first 16 bytes of HMAC-SHA256 over the article's id, the id and `expires` (base64url).
 * A token edited, made up, expired or carried to another article fails here, before any database is asked.
 */
const VERSION = 'g1';
/** Domain separation: no other value signed with the same key can be read as either part. */
const ID_CONTEXT = 'masthead/gift-id\n';
const SIG_CONTEXT = 'masthead/gift-link\n';
const PATTERN = /^([A-Za-z0-9_-]{22})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;
/** Longest token accepted: longer input is refused before the pattern runs. */
export const GIFT_TOKEN_MAX_LENGTH = 60;
export const MIN_GIFT_KEY_BYTES = 32;

function assertKey(key: Buffer): void {
  if (key.length < MIN_GIFT_KEY_BYTES) throw new RangeError(`gift key must be at least ${MIN_GIFT_KEY_BYTES} bytes`);
}

const hmac16 = (key: Buffer, context: string, text: string) =>
  createHmac('sha256', key).update(context).update(text).digest().subarray(0, 16).toString('base64url');

/** A new salt for a link (stored with it). */
export const newGiftSalt = (): string => randomBytes(16).toString('base64url');

/** The link's id, derived from its salt with the gift key. */
export function giftLinkId(key: Buffer, salt: string): string {
  assertKey(key);
  return hmac16(key, ID_CONTEXT, salt);
}

/** What the database stores to find a link by its token: the SHA-256 of the id (base64url). */
export const giftTokenHash = (id: string): string => createHash('sha256').update(id).digest('base64url');

/** A link's end, whole seconds: what the token can carry. */
export const giftExpiry = (at: Date): Date => new Date(Math.floor(at.getTime() / 1000) * 1000);

function sign(key: Buffer, articleId: number, id: string, expires: string): string {
  return hmac16(key, SIG_CONTEXT, `${VERSION}.${articleId}.${id}.${expires}`);
}

/** The token of the link with this salt to `articleId`, ending at `expiresAt` (whole seconds; see `giftExpiry`). */
export function giftToken(key: Buffer, link: { articleId: number; salt: string; expiresAt: Date }): string {
  const id = giftLinkId(key, link.salt);
  const expires = Math.floor(link.expiresAt.getTime() / 1000).toString(36);
  return `${id}.${expires}.${sign(key, link.articleId, id, expires)}`;
}

export type GiftTokenRead = { status: 'valid'; hash: string; expiresAt: Date } | { status: 'invalid' } | { status: 'expired' };

/**
 * What a `?gift=` value says about `articleId` at `now`: `valid` with the hash to look the link up by, `expired`
 * for a real link whose end has passed, `invalid` for anything else (edited, made up, another article's, not a
 * string). Never throws on any value.
 */
export function readGiftToken(value: unknown, key: Buffer, articleId: number, now: Date): GiftTokenRead {
  assertKey(key);
  if (typeof value !== 'string' || value.length > GIFT_TOKEN_MAX_LENGTH) return { status: 'invalid' };
  const match = PATTERN.exec(value);
  if (!match) return { status: 'invalid' };
  const [, id, expires, sig] = match as unknown as [string, string, string, string];
  // The text, not decoded bytes: lenient decoding would accept several spellings of one signature.
  if (!timingSafeEqual(Buffer.from(sign(key, articleId, id, expires)), Buffer.from(sig))) return { status: 'invalid' };
  const expiresAt = new Date(parseInt(expires, 36) * 1000);
  if (!(expiresAt.getTime() > now.getTime())) return { status: 'expired' };
  return { status: 'valid', hash: giftTokenHash(id), expiresAt };
}
