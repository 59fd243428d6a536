import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHmac, randomBytes } from 'node:crypto';
import { decodeMeterToken, encodeMeterToken, MAX_METER_TOKEN_IDS, MAX_METER_TOKEN_LENGTH } from './meter-token.js';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const meter = { period: '2026-10', read: [1, 42, 123456, Number.MAX_SAFE_INTEGER] };
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.';

/** Signs exactly as the documented format does, independently of the module, so only decode's own validation can refuse it. */
function signed(payload: string): string {
  const sig = createHmac('sha256', key).update('masthead/meter-token\n').update(payload).digest().subarray(0, 16);
  return `${payload}.${sig.toString('base64url')}`;
}

describe('meter token', () => {
  it('round-trips a meter, including an empty one', () => {
    expect(decodeMeterToken(encodeMeterToken(meter, key), key)).toEqual(meter);
    const empty = { period: '2026-01', read: [] };
    expect(decodeMeterToken(encodeMeterToken(empty, key), key)).toEqual(empty);
  });

  it('uses cookie-safe characters only', () => {
    expect(encodeMeterToken(meter, key)).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('gives null when any single character is changed', () => {
    const token = encodeMeterToken(meter, key);
    for (let i = 0; i < token.length; i++) {
      for (const c of ALPHABET) {
        if (c === token[i]) continue;
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        expect(decodeMeterToken(tampered, key), tampered).toBeNull();
      }
    }
  });

  it('gives null for a token signed with another key', () => {
    expect(decodeMeterToken(encodeMeterToken(meter, otherKey), key)).toBeNull();
  });

  it('gives null for a removed id or a truncated token', () => {
    const token = encodeMeterToken({ period: '2026-10', read: [1, 2] }, key);
    const [v, period, ids, sig] = token.split('.');
    expect(decodeMeterToken([v, period, ids!.split('-')[0], sig].join('.'), key)).toBeNull();
    expect(decodeMeterToken(token.slice(0, -1), key)).toBeNull();
  });

  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['dots', '...'],
    ['other version', 'v2.2026-10.1.AAAAAAAAAAAAAAAAAAAAAA'],
    ['very long', 'v1.2026-10.' + '1-'.repeat(100_000) + '.AAAAAAAAAAAAAAAAAAAAAA'],
    ['binary', '\u0000\uffff\ud800.\u0001'],
  ])('gives null for %s input', (_name, value) => {
    expect(decodeMeterToken(value, key)).toBeNull();
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2100 }), (value) => decodeMeterToken(value, key) === null));
  });

  it('refuses to encode ids that are not positive safe integers, naming the id', () => {
    expect(() => encodeMeterToken({ period: '2026-10', read: [0] }, key)).toThrow(new RangeError('not an article id: 0'));
    expect(() => encodeMeterToken({ period: '2026-10', read: [1.5] }, key)).toThrow(new RangeError('not an article id: 1.5'));
  });

  it('refuses to encode a malformed period, naming it', () => {
    expect(() => encodeMeterToken({ period: '2026-13', read: [1] }, key)).toThrow(new RangeError('not a meter period: 2026-13'));
    expect(() => encodeMeterToken({ period: '2026-1', read: [] }, key)).toThrow(RangeError);
  });

  it('holds a full meter of exactly MAX_METER_TOKEN_IDS ids', () => {
    const full = { period: '2026-10', read: Array.from({ length: MAX_METER_TOKEN_IDS }, (_, i) => i + 1) };
    expect(decodeMeterToken(encodeMeterToken(full, key), key)).toEqual(full);
  });

  it('reads a token signed in the documented format, so cookies set before a deploy still count', () => {
    expect(decodeMeterToken(signed('v1.2026-10.a-2s'), key)).toEqual({ period: '2026-10', read: [10, 100] });
    expect(decodeMeterToken(signed('v1.2026-11.'), key)).toEqual({ period: '2026-11', read: [] });
    expect(encodeMeterToken({ period: '2026-10', read: [10, 100] }, key)).toBe(signed('v1.2026-10.a-2s'));
  });

  it('reads a correctly signed token of exactly MAX_METER_TOKEN_LENGTH characters, and refuses one character more', () => {
    // 34 characters of version, period, dots and signature around the ids.
    const ids = (nineChar: number, tenChar: number) => [
      ...Array.from({ length: nineChar }, (_, i) => 36 ** 8 + i),
      ...Array.from({ length: tenChar }, (_, i) => 36 ** 9 + i),
    ];
    const longest = encodeMeterToken({ period: '2026-10', read: ids(185, 15) }, key);
    expect(longest).toHaveLength(MAX_METER_TOKEN_LENGTH);
    expect(decodeMeterToken(longest, key)?.read).toHaveLength(200);
    const tooLong = encodeMeterToken({ period: '2026-10', read: ids(184, 16) }, key);
    expect(tooLong).toHaveLength(MAX_METER_TOKEN_LENGTH + 1);
    expect(decodeMeterToken(tooLong, key)).toBeNull();
  });

  it.each([
    ['duplicate ids', 'v1.2026-10.a-a'],
    ['a leading zero', 'v1.2026-10.0a'],
    ['a zero id', 'v1.2026-10.0'],
    ['an unsafe integer', 'v1.2026-10.zzzzzzzzzzz'],
    ['a bad month', 'v1.2026-13.a'],
    ['too many ids', `v1.2026-10.${Array.from({ length: MAX_METER_TOKEN_IDS + 1 }, (_, i) => (i + 1).toString(36)).join('-')}`],
    ['another version', 'v2.2026-10.a'],
    ['an extra dot-separated part', 'v1.2026-10.a.b'],
    ['a period with a trailing digit', 'v1.2026-100.a'],
    ['a period with a prefix', 'v1.x2026-10.a'],
    ['an id with a capital (a second spelling of the same number)', 'v1.2026-10.aZ'],
  ])('gives null for a correctly signed payload with %s', (_name, payload) => {
    expect(decodeMeterToken(signed(payload), key)).toBeNull();
  });

  it('stays under 300 bytes for 10 reads of realistic ids', () => {
    const read = Array.from({ length: 10 }, (_, i) => 2_000_000 + i * 7919);
    expect(Buffer.byteLength(encodeMeterToken({ period: '2026-10', read }, key))).toBeLessThan(300);
  });

  it('refuses to encode more ids than a token holds, and short keys, saying what the limit is', () => {
    const read = Array.from({ length: MAX_METER_TOKEN_IDS + 1 }, (_, i) => i + 1);
    expect(() => encodeMeterToken({ period: '2026-10', read }, key)).toThrow(new RangeError('meter holds more than 200 ids'));
    expect(() => encodeMeterToken(meter, randomBytes(16))).toThrow(new RangeError('meter token key must be at least 32 bytes'));
    expect(() => decodeMeterToken('', randomBytes(31))).toThrow(RangeError);
  });
});
