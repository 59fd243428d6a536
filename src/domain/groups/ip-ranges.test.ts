import { describe, expect, it } from 'vitest';
import { ipIndex, ipv4Number } from './ip-index.js';
import { parseIpRange, parseIpRanges, toCidrs, type IpRange } from './ip-ranges.js';

const range = (text: string): IpRange => {
  const read = parseIpRange(text);
  if (!read.ok) throw new Error(read.problem);
  return read.range;
};
const problem = (text: string) => {
  const read = parseIpRange(text);
  return read.ok ? null : read.problem;
};

describe('reading a range', () => {
  it('reads CIDR blocks, dash ranges and single addresses of both families, tidied', () => {
    expect(range(' 203.0.113.0/24 ')).toMatchObject({ family: 4, text: '203.0.113.0/24', first: 0xcb007100n, last: 0xcb0071ffn });
    expect(range('10.0.0.1-10.0.0.200')).toMatchObject({ text: '10.0.0.1-10.0.0.200', first: 0x0a000001n, last: 0x0a0000c8n });
    expect(range('10.0.0.1 - 10.0.0.200').text).toBe('10.0.0.1-10.0.0.200');
    expect(range('198.51.100.7')).toMatchObject({ text: '198.51.100.7', first: 0xc6336407n, last: 0xc6336407n });
    expect(range('2001:DB8:0:0::/48')).toMatchObject({ family: 6, text: '2001:db8::/48' });
    expect(range('2001:db8::1-2001:db8::ff')).toMatchObject({ family: 6, first: 0x20010db8000000000000000000000001n });
    expect(range('::ffff:10.0.0.1').text).toBe('10.0.0.1'); // mapped IPv6 is the IPv4 address
  });

  it('refuses what is not a range, with the reason', () => {
    for (const bad of [
      '',
      'iitb.ac.in',
      '10.0.0',
      '10.0.0.256',
      '10.1',
      '0x0a.0.0.1',
      '10.0.0.0/33',
      '10.0.0.0/24/8',
      '10.0.0.0/x',
      'fe80::1%eth0',
      '1-2-3',
    ])
      expect(problem(bad), bad).not.toBeNull();
    expect(problem('10.0.0.0/33')).toContain('at most /32');
    expect(problem('2001:db8::/129')).toContain('at most /128');
    expect(problem('10.0.0.5/24')).toContain('did you mean 10.0.0.0/24?');
    expect(problem('10.0.0.200-10.0.0.1')).toContain('starts after it ends');
    expect(problem('10.0.0.1-2001:db8::1')).toContain('mixes an IPv4 and an IPv6');
    expect(problem('x'.repeat(200))).toContain('is not an IP address');
  });

  it('never opens more than a /8 (IPv4) or a /32 (IPv6), and asks to confirm more than a /16 or a /48', () => {
    expect(problem('0.0.0.0/0')).toContain('larger than an IPv4 /8');
    expect(problem('::/0')).toContain('larger than an IPv6 /32');
    expect(problem('10.0.0.0/7')).toContain('larger than an IPv4 /8');
    expect(problem('0.0.0.0-255.255.255.255')).toContain('larger than an IPv4 /8');
    expect(parseIpRange('10.0.0.0/8')).toMatchObject({ ok: true, large: true });
    expect(parseIpRange('10.0.0.0/16')).toMatchObject({ ok: true, large: false });
    expect(parseIpRange('10.0.0.0-10.1.0.0')).toMatchObject({ ok: true, large: true }); // 65,537 addresses
    expect(parseIpRange('2001:db8::/32')).toMatchObject({ ok: true, large: true });
    expect(parseIpRange('2001:db8::/48')).toMatchObject({ ok: true, large: false });
  });

  it('reads a field a line at a time, naming each bad line; large ranges only when confirmed; duplicates once', () => {
    const field = '203.0.113.0/24\n\nnonsense\r\n10.0.0.0/8\n10.0.0.9-10.0.0.1\n203.0.113.0/24';
    const read = parseIpRanges(field, false);
    expect(read.ranges.map((r) => r.text)).toEqual(['203.0.113.0/24']);
    expect(read.problems.map((p) => p.line)).toEqual([3, 4, 5]);
    expect(read.problems[1]!.problem).toContain('These large ranges are meant');
    const confirmed = parseIpRanges(field, true);
    expect(confirmed.ranges.map((r) => r.text)).toEqual(['203.0.113.0/24', '10.0.0.0/8']);
    expect(confirmed.problems.map((p) => p.line)).toEqual([3, 5]);
  });
});

describe('CIDR blocks of a range', () => {
  it('splits a dash range into the exact blocks that cover it', () => {
    expect(toCidrs(range('10.0.0.1-10.0.0.200'))).toEqual([
      '10.0.0.1/32',
      '10.0.0.2/31',
      '10.0.0.4/30',
      '10.0.0.8/29',
      '10.0.0.16/28',
      '10.0.0.32/27',
      '10.0.0.64/26',
      '10.0.0.128/26',
      '10.0.0.192/29',
      '10.0.0.200/32',
    ]);
    expect(toCidrs(range('203.0.113.0/24'))).toEqual(['203.0.113.0/24']);
    expect(toCidrs(range('0.0.0.0-0.0.0.0'))).toEqual(['0.0.0.0/32']);
    expect(toCidrs(range('255.255.255.254-255.255.255.255'))).toEqual(['255.255.255.254/31']);
    expect(toCidrs(range('2001:db8::-2001:db8::2'))).toEqual(['2001:db8::/127', '2001:db8::2/128']);
  });
});

describe('finding the groups of an address', () => {
  const index = ipIndex([
    { interval: range('10.0.0.1-10.0.0.200'), value: 'campus' },
    { interval: range('10.0.0.128/25'), value: 'library' },
    { interval: range('203.0.113.0/24'), value: 'campus' },
    { interval: range('2001:db8:1::/48'), value: 'lab' },
    { interval: range('255.255.255.255'), value: 'edge' },
  ]);

  it('finds the first and last address of a range, and not the ones just outside', () => {
    expect(index.lookup('10.0.0.1')).toEqual(['campus']);
    expect(index.lookup('10.0.0.0')).toEqual([]);
    expect(index.lookup('10.0.0.127')).toEqual(['campus']);
    expect(index.lookup('10.0.0.200').slice().sort()).toEqual(['campus', 'library']);
    expect(index.lookup('10.0.0.201')).toEqual(['library']);
    expect(index.lookup('10.0.0.255')).toEqual(['library']);
    expect(index.lookup('10.0.1.0')).toEqual([]);
    expect(index.lookup('203.0.112.255')).toEqual([]);
    expect(index.lookup('203.0.113.0')).toEqual(['campus']);
    expect(index.lookup('203.0.114.0')).toEqual([]);
    expect(index.lookup('255.255.255.255')).toEqual(['edge']);
    expect(index.lookup('0.0.0.0')).toEqual([]);
  });

  it('matches IPv6, and IPv4 as dual-stack sockets report it', () => {
    expect(index.lookup('2001:db8:1::1')).toEqual(['lab']);
    expect(index.lookup('2001:db8:1:ffff:ffff:ffff:ffff:ffff')).toEqual(['lab']);
    expect(index.lookup('2001:db8:2::')).toEqual([]);
    expect(index.lookup('2001:db8:0:ffff:ffff:ffff:ffff:ffff')).toEqual([]);
    expect(index.lookup('::ffff:10.0.0.5')).toEqual(['campus']);
    expect(index.lookup('::FFFF:10.0.0.5')).toEqual(['campus']);
    expect(index.lookup('::ffff:a00:5')).toEqual(['campus']);
  });

  it('finds nothing for what is not an address', () => {
    for (const ip of ['', 'localhost', '10.0.0', '10.0.0.1.', '10.0.0.1/32', '10.0.0.256', '::ffff:10.0.0.300', 'fe80::1%eth0', ':::'])
      expect(index.lookup(ip), ip).toEqual([]);
    expect(ipIndex([]).lookup('10.0.0.1')).toEqual([]);
    expect(ipv4Number('1.2.3.4')).toBe(0x01020304);
    expect(ipv4Number('1.2.3.4444')).toBeNull();
  });
});
