import type { FastifyReply, FastifyRequest } from 'fastify';
import { decideAccess } from '../domain/access/decide-access.js';
import type { AccessDecision, NetworkBudget } from '../domain/access/model.js';
import type { PreparedArticle } from '../domain/content/service.js';
import type { AppContext } from './context.js';
import { identifyReader, networkUsage, setMeterCookie, type ReaderContext } from './http/reader.js';

export interface ArticleRead {
  prepared: PreparedArticle;
  decision: AccessDecision;
  readerContext: ReaderContext;
}

/** Network budgets are monthly; keys outlive the month by a little so late requests still count. */
const NETWORK_TTL_SECONDS = 32 * 24 * 3600;

/**
 * The one path by which any route reads an article: load it, decide access for this reader now,
 * record what the read used (meter cookie, network budget) and mark the response as private to the reader.
 * Page, API and any later representation call this, so they cannot disagree.
 */
export async function readArticle(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
): Promise<ArticleRead | null> {
  const prepared = await ctx.content.article(slug);
  // Every response below depends on who asks: no shared cache may keep it.
  reply.header('cache-control', 'private, no-cache');
  reply.header('vary', 'Cookie, Authorization');
  if (!prepared) return null;
  const readerContext = identifyReader(ctx, request);
  const anonymousMetered = readerContext.reader.kind === 'anonymous' && prepared.item.visibility === 'metered';
  const usage = anonymousMetered ? await networkUsage(ctx, request.ip, readerContext.period) : null;
  const network: NetworkBudget | null = usage ? { used: usage.used, limit: ctx.config.networkBudget } : null;
  const decision = decideAccess({
    reader: readerContext.reader,
    item: prepared.item,
    meter: readerContext.meter,
    network,
    policy: ctx.policy,
    now: ctx.now(),
  });
  if (decision.charged && readerContext.reader.kind === 'anonymous') {
    setMeterCookie(ctx, reply, decision.meter);
    if (usage) await ctx.counters.increment(usage.key, NETWORK_TTL_SECONDS);
  }
  return { prepared, decision, readerContext };
}
