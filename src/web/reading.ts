import type { FastifyReply, FastifyRequest } from 'fastify';
import { decideAccess } from '../domain/access/decide-access.js';
import type { AccessDecision, AccessInput } from '../domain/access/model.js';
import type { PreparedArticle } from '../domain/content/service.js';
import type { AppContext } from '../context.js';
import { identifyReader, issueReaderCookie, networkUsage, type ReaderContext } from './http/reader.js';

export interface ArticleRead {
  prepared: PreparedArticle;
  decision: AccessDecision;
  readerContext: ReaderContext;
}

/** Every article response depends on who asks: no shared cache may keep it. */
const PRIVATE = Object.freeze({ 'cache-control': 'private, no-cache', vary: 'Cookie, Authorization' });
/** A read a gift link opened: kept by no cache at all, indexed by nobody, and its address (the token) sent to no one. */
const GIFTED = Object.freeze({ 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex', 'referrer-policy': 'no-referrer' });

/**
 * The one path by which any route reads an article: load it, decide access for this reader now,
 * record what the read used (the reader's meter on the server and the network's budget) and mark the response as
 * private to the reader. Page, API and any later representation call this, so they cannot disagree.
 * `gift`: the `?gift=` value of the article page (and only of the page: a gift link opens that page, no other
 * route), which opens the article without the meter when it is a link to this article, still open.
 */
export async function readArticle(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
  options: { gift?: unknown } = {},
): Promise<ArticleRead | null> {
  const prepared = await ctx.content.article(slug);
  reply.headers(PRIVATE);
  if (!prepared) return null;
  const readerContext = await identifyReader(ctx, request);
  const { reader, period, userId, anonymous } = readerContext;
  let input: AccessInput = { reader, item: prepared.item, meter: readerContext.meter, network: null, policy: ctx.policy, now: ctx.now() };
  const gift = options.gift === undefined ? null : ctx.gifts.check(options.gift, prepared.item.id);
  let decision = decideAccess({ ...input, gift: gift !== null });
  // The gift decides the read only when nothing else opens the article free: only then is the link looked up and
  // its open counted. A link no longer stored (its maker's account deleted) opens nothing: decide without it.
  if (gift !== null && decision.reason === 'gift') {
    if (await ctx.gifts.open(gift, prepared.item.id, { count: request.method !== 'HEAD' })) {
      reply.headers(GIFTED);
      return { prepared, decision, readerContext };
    }
    decision = decideAccess(input);
  }
  // The network budget matters only for a read that would use a free article: only then is it looked up
  // (rereads, subscribers and walled readers never wait on the counter store). A forged cookie counts as
  // a used-up budget: editing the cookie must never be worth more than clearing it.
  let usage: { key: string; used: number } | null = null;
  if (decision.charged && anonymous) {
    const limit = ctx.business.paywall.networkBudget;
    if (anonymous.status === 'forged') input = { ...input, network: { used: limit, limit } };
    else {
      usage = await networkUsage(ctx, request.ip, period);
      input = { ...input, network: { used: usage.used, limit } };
    }
    decision = decideAccess(input);
  }
  // A HEAD request shows nothing to read, so it uses up nothing.
  if (request.method === 'HEAD' || !decision.charged) return { prepared, decision, readerContext };
  const articleId = prepared.item.id;
  if (userId !== null) {
    const stored = await ctx.readers.chargeRegistered(userId, period, articleId);
    // Another device used the last free article meanwhile: decide again on the stored meter (a denial).
    if (!stored) decision = decideAccess({ ...input, meter: await ctx.readers.registeredMeter(userId, period) });
  } else if (anonymous) {
    const id = anonymous.status === 'known' ? anonymous.id : issueReaderCookie(ctx, reply);
    const stored = await ctx.readers.chargeAnonymous(id, period, articleId);
    // Another request on this cookie used the last free article meanwhile: decide again (a denial).
    if (!stored) decision = decideAccess({ ...input, meter: { period, read: await ctx.readers.anonymousMeter(id, period) } });
    else if (usage) await ctx.readers.chargeNetwork(usage.key);
  }
  return { prepared, decision, readerContext };
}

/**
 * What the access decision says for this reader and article now, using nothing up (no meter, no budget): whether a
 * reader may gift the article is decided on it.
 */
export async function accessNow(ctx: AppContext, request: FastifyRequest, prepared: PreparedArticle): Promise<AccessDecision> {
  const { reader, meter } = await identifyReader(ctx, request);
  return decideAccess({ reader, item: prepared.item, meter, network: null, policy: ctx.policy, now: ctx.now() });
}
