import { describe, it, expect } from 'vitest';
import { clientKey, networkKey } from './network.js';

const salt = Buffer.alloc(32, 1);
const otherSalt = Buffer.alloc(32, 2);
const key = (ip: string) => networkKey(ip, salt, '2026-10');

describe('networkKey', () => {
  it('gives one key to addresses in the same IPv4 /24', () => {
    expect(key('203.0.113.7')).toBe(key('203.0.113.250'));
  });

  it('gives different keys to different /24 networks', () => {
    expect(key('203.0.113.7')).not.toBe(key('203.0.114.7'));
  });

  it('treats an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(key('::ffff:203.0.113.9')).toBe(key('203.0.113.7'));
  });

  it('groups IPv6 by /48', () => {
    expect(key('2001:db8:abcd:1::1')).toBe(key('2001:db8:abcd:ffff::2'));
    expect(key('2001:db8:abcd::1')).not.toBe(key('2001:db8:abce::1'));
  });

  it('changes with the salt and with the period', () => {
    expect(networkKey('203.0.113.7', otherSalt, '2026-10')).not.toBe(key('203.0.113.7'));
    expect(networkKey('203.0.113.7', salt, '2026-11')).not.toBe(key('203.0.113.7'));
  });

  it('maps every invalid address to one fixed unknown-network key', () => {
    expect(key('not an ip')).toBe(key(''));
    expect(key('999.1.1.1')).toBe(key('x'.repeat(10_000)));
    expect(key('not an ip')).not.toBe(key('203.0.113.7'));
  });

  it('reads an address of up to 100 characters; longer input is not an address, even when it parses', () => {
    const linkLocal = (zoneLength: number) => `fe80::1%${'a'.repeat(zoneLength)}`;
    expect(linkLocal(92)).toHaveLength(100);
    expect(key(linkLocal(92))).toBe(key('fe80::2'));
    expect(key(linkLocal(93))).toBe(key('not an ip'));
  });

  it('gives a request without an address (a closed socket) the same unknown-network key', () => {
    expect(key(undefined as unknown as string)).toBe(key('not an ip'));
  });

  it('never contains the raw address or its prefix', () => {
    for (const ip of ['203.0.113.7', '2001:db8:abcd::1', '10.0.0.1']) {
      const k = key(ip);
      expect(k).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(k).not.toContain(ip);
      expect(k).not.toContain(ip.split(/[.:]/).slice(0, 3).join('.'));
    }
  });

  it('refuses a short salt', () => {
    expect(() => networkKey('203.0.113.7', Buffer.alloc(8), '2026-10')).toThrow(new RangeError('network salt must be at least 32 bytes'));
    expect(networkKey('203.0.113.7', Buffer.alloc(32), '2026-10')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('clientKey', () => {
  const client = (ip: string) => clientKey(ip, salt);

  it('tells apart two machines of one IPv4 /24, and two IPv6 /64s of one /48', () => {
    expect(client('203.0.113.7')).not.toBe(client('203.0.113.8'));
    expect(client('2001:db8:abcd:1::1')).not.toBe(client('2001:db8:abcd:2::1'));
  });

  it('takes an IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 address', () => {
    expect(client('2001:db8:abcd:1::1')).toBe(client('2001:db8:abcd:1:ffff::2'));
    expect(client('::ffff:203.0.113.7')).toBe(client('203.0.113.7'));
  });

  it('is never the network key of the same address, and never holds the address', () => {
    expect(client('203.0.113.7')).not.toBe(key('203.0.113.7'));
    expect(client('203.0.113.7')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(clientKey('203.0.113.7', otherSalt)).not.toBe(client('203.0.113.7'));
  });
});
