import ipaddr from 'ipaddr.js';

/**
 * IP ranges of group (institutional) access, as staff type them and as the hot path matches them.
 *
 * A line is one of: a single address (`203.0.113.7`), a CIDR block (`203.0.113.0/24`, `2001:db8::/48`) or a dash
 * range (`10.0.0.1-10.0.0.200`), IPv4 or IPv6. The rules, so a typo cannot open the site to the world:
 * - a CIDR block's address must be its first address (`10.0.0.5/24` is refused, naming `10.0.0.0/24`);
 * - a dash range's ends are of one family, the first not after the last;
 * - never larger than an IPv4 /8 (16,777,216 addresses) or an IPv6 /32 (an ISP's whole allocation): no /0;
 * - larger than an IPv4 /16 (65,536 addresses) or an IPv6 /48 (one site) only when staff confirm it.
 * An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, as dual-stack sockets report IPv4 clients) matches as IPv4.
 */

export type IpFamily = 4 | 6;

/** A range as numbers: IPv4 addresses as numbers (0 … 2^32 − 1), IPv6 as BigInts. */
export interface IpInterval {
  family: IpFamily;
  first: bigint;
  last: bigint;
}

/** A range as staff typed it, tidied (`text`), and the addresses it covers. */
export interface IpRange extends IpInterval {
  text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
/** Never more addresses than this (log2): an IPv4 /8, an IPv6 /32. */
const HARD_LIMIT_BITS: Record<IpFamily, number> = { 4: 24, 6: 96 };
/** More addresses than this (log2) need staff to confirm: an IPv4 /16, an IPv6 /48. */
const CONFIRM_BITS: Record<IpFamily, number> = { 4: 16, 6: 80 };
const LIMIT_WORDS: Record<IpFamily, { hard: string; confirm: string }> = {
  4: { hard: 'an IPv4 /8 (16,777,216 addresses)', confirm: 'an IPv4 /16 (65,536 addresses)' },
  6: { hard: 'an IPv6 /32', confirm: 'an IPv6 /48' },
};
/** Longer than any address or range anyone types: refused before parsing. */
const MAX_LINE = 100;

type Address = { family: IpFamily; value: bigint; text: string };

function bytesToBigInt(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** An address as a number with its family; IPv4-mapped IPv6 counts as IPv4. Null for anything else. */
function parseAddress(text: string): Address | null {
  if (text.length > 45 || !ipaddr.isValid(text)) return null;
  // Zone ids (`fe80::1%eth0`) name an interface, not an address anyone's traffic comes from.
  if (text.includes('%')) return null;
  // ipaddr accepts `10.1` and `0x0a.0.0.1` as IPv4 (as inet_aton does); staff mean four decimal parts.
  if (!text.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  const address = ipaddr.process(text);
  const family: IpFamily = address.kind() === 'ipv4' ? 4 : 6;
  return { family, value: bytesToBigInt(address.toByteArray()), text: address.toString() };
}

/** The address `value` of `family` as text (IPv6 compressed). */
export function formatAddress(family: IpFamily, value: bigint): string {
  const bytes: number[] = [];
  for (let i = BITS[family] / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

const isLarger = (interval: IpInterval, bits: number) => interval.last - interval.first + 1n > 1n << BigInt(bits);

/** A line read: the range, or the problem in words (for "Line 3: …"); `large` when it needs staff to confirm it. */
export type RangeRead = { ok: true; range: IpRange; large: boolean } | { ok: false; problem: string };

/** Reads one line of the ranges field (see the rules at the top). */
export function parseIpRange(line: string): RangeRead {
  const text = line.trim();
  const quoted = `“${text.slice(0, 60)}”`;
  const notOne = {
    ok: false as const,
    problem: `${quoted} is not an IP address, a CIDR block (10.0.0.0/24) or a range (10.0.0.1-10.0.0.200).`,
  };
  if (text.length === 0 || text.length > MAX_LINE) return notOne;
  let interval: IpInterval;
  let tidy: string;
  if (text.includes('/')) {
    const [base = '', prefixText = '', ...rest] = text.split('/');
    const address = parseAddress(base.trim());
    if (!address || rest.length > 0 || !/^\d{1,3}$/.test(prefixText.trim())) return notOne;
    const prefix = Number(prefixText.trim());
    const bits = BITS[address.family];
    if (prefix > bits) return { ok: false, problem: `${quoted}: an IPv${address.family} prefix is at most /${bits}.` };
    const hostBits = BigInt(bits - prefix);
    const first = (address.value >> hostBits) << hostBits;
    if (first !== address.value)
      return { ok: false, problem: `${quoted} does not start its block: did you mean ${formatAddress(address.family, first)}/${prefix}?` };
    interval = { family: address.family, first, last: first + (1n << hostBits) - 1n };
    tidy = `${address.text}/${prefix}`;
  } else if (text.includes('-')) {
    const [from = '', to = '', ...rest] = text.split('-');
    const start = parseAddress(from.trim());
    const end = parseAddress(to.trim());
    if (!start || !end || rest.length > 0) return notOne;
    if (start.family !== end.family) return { ok: false, problem: `${quoted} mixes an IPv4 and an IPv6 address.` };
    if (start.value > end.value) return { ok: false, problem: `${quoted} starts after it ends: put the lower address first.` };
    interval = { family: start.family, first: start.value, last: end.value };
    tidy = start.value === end.value ? start.text : `${start.text}-${end.text}`;
  } else {
    const address = parseAddress(text);
    if (!address) return notOne;
    interval = { family: address.family, first: address.value, last: address.value };
    tidy = address.text;
  }
  const words = LIMIT_WORDS[interval.family];
  if (isLarger(interval, HARD_LIMIT_BITS[interval.family]))
    return { ok: false, problem: `${quoted} is larger than ${words.hard}, the most one line may open.` };
  return { ok: true, range: { ...interval, text: tidy }, large: isLarger(interval, CONFIRM_BITS[interval.family]) };
}

/** What is wrong with one line of a field, for the form: its number (from 1), what was typed and the problem. */
export interface LineProblem {
  line: number;
  problem: string;
}

/**
 * Reads the ranges field, one range a line (blank lines skipped). Problems name their line; a large range is a
 * problem unless `confirmLarge`. The same range twice is kept once.
 */
export function parseIpRanges(field: string, confirmLarge: boolean): { ranges: IpRange[]; problems: LineProblem[] } {
  const ranges: IpRange[] = [];
  const problems: LineProblem[] = [];
  const seen = new Set<string>();
  field.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const read = parseIpRange(raw);
    if (!read.ok) problems.push({ line: index + 1, problem: read.problem });
    else if (read.large && !confirmLarge)
      problems.push({
        line: index + 1,
        problem: `“${read.range.text}” is larger than ${LIMIT_WORDS[read.range.family].confirm}: tick “These large ranges are meant” to keep it.`,
      });
    else if (!seen.has(read.range.text)) {
      seen.add(read.range.text);
      ranges.push(read.range);
    }
  });
  return { ranges, problems };
}

/** The CIDR blocks that exactly cover an interval, lowest first (a dash range becomes several). */
export function toCidrs(interval: IpInterval): string[] {
  const bits = BITS[interval.family];
  const blocks: string[] = [];
  let first = interval.first;
  while (first <= interval.last) {
    // The largest block that starts at `first` (its alignment) and does not run past the end.
    let size = bits;
    while (size > 0 && (first & ((1n << BigInt(size)) - 1n)) !== 0n) size--;
    while (first + (1n << BigInt(size)) - 1n > interval.last) size--;
    blocks.push(`${formatAddress(interval.family, first)}/${bits - size}`);
    first += 1n << BigInt(size);
  }
  return blocks;
}
