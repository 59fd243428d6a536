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

/**
 * The one path by which any route reads an article: load it, decide access for this reader now,
 * record what the read used (the reader's meter on the server and the network's budget) and mark the response as
 * private to the reader. Page, API and any later representation call this, so they cannot disagree.
 */
export async function readArticle(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
): Promise<ArticleRead | null> {
  const prepared = await ctx.content.article(slug);
  reply.headers(PRIVATE);
  if (!prepared) return null;
  const readerContext = await identifyReader(ctx, request);
  const { reader, period, userId, anonymous } = readerContext;
  let input: AccessInput = { reader, item: prepared.item, meter: readerContext.meter, network: null, policy: ctx.policy, now: ctx.now() };
  let decision = decideAccess(input);
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
