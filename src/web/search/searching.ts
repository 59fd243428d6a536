import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { decideAccess } from '../../domain/access/decide-access.js';
import { parseCursor } from '../../domain/content/model.js';
import {
  RELEVANCE_PAGES_MAX,
  SEARCH_SORTS,
  SEARCH_TYPES,
  type SearchPage,
  type SearchSort,
  type SearchType,
} from '../../domain/search/model.js';
import { cleanSearchText, readSearchText, SEARCH_TEXT_MAX, searchTextProblem } from '../../domain/search/query-text.js';
import type { SearchRequest } from '../../domain/search/service.js';
import { dayOfDate } from '../../domain/time/zoned.js';
import { DomainError } from '../../domain/errors.js';
import { clientKey } from '../../domain/metering/network.js';
import { HttpProblem } from '../http/errors.js';
import { identifyReader } from '../http/reader.js';

/** A search's parameters as a page's form and the API's query string both name them. */
export interface SearchParams {
  q?: string | undefined;
  section?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  author?: string | undefined;
  type?: string | undefined;
  sort?: string | undefined;
  page?: number | undefined;
  after?: string | undefined;
}

/** A search as read from its parameters: what to run and what the form shows again. */
export interface ReadSearch {
  /** The trimmed text; '' when the reader has not searched yet. */
  q: string;
  section: string;
  from: string;
  to: string;
  author: string;
  type: SearchType | '';
  sort: SearchSort;
  page: number;
  after: string;
}

/**
 * Reads and checks the parameters; a bad one is a 400 with a message naming it (text the reader must change: see
 * `searchTextProblem`, a date that does not exist, a page past the cap, a cursor this site did not make).
 */
export function readSearchParams(params: SearchParams): ReadSearch {
  const q = cleanSearchText(params.q ?? '');
  const problem = searchTextProblem(q);
  if (problem) throw new HttpProblem('invalid-input', problem);
  const sort = (params.sort || 'relevance') as SearchSort;
  if (!SEARCH_SORTS.includes(sort)) throw new HttpProblem('invalid-input', 'Sort by relevance or by date.');
  const type = (params.type ?? '') as SearchType | '';
  if (type !== '' && !SEARCH_TYPES.includes(type)) throw new HttpProblem('invalid-input', `The type is one of ${SEARCH_TYPES.join(', ')}.`);
  const page = params.page ?? 1;
  if (!Number.isInteger(page) || page < 1 || page > RELEVANCE_PAGES_MAX)
    throw new HttpProblem('invalid-input', `Results go ${RELEVANCE_PAGES_MAX} pages deep; sort by date to go further.`);
  const after = params.after ?? '';
  if (after !== '' && parseCursor(after) === null) throw new HttpProblem('invalid-input', 'That is not a place in these results.');
  return { q, ...filters(params), type, sort, page, after };
}

const filters = (params: SearchParams) => ({
  section: params.section ?? '',
  from: params.from ?? '',
  to: params.to ?? '',
  author: params.author ?? '',
});

/**
 * The parameters as the search form shows them again when one is wrong (see `readSearchParams`): the text and filters
 * as the reader gave them, the text cut to what the form's field holds; a sort, type or place that is not one of the
 * form's left out.
 */
export function searchFormValues(params: SearchParams): ReadSearch {
  // Cut where the length check counts (UTF-16 units), never between the halves of a character.
  const q = cleanSearchText(params.q ?? '').slice(0, SEARCH_TEXT_MAX);
  return {
    q: /[\uD800-\uDBFF]$/.test(q) ? q.slice(0, -1) : q,
    ...filters(params),
    type: SEARCH_TYPES.find((t) => t === params.type) ?? '',
    sort: SEARCH_SORTS.find((s) => s === params.sort) ?? 'relevance',
    page: 1,
    after: '',
  };
}

/**
 * Runs the search for this reader: each result's snippet comes from the body only when the access decision for that
 * article and this reader allows reading it without using anything up (free, entitled, a verified crawler, a
 * reread); a read that would use a free metered article, or a denied one, gets a snippet of the headline, standfirst
 * and lead-in. Nothing is charged: a search is not a read.
 */
export async function runSearch(ctx: AppContext, request: FastifyRequest, read: ReadSearch, limit: number): Promise<SearchPage> {
  const zone = ctx.policy.timeZone;
  const from = read.from === '' ? null : dayOfDate(read.from, zone);
  const to = read.to === '' ? null : dayOfDate(read.to, zone);
  if ((read.from !== '' && !from) || (read.to !== '' && !to))
    throw new HttpProblem('invalid-input', 'Give dates that exist, as YYYY-MM-DD.');
  if (from && to && from.start > to.start) throw new HttpProblem('invalid-input', 'The first date comes after the last: swap them.');
  const sections = await ctx.content.sections();
  if (read.section !== '' && !sections.some((s) => s.slug === read.section))
    throw new HttpProblem('invalid-input', `There is no section "${read.section}".`);
  const rules = ctx.policy.sectionRules ?? new Map<string, string>();
  const bySectionRule = (rule: string) => [...rules].filter(([, r]) => r === rule).map(([slug]) => slug);
  const { reader, meter, userId } = await identifyReader(ctx, request);
  const now = ctx.now();
  const searchRequest: SearchRequest = {
    text: readSearchText(read.q),
    filters: {
      section: read.section || undefined,
      since: from?.start,
      until: to?.end,
      author: read.author || undefined,
      type: read.type || undefined,
    },
    sort: read.sort,
    limit,
    offset: read.sort === 'relevance' ? (read.page - 1) * limit : 0,
    after: read.sort === 'date' && read.after ? (parseCursor(read.after) ?? undefined) : undefined,
  };
  return withinSearchAllowance(ctx, request, userId, () =>
    ctx.search.run(searchRequest, {
      sections,
      sectionVisibility: { premium: bySectionRule('premium'), metered: bySectionRule('metered'), free: bySectionRule('free') },
      lead: ctx.business.paywall.lead,
      now,
      mayReadBody: (item) => {
        const decision = decideAccess({ reader, item, meter, network: null, policy: ctx.policy, now });
        return decision.allowed && !decision.charged;
      },
    }),
  );
}

/**
 * Runs `search` within its searcher's allowance (see `allowSearch`): the account `userId` when signed in, so readers
 * behind one shared address keep their own, else the address (an IPv6 /64). Its time counts against the allowance.
 * The archive's search and the e-paper's share one allowance.
 */
export async function withinSearchAllowance<T>(
  ctx: AppContext,
  request: FastifyRequest,
  userId: number | null,
  search: () => Promise<T>,
): Promise<T> {
  const searcher = userId === null ? `client:${clientKey(request.ip, ctx.keys.networkSalt)}` : `user:${userId}`;
  await allowSearch(ctx, searcher);
  const started = performance.now();
  try {
    return await search();
  } finally {
    await ctx.counters.increment(`search-ms:${searcher}`, 60, Math.ceil(performance.now() - started));
  }
}

/** Searches' time a reader may use a minute: three searches that ran into the timeout (MASTHEAD_SEARCH_TIMEOUT_MS). */
const TIMEOUTS_PER_MINUTE = 3;

/**
 * A search is the dearest request a stranger can make, so a `searcher` (see `withinSearchAllowance`) may run
 * MASTHEAD_SEARCH_RATE a minute, and may
 * spend in them at most the time of three searches cut off by the timeout. Without the second limit one address could
 * keep both cores busy with a search the database gives up on after two seconds, sixty times a minute.
 */
async function allowSearch(ctx: AppContext, searcher: string): Promise<void> {
  const count = await ctx.counters.increment(`search:${searcher}`, 60);
  const spentMs = await ctx.counters.get(`search-ms:${searcher}`);
  if (count > ctx.config.searchRate || spentMs >= TIMEOUTS_PER_MINUTE * ctx.config.searchTimeoutMs)
    throw new DomainError('rate-limited', 'You have searched a lot in the last minute. Wait a moment, then search again.', 60);
}
