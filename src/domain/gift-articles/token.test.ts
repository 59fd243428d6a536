import { describe, expect, it } from 'vitest';
import { giftExpiry, giftLinkId, giftToken, giftTokenHash, newGiftSalt, readGiftToken } from './token.js';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const NOW = new Date('2026-11-24T06:00:00Z');
const END = giftExpiry(new Date('2026-12-01T06:00:00.750Z'));

describe('gift link tokens', () => {
  const salt = newGiftSalt();
  const token = giftToken(KEY, { articleId: 42, salt, expiresAt: END });

  it('opens the article it was made for until it ends, naming the stored hash of its id', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(readGiftToken(token, KEY, 42, NOW)).toEqual({ status: 'valid', hash: giftTokenHash(giftLinkId(KEY, salt)), expiresAt: END });
    expect(END.getMilliseconds()).toBe(0);
  });

  it('is the same token each time for the same link, and another for another salt', () => {
    expect(giftToken(KEY, { articleId: 42, salt, expiresAt: END })).toBe(token);
    expect(giftToken(KEY, { articleId: 42, salt: newGiftSalt(), expiresAt: END })).not.toBe(token);
  });

  it('has ended at its end and after it', () => {
    expect(readGiftToken(token, KEY, 42, END)).toEqual({ status: 'expired' });
    expect(readGiftToken(token, KEY, 42, new Date(END.getTime() - 1)).status).toBe('valid');
  });

  it('refuses it on another article, under another key, edited anywhere, or as anything but a string', () => {
    expect(readGiftToken(token, KEY, 43, NOW)).toEqual({ status: 'invalid' });
    expect(readGiftToken(token, OTHER_KEY, 42, NOW)).toEqual({ status: 'invalid' });
    const [id = '', expires = '', sig = ''] = token.split('.');
    const later = (parseInt(expires, 36) + 86_400).toString(36);
    expect(readGiftToken(`${id}.${later}.${sig}`, KEY, 42, NOW)).toEqual({ status: 'invalid' });
    const flipped = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    expect(readGiftToken(`${flipped(id)}.${expires}.${sig}`, KEY, 42, NOW)).toEqual({ status: 'invalid' });
    expect(readGiftToken(`${id}.${expires}.${flipped(sig)}`, KEY, 42, NOW)).toEqual({ status: 'invalid' });
    for (const odd of [undefined, null, 42, ['a'], '', 'x', `${token}x`, `${token}.`, token.replace(/\./g, '-'), 'a'.repeat(10_000)])
      expect(readGiftToken(odd, KEY, 42, NOW), String(odd).slice(0, 30)).toEqual({ status: 'invalid' });
  });

  it('needs a key of 32 bytes', () => {
    expect(() => giftLinkId(Buffer.alloc(16), salt)).toThrow(RangeError);
    expect(() => readGiftToken(token, Buffer.alloc(16), 42, NOW)).toThrow(RangeError);
  });
});
