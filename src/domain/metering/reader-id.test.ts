import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issueReaderId, readReaderId } from './reader-id.js';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);

describe('anonymous reader ids', () => {
  it('reads back the id the server issued', () => {
    const { id, cookie } = issueReaderId(key);
    expect(readReaderId(cookie, key)).toEqual({ status: 'valid', id });
    expect(cookie).toMatch(/^r1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
  });

  it('still accepts cookies issued before a restart or an upgrade, under the same key', () => {
    // Issued with key 0x07 × 32 for the id AAAA…: the format and the signing context are part of the contract.
    expect(readReaderId('r1.AAAAAAAAAAAAAAAAAAAAAA.-MJpe7VEj7s4MF4EAbUr0Q', key)).toEqual({
      status: 'valid',
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
    });
  });

  it('refuses a signed cookie with anything before or after it', () => {
    const { cookie } = issueReaderId(key);
    for (const padded of [`x${cookie}`, `${cookie}x`, ` ${cookie}`, `${cookie}.`]) expect(readReaderId(padded, key).status).toBe('invalid');
  });

  it('issues a different id each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => issueReaderId(key).id));
    expect(ids.size).toBe(1000);
  });

  it('says none for a missing cookie, so a reader without one starts a new meter', () => {
    expect(readReaderId(undefined, key)).toEqual({ status: 'none' });
    expect(readReaderId('', key)).toEqual({ status: 'none' });
  });

  it('refuses an id signed with another key', () => {
    expect(readReaderId(issueReaderId(otherKey).cookie, key)).toEqual({ status: 'invalid' });
  });

  it('refuses every single-character edit and every truncation', () => {
    const { cookie } = issueReaderId(key);
    for (let i = 0; i < cookie.length; i++) {
      const edited = cookie.slice(0, i) + (cookie[i] === 'A' ? 'B' : 'A') + cookie.slice(i + 1);
      expect(readReaderId(edited, key).status).toBe('invalid');
      if (i > 0) expect(readReaderId(cookie.slice(0, i), key).status).toBe('invalid');
    }
  });

  it('refuses another reader’s signature on this id (no mixing of parts)', () => {
    const a = issueReaderId(key).cookie.split('.');
    const b = issueReaderId(key).cookie.split('.');
    expect(readReaderId(`${a[0]}.${a[1]}.${b[2]}`, key).status).toBe('invalid');
  });

  it('never throws and never accepts arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (value) => {
        const read = readReaderId(value, key);
        expect(read.status === 'valid').toBe(false);
      }),
    );
  });

  it('refuses a key too short to be safe', () => {
    expect(() => issueReaderId(Buffer.alloc(16))).toThrow(RangeError);
  });
});
