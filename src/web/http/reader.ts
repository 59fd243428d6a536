import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Reader } from '../../domain/access/model.js';
import { decodeMeterToken, encodeMeterToken } from '../../domain/metering/meter-token.js';
import type { MeterState } from '../../domain/metering/model.js';
import { networkKey } from '../../domain/metering/network.js';
import { currentMeter, emptyMeter, meterPeriod } from '../../domain/metering/period.js';
import type { AppContext } from '../../context.js';

export const METER_COOKIE = 'mh_meter';
const NO_ENTITLEMENTS: ReadonlySet<string> = new Set();

/**
 * Hot-path memos. A verified token string always decodes to the same meter, and an address to the same
 * network key within a month, so both are kept for a while instead of recomputing two HMACs per request.
 * Only verified results are kept; the keys are the exact inputs.
 */
const memos = new WeakMap<AppContext['keys'], { tokens: LRUCache<string, MeterState>; networks: LRUCache<string, string> }>();

/** The memos of one set of keys (an app instance): a token verified under one key says nothing under another. */
function memosFor(ctx: AppContext) {
  let memo = memos.get(ctx.keys);
  if (!memo) {
    memo = { tokens: new LRUCache({ max: 50_000 }), networks: new LRUCache({ max: 50_000 }) };
    memos.set(ctx.keys, memo);
  }
  return memo;
}

/** Who is asking, as the access decision sees them, with the meter they carry. */
export interface ReaderContext {
  reader: Reader;
  meter: MeterState;
  period: string;
  /** Registered readers are metered on the server, per account across devices. */
  userId: number | null;
}

/**
 * Identifies the reader of this request. A verified crawler is recognised by its address only
 * (the crawler ranges), never by User-Agent. A signed-in reader brings their entitlements and their
 * server-side meter. Anonymous readers carry a server-signed meter cookie; a missing, stale or
 * tampered cookie counts as an empty meter.
 */
export async function identifyReader(ctx: AppContext, request: FastifyRequest): Promise<ReaderContext> {
  const now = ctx.now();
  const period = meterPeriod(now, ctx.policy.timeZone);
  if (request.auth) {
    const userId = request.auth.user.id;
    const { entitlements, meter } = await ctx.readers.registered(userId, now, period);
    return { reader: { kind: 'registered', entitlements }, meter, period, userId };
  }
  if (ctx.crawlers.isVerified(request.ip)) {
    return { reader: { kind: 'verified-crawler', entitlements: NO_ENTITLEMENTS }, meter: emptyMeter(period), period, userId: null };
  }
  const raw = request.cookies[METER_COOKIE];
  const { tokens } = memosFor(ctx);
  let token = raw ? tokens.get(raw) : undefined;
  if (!token && raw) {
    token = decodeMeterToken(raw, ctx.keys.meter) ?? undefined;
    if (token) tokens.set(raw, token);
  }
  return {
    reader: { kind: 'anonymous', entitlements: NO_ENTITLEMENTS },
    meter: token ? currentMeter(token, period) : emptyMeter(period),
    period,
    userId: null,
  };
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

/** Stores the anonymous reader's new meter in its signed cookie. */
export function setMeterCookie(ctx: AppContext, reply: FastifyReply, meter: MeterState): void {
  reply.setCookie(METER_COOKIE, encodeMeterToken(meter, ctx.keys.meter), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https:'),
    maxAge: 40 * 24 * 3600,
  });
}
