import { readFile } from 'node:fs/promises';
import ipaddr from 'ipaddr.js';
import type { CrawlerRanges } from '../../domain/ports/crawlers.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Builds the matcher from parsed range files as the search engines publish them (Google's googlebot.json format:
 * `{ "prefixes": [{ "ipv4Prefix": "66.249.64.0/27" }, { "ipv6Prefix": "2001:4860:4801:10::/64" }] }`); throws on
 * a prefix that does not parse.
 */
export function crawlerRanges(documents: unknown[]): CrawlerRanges {
  const ranges: Range[] = [];
  for (const doc of documents) {
    const prefixes = (doc as { prefixes?: unknown }).prefixes;
    if (!Array.isArray(prefixes)) throw new Error('crawler range file has no "prefixes" array');
    for (const entry of prefixes) {
      const cidr = (entry as { ipv4Prefix?: string; ipv6Prefix?: string }).ipv4Prefix ?? (entry as { ipv6Prefix?: string }).ipv6Prefix;
      if (typeof cidr !== 'string') throw new Error(`crawler range entry without a prefix: ${JSON.stringify(entry)}`);
      ranges.push(ipaddr.parseCIDR(cidr));
    }
  }
  return {
    size: ranges.length,
    isVerified(ip) {
      if (ranges.length === 0 || !ipaddr.isValid(ip)) return false;
      let address = ipaddr.parse(ip);
      if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
        address = (address as ipaddr.IPv6).toIPv4Address();
      }
      return ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
    },
  };
}

/** Reads the configured range files (MASTHEAD_CRAWLER_RANGES). */
export async function loadCrawlerRanges(files: string[]): Promise<CrawlerRanges> {
  const documents: unknown[] = [];
  for (const file of files) {
    try {
      documents.push(JSON.parse(await readFile(file, 'utf8')));
    } catch (error) {
      throw new Error(`MASTHEAD_CRAWLER_RANGES: cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  return crawlerRanges(documents);
}
