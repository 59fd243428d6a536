import { createHmac } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/** Shortest accepted salt, in bytes: the IPv4 /24 space is small enough to brute-force behind a weak salt. */
export const MIN_NETWORK_SALT_BYTES = 32;
const KEY_BYTES = 16;
/** Longer than any textual IPv6 address with a reasonable zone id; longer input is not an address. */
const MAX_IP_LENGTH = 100;

/**
 * The network an address belongs to, as text that is only ever hashed: IPv4 /24 (a home or office NAT)
 * and IPv6 /48 (a typical site allocation, since one subscriber often holds a whole /64 or more).
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`, common behind dual-stack sockets) counts as its IPv4 address.
 */
function networkPrefix(ip: string): string {
  if (ip.length > MAX_IP_LENGTH || !ipaddr.isValid(ip)) return 'unknown';
  try {
    const address = ipaddr.process(ip);
    if (address.kind() === 'ipv4') {
      const [a, b, c] = (address as ipaddr.IPv4).octets;
      return `4:${a}.${b}.${c}`;
    }
    const [a, b, c] = (address as ipaddr.IPv6).parts;
    return `6:${a}:${b}:${c}`;
  } catch {
    return 'unknown';
  }
}

/**
 * Key for an anonymous network's monthly read budget: base64url of 16 bytes of HMAC-SHA256(salt, period +
 * network prefix). The raw address never leaves this function; including the period makes budgets reset
 * each month and keeps keys from linking a network across months. An invalid address maps to one fixed
 * "unknown network" key per period. Throws RangeError for a salt shorter than MIN_NETWORK_SALT_BYTES.
 */
export function networkKey(ip: string, salt: Buffer, period: string): string {
  if (salt.length < MIN_NETWORK_SALT_BYTES) throw new RangeError(`network salt must be at least ${MIN_NETWORK_SALT_BYTES} bytes`);
  const prefix = typeof ip === 'string' ? networkPrefix(ip) : 'unknown';
  return createHmac('sha256', salt).update(`masthead/network\n${period}\n${prefix}`).digest().subarray(0, KEY_BYTES).toString('base64url');
}
