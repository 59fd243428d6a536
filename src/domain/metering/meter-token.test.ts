import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHmac, randomBytes } from 'node:crypto';
import { decodeMeterToken, encodeMeterToken, MAX_METER_TOKEN_IDS } from './meter-token.js';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const meter = { period: '2026-10', read: [1, 42, 123456, Number.MAX_SAFE_INTEGER] };
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.';

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

  it('refuses to encode ids that are not positive safe integers', () => {
    expect(() => encodeMeterToken({ period: '2026-10', read: [0] }, key)).toThrow(RangeError);
    expect(() => encodeMeterToken({ period: '2026-10', read: [1.5] }, key)).toThrow(RangeError);
  });

  it.each([
    ['duplicate ids', 'v1.2026-10.a-a'],
    ['a leading zero', 'v1.2026-10.0a'],
    ['a zero id', 'v1.2026-10.0'],
    ['an unsafe integer', 'v1.2026-10.zzzzzzzzzzz'],
    ['a bad month', 'v1.2026-13.a'],
    ['too many ids', `v1.2026-10.${Array.from({ length: MAX_METER_TOKEN_IDS + 1 }, (_, i) => (i + 1).toString(36)).join('-')}`],
    ['another version', 'v2.2026-10.a'],
  ])('gives null for a correctly signed payload with %s', (_name, payload) => {
    // Signs exactly as the documented format does, so only decode's own validation can refuse it.
    const sig = createHmac('sha256', key).update('masthead/meter-token\n').update(payload).digest().subarray(0, 16);
    expect(decodeMeterToken(`${payload}.${sig.toString('base64url')}`, key)).toBeNull();
  });

  it('stays under 300 bytes for 10 reads of realistic ids', () => {
    const read = Array.from({ length: 10 }, (_, i) => 2_000_000 + i * 7919);
    expect(Buffer.byteLength(encodeMeterToken({ period: '2026-10', read }, key))).toBeLessThan(300);
  });

  it('refuses to encode more ids than a token holds, and short keys', () => {
    const read = Array.from({ length: MAX_METER_TOKEN_IDS + 1 }, (_, i) => i + 1);
    expect(() => encodeMeterToken({ period: '2026-10', read }, key)).toThrow(RangeError);
    expect(() => encodeMeterToken(meter, randomBytes(16))).toThrow(RangeError);
  });
});
