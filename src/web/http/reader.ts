import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Reader } from '../../domain/access/model.js';
import type { MeterState } from '../../domain/metering/model.js';
import { networkKey } from '../../domain/metering/network.js';
import { emptyMeter, meterPeriod } from '../../domain/metering/period.js';
import { issueReaderId, readReaderId } from '../../domain/metering/reader-id.js';
import { withGroupEntitlements, type NetworkGroup } from '../../domain/groups/network.js';
import type { AppContext } from '../../context.js';

/** The anonymous reader's cookie: a server-issued, signed id naming their meter on the server. */
export const READER_COOKIE = 'mh_reader';
const NO_ENTITLEMENTS: ReadonlySet<string> = new Set();

/**
 * Hot-path memos. A cookie the server signed always names the same reader, and an address the same
 * network key within a month, so both are kept for a while instead of recomputing an HMAC per request.
 * Only verified results are kept; the keys are the exact inputs.
 */
const memos = new WeakMap<AppContext['keys'], { readers: LRUCache<string, string>; networks: LRUCache<string, string> }>();

/** The memos of one set of keys (an app instance): a cookie verified under one key says nothing under another. */
function memosFor(ctx: AppContext) {
  let memo = memos.get(ctx.keys);
  if (!memo) {
    memo = { readers: new LRUCache({ max: 50_000 }), networks: new LRUCache({ max: 50_000 }) };
    memos.set(ctx.keys, memo);
  }
  return memo;
}

/** Who is asking, as the access decision sees them, with their meter for this month. */
export interface ReaderContext {
  reader: Reader;
  meter: MeterState;
  period: string;
  /** Registered readers are metered on the server, per account across devices. */
  userId: number | null;
  /** The network groups whose access this request has by its address (their entitlements are in `reader`'s). */
  groups: readonly NetworkGroup[];
  /**
   * An anonymous reader's cookie: `new` when they brought none (an id is issued when a read is charged),
   * `known` with the id the server issued, `forged` when the cookie fails its signature.
   */
  anonymous: { status: 'new' } | { status: 'known'; id: string } | { status: 'forged' } | null;
}

/**
 * Identifies the reader of this request. A verified crawler is recognised by its address only (the
 * crawler ranges), never by User-Agent. A signed-in reader brings their entitlements and their meter.
 * An anonymous reader's meter is on the server, under the id their cookie carries; without a cookie the
 * meter is empty (a new reader, bounded by the network's budget), and a cookie that fails its signature
 * is `forged`: the read path treats it as a used-up meter, so editing a cookie never buys a read.
 */
export async function identifyReader(ctx: AppContext, request: FastifyRequest): Promise<ReaderContext> {
  const now = ctx.now();
  const period = meterPeriod(now, ctx.policy.timeZone);
  // Institutions' networks (group access): their entitlements join the reader's, signed in or not. An in-memory lookup.
  const groups = ctx.groups.network.of(request.ip, now);
  if (request.auth) {
    const userId = request.auth.user.id;
    const { entitlements, meter } = await ctx.readers.registered(userId, now, period);
    const reader: Reader = { kind: 'registered', entitlements: withGroupEntitlements(entitlements, groups) };
    return { reader, meter, period, userId, groups, anonymous: null };
  }
  if (ctx.crawlers.isVerified(request.ip)) {
    return {
      reader: { kind: 'verified-crawler', entitlements: NO_ENTITLEMENTS },
      meter: emptyMeter(period),
      period,
      userId: null,
      groups: [],
      anonymous: null,
    };
  }
  const reader: Reader = { kind: 'anonymous', entitlements: withGroupEntitlements(NO_ENTITLEMENTS, groups) };
  const raw = request.cookies[READER_COOKIE];
  const fresh = { reader, meter: emptyMeter(period), period, userId: null, groups };
  if (raw === undefined || raw === '') return { ...fresh, anonymous: { status: 'new' } };
  const { readers } = memosFor(ctx);
  let id = readers.get(raw);
  if (id === undefined) {
    const read = readReaderId(raw, ctx.keys.meter);
    if (read.status !== 'valid') return { ...fresh, anonymous: { status: 'forged' } };
    id = read.id;
    readers.set(raw, id);
  }
  const meter: MeterState = { period, read: await ctx.readers.anonymousMeter(id, period) };
  return { reader, meter, period, userId: null, groups, anonymous: { status: 'known', id } };
}

/** The anonymous reader's network (salted hash of its prefix) and how much of its monthly budget is used. */
export async function networkUsage(ctx: AppContext, ip: string, period: string): Promise<{ key: string; used: number }> {
  const { networks } = memosFor(ctx);
  const memo = `${period}|${ip}`;
  let key = networks.get(memo);
  if (!key) {
    key = `net:${networkKey(ip, ctx.keys.networkSalt, period)}`;
    networks.set(memo, key);
  }
  return { key, used: await ctx.readers.networkUsed(key) };
}

/** Gives a new anonymous reader their id, in a cookie that outlives the month. Returns the id. */
export function issueReaderCookie(ctx: AppContext, reply: FastifyReply): string {
  const { id, cookie } = issueReaderId(ctx.keys.meter);
  reply.setCookie(READER_COOKIE, cookie, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https:'),
    maxAge: 400 * 24 * 3600,
  });
  return id;
}
