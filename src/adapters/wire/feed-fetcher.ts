import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { FeedFetcher, FetchedFeed } from '../../domain/ports/feed-fetcher.js';

/**
 * Fetches wire feeds from the server with node:http(s). Feed addresses are typed by the newsroom, so the fetch is
 * guarded against server-side request forgery: only http(s), no redirects, and (unless `allowPrivateHosts`) no
 * address that is not public unicast — checked on the address actually connected to (the DNS answer is checked
 * in the socket's own lookup, so a name that resolves differently the second time gains nothing). Bounded in time
 * and size.
 */
export function createFeedFetcher(options: { allowPrivateHosts: boolean; timeoutMs?: number; maxBytes?: number }): FeedFetcher {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const allowed = (address: string) =>
    options.allowPrivateHosts || (ipaddr.isValid(address) && ipaddr.process(address).range() === 'unicast');

  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 4);
        return;
      }
      const usable = addresses.filter((a) => allowed(a.address));
      const [first] = usable;
      if (!first) {
        callback(Object.assign(new Error(`${hostname} resolves only to private or reserved addresses`), { code: 'EPRIVATE' }), '', 4);
        return;
      }
      if (lookupOptions.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      else callback(null, first.address, first.family);
    });
  };

  return {
    fetch(url: string, headers: Record<string, string>): Promise<FetchedFeed> {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return Promise.resolve({ ok: false, reason: 'the feed address is not a URL' });
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:')
        return Promise.resolve({ ok: false, reason: 'only http and https feeds are fetched' });
      if (target.username || target.password)
        return Promise.resolve({ ok: false, reason: 'put credentials in the environment, not in the address' });
      const host = target.hostname.replace(/^\[|\]$/g, '');
      // A literal address never goes through the lookup: check it here.
      if (ipaddr.isValid(host) && !allowed(host)) return Promise.resolve({ ok: false, reason: `${host} is a private or reserved address` });
      const client = target.protocol === 'https:' ? https : http;
      return new Promise((resolve) => {
        const request = client.request(
          target,
          { method: 'GET', headers: { 'user-agent': 'Masthead wire poller', ...headers }, lookup: guardedLookup, timeout: timeoutMs },
          (response) => {
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              response.resume();
              resolve({
                ok: false,
                reason: status >= 300 && status < 400 ? `redirected (HTTP ${status}): give the final address` : `HTTP ${status}`,
              });
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > maxBytes) {
                request.destroy();
                resolve({ ok: false, reason: `the feed is larger than ${Math.round(maxBytes / 1024 / 1024)} MB` });
                return;
              }
              chunks.push(chunk);
            });
            response.on('end', () => resolve({ ok: true, status, body: Buffer.concat(chunks).toString('utf8') }));
            response.on('error', (error) => resolve({ ok: false, reason: error.message }));
          },
        );
        request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
        request.on('error', (error) => resolve({ ok: false, reason: error.message }));
        request.end();
      });
    },
  };
}
