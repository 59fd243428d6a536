import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short signatures for the addresses newsletters carry (unsubscribe, preferences, confirmation, counting): an HMAC
 * of the text under the site key, bound to `context` so a signature made for one purpose is worth nothing for another.
 */
export function signer(context: string) {
  const sign = (key: Buffer, text: string) =>
    createHmac('sha256', key).update(context).update(text).digest().subarray(0, 18).toString('base64url');
  return {
    sign,
    /** Whether `token` is the signature of `text`, compared in constant time. */
    verify: (key: Buffer, text: string, token: string): boolean => {
      const expected = Buffer.from(sign(key, text));
      const given = Buffer.from(token);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
