import { createHmac } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/** Shortest accepted salt, in bytes: the IPv4 /24 space is small enough to brute-force behind a weak salt. */
export const MIN_NETWORK_SALT_BYTES = 32;
const KEY_BYTES = 16;
/** Longer than any textual IPv6 address with a reasonable zone id; longer input is not an address. */
const MAX_IP_LENGTH = 100;

/**
 * The network an address belongs to, as text that is only ever hashed: IPv4 /24 (a home or office NAT)
 * and IPv6 /48 (a typical site allocation, since one subscriber often holds a whole /64 or more); or, for `client`,
 * the one machine: the IPv4 address itself and the IPv6 /64 (one subscriber's).
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`, common behind dual-stack sockets) counts as its IPv4 address.
 */
function networkPrefix(ip: string, client = false): string {
  if (ip.length > MAX_IP_LENGTH || !ipaddr.isValid(ip)) return 'unknown';
  try {
    const address = ipaddr.process(ip);
    if (address.kind() === 'ipv4') {
      const octets = (address as ipaddr.IPv4).octets;
      return `4:${octets.slice(0, client ? 4 : 3).join('.')}`;
    }
    const parts = (address as ipaddr.IPv6).parts;
    return `6:${parts.slice(0, client ? 4 : 3).join(':')}`;
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
  return hashed(salt, `masthead/network\n${period}\n${typeof ip === 'string' ? networkPrefix(ip) : 'unknown'}`);
}

/**
 * Key for one client (its IPv4 address, its IPv6 /64) in a rate limit: like `networkKey`, hashed with the salt, so
 * counters never hold an address.
 */
export function clientKey(ip: string, salt: Buffer): string {
  return hashed(salt, `masthead/client\n${typeof ip === 'string' ? networkPrefix(ip, true) : 'unknown'}`);
}

function hashed(salt: Buffer, text: string): string {
  if (salt.length < MIN_NETWORK_SALT_BYTES) throw new RangeError(`network salt must be at least ${MIN_NETWORK_SALT_BYTES} bytes`);
  return createHmac('sha256', salt).update(text).digest().subarray(0, KEY_BYTES).toString('base64url');
}
