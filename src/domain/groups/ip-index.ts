import ipaddr from 'ipaddr.js';
import type { IpInterval } from './ip-ranges.js';

/**
 * Which values (groups) an address falls in, answered on the hot path of every request: the ranges are cut into
 * sorted, disjoint segments, each with every value whose ranges cover it (ranges of several groups may overlap),
 * and an address is found by binary search. IPv4 segments are plain numbers; IPv6 ones BigInts.
 */
export interface IpIndex<T> {
  /** The values whose ranges hold `ip` (as `request.ip` gives it); the same empty array when none do. */
  lookup(ip: string): readonly T[];
  readonly size: number;
}

interface Segments<N, T> {
  starts: N[];
  ends: N[];
  values: T[][];
}

const NONE: readonly never[] = Object.freeze([]);

/** Cuts overlapping intervals into disjoint segments carrying every value that covers them, in address order. */
function segmentsOf<T>(entries: readonly { interval: IpInterval; value: T }[]): Segments<bigint, T> {
  const events: { at: bigint; open: boolean; value: T }[] = [];
  for (const { interval, value } of entries) {
    events.push({ at: interval.first, open: true, value }, { at: interval.last + 1n, open: false, value });
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const open = new Map<T, number>();
  const out: Segments<bigint, T> = { starts: [], ends: [], values: [] };
  events.forEach((event, i) => {
    const count = (open.get(event.value) ?? 0) + (event.open ? 1 : -1);
    if (count === 0) open.delete(event.value);
    else open.set(event.value, count);
    // A segment runs from this boundary to the next one, once every event at this boundary is counted.
    const next = events[i + 1]?.at;
    if (next === undefined || next === event.at || open.size === 0) return;
    out.starts.push(event.at);
    out.ends.push(next - 1n);
    out.values.push([...open.keys()]);
  });
  return out;
}

/** The segment holding `x`, by binary search on the starts. */
function find<N extends number | bigint, T>(segments: Segments<N, T>, x: N): readonly T[] {
  const { starts, ends, values } = segments;
  let low = 0;
  let high = starts.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if ((starts[mid] as N) <= x) low = mid + 1;
    else high = mid - 1;
  }
  const end = ends[high];
  return end !== undefined && x <= end ? (values[high] ?? NONE) : NONE;
}

/** A dotted-quad IPv4 address as a number, without allocating; null for anything else. */
export function ipv4Number(ip: string, from = 0): number | null {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return null;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return null;
  }
  return dots === 3 && digits > 0 ? value * 256 + part : null;
}

const MAPPED = '::ffff:';

/** An index of `entries`: each range with the value (a group) it gives. */
export function ipIndex<T>(entries: readonly { interval: IpInterval; value: T }[]): IpIndex<T> {
  const v4 = segmentsOf(entries.filter((e) => e.interval.family === 4));
  const v4Numbers: Segments<number, T> = { starts: v4.starts.map(Number), ends: v4.ends.map(Number), values: v4.values };
  const v6 = segmentsOf(entries.filter((e) => e.interval.family === 6));
  return {
    size: entries.length,
    lookup(ip) {
      if (entries.length === 0 || ip.length > 45) return NONE;
      const four = ipv4Number(ip) ?? (ip.toLowerCase().startsWith(MAPPED) ? ipv4Number(ip, MAPPED.length) : null);
      if (four !== null) return v4Numbers.starts.length ? find(v4Numbers, four) : NONE;
      if (!ip.includes(':') || ip.includes('%') || !ipaddr.IPv6.isValid(ip)) return NONE;
      const address = ipaddr.IPv6.parse(ip);
      // `::ffff:a00:1` is 10.0.0.1 written the other way.
      if (address.isIPv4MappedAddress()) {
        const [a = 0, b = 0, c = 0, d = 0] = address.toIPv4Address().octets;
        return v4Numbers.starts.length ? find(v4Numbers, ((a * 256 + b) * 256 + c) * 256 + d) : NONE;
      }
      if (v6.starts.length === 0) return NONE;
      let value = 0n;
      for (const part of address.parts) value = (value << 16n) | BigInt(part);
      return find(v6, value);
    },
  };
}
