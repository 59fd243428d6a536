import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { ENTITLEMENTS } from '../../domain/access/model.js';
import type { AppContext } from '../../context.js';
import type { ArticleRead } from '../reading.js';
import { articlePage, giftForm, groupAccessNote, meterNote, meterNoteCount } from '../views/article.js';
import { raw } from '../views/html.js';
import { accountArea } from '../views/layout.js';
import { actorOf, can } from '../../domain/policies/policies.js';
import { bestValue, lowestPerMonth, offeredByPlans, pageChrome } from './chrome.js';
import { newsletterPromo } from '../newsletters/views.js';

// Placeholders no article text can contain (a random token behind control characters).
const MARK = `\u0001${randomBytes(8).toString('hex')}`;
const ACCOUNT_SLOT = `${MARK}a\u0001`;
const METER_SLOT = `${MARK}m\u0001`;
const GIFT_SLOT = `${MARK}g\u0001`;

/**
 * Renders article pages from cached parts. A page depends on the article, on what the access decision
 * said (the full body or the lead-in with one kind of paywall), on the ad-free entitlement and on the
 * reader's kind; only the account links, the meter note and a subscriber's "Gift this article" form (it carries
 * their CSRF token) differ between readers beyond that. Each variant is rendered once with placeholders for those
 * three, cut into four parts and kept for a minute; a request joins the parts around its own three snippets. The
 * cache key holds the decision, so a reader is only ever served the variant their own decision chose: gated text
 * cannot cross between readers. A read a gift link opened is never cached: it is rendered for that request alone.
 */
export function articlePages(ctx: AppContext) {
  // Kept as UTF-8 bytes: the page has non-ASCII characters, and encoding it per request showed in profiles.
  // Held within a memory budget as well as a count, so long stories cannot make it large.
  const cache = new LRUCache<string, [Buffer, Buffer, Buffer, Buffer]>({
    max: 2_000,
    maxSize: 32 * 2 ** 20,
    sizeCalculation: (parts) => parts.reduce((sum, part) => sum + part.byteLength, 64),
    ttl: 60_000,
  });
  // "N free articles left" for each N: formatted and encoded once, not per request.
  const meterNotes = new Map<number | null, Buffer>();
  const ANONYMOUS = Buffer.from(accountArea(null).value);
  const NOTHING = Buffer.alloc(0);
  // "Access provided by <group>" for readers on an institution's network (group access), by the groups' ids.
  const groupNotes = new Map<string, Buffer>();
  let seenVersion = ctx.business.version();

  async function page(request: FastifyRequest, read: ArticleRead, slots: { account?: string; meter?: string; gift?: string }) {
    const chrome = await pageChrome(ctx, request);
    return articlePage(
      {
        chrome: slots.account === undefined ? chrome : { ...chrome, accountSlot: raw(slots.account) },
        read,
        publicUrl: ctx.config.publicUrl,
        timeZone: ctx.policy.timeZone,
        freeLimit: ctx.policy.freeLimit,
        registrationBonus: ctx.policy.registrationBonus,
        lowestPerMonth: await lowestPerMonth(ctx),
        bestValue: await bestValue(ctx),
        includes: await offeredByPlans(ctx),
        related: await ctx.content.related(read.prepared.article, 4),
        plans: read.decision.allowed ? [] : await ctx.plans(),
        newsletterBox: newsletterPromo(await ctx.newsletters.lists(), read.prepared.article.section),
      },
      { meter: slots.meter === undefined ? undefined : raw(slots.meter), gift: slots.gift === undefined ? undefined : raw(slots.gift) },
    );
  }

  async function parts(request: FastifyRequest, read: ArticleRead, key: string): Promise<[Buffer, Buffer, Buffer, Buffer]> {
    const hit = cache.get(key);
    if (hit) return hit;
    const whole = await page(request, read, { account: ACCOUNT_SLOT, meter: METER_SLOT, gift: GIFT_SLOT });
    const [head = '', rest = ''] = whole.split(ACCOUNT_SLOT);
    const [middle = '', after = ''] = rest.split(METER_SLOT);
    const [body = '', tail = ''] = after.split(GIFT_SLOT);
    const cut: [Buffer, Buffer, Buffer, Buffer] = [Buffer.from(head), Buffer.from(middle), Buffer.from(body), Buffer.from(tail)];
    cache.set(key, cut);
    return cut;
  }

  return async function render(request: FastifyRequest, reply: FastifyReply, read: ArticleRead): Promise<Buffer> {
    // The gifted full text never enters the cache: rendered for this request, with the gift's note.
    if (read.decision.reason === 'gift') return Buffer.from(await page(request, read, {}));
    const { prepared, decision, readerContext } = read;
    // Saved copy or paywall settings change what every variant says: start afresh at each settings refresh.
    const version = ctx.business.version();
    if (version !== seenVersion) {
      cache.clear();
      meterNotes.clear();
      groupNotes.clear();
      seenVersion = version;
    }
    const key = [
      prepared.article.slug,
      prepared.article.updatedAt.getTime(),
      // An edited lead image (new crop, words) changes the page, not the article.
      prepared.article.leadImage?.image?.version ?? '',
      decision.allowed ? 'allowed' : decision.reason,
      readerContext.reader.entitlements.has(ENTITLEMENTS.adFree) ? 'ad-free' : 'ads',
      readerContext.reader.kind,
      ctx.settings.version(),
    ].join('|');
    const [head, middle, body, tail] = await parts(request, read, key);
    const user = request.auth?.user;
    const noteKey = meterNoteCount(read);
    let note = meterNotes.get(noteKey);
    if (note === undefined) {
      note = Buffer.from(meterNote(read, ctx.copy).toString());
      meterNotes.set(noteKey, note);
    }
    const account = user ? Buffer.from(accountArea(user).value) : ANONYMOUS;
    // Only a subscriber reading with their subscription may gift, and only while gifting is on.
    const gift =
      user && can(actorOf(user), 'giftArticle', read.decision) && ctx.gifts.enabled()
        ? Buffer.from(giftForm(prepared.article.slug, reply.generateCsrf(), ctx.copy.render('article.gift_button')).value)
        : NOTHING;
    const { groups } = readerContext;
    let groupNote: Buffer = NOTHING;
    if (groups.length > 0 && decision.allowed && prepared.article.visibility !== 'free') {
      const groupKey = groups.map((g) => g.id).join(',');
      groupNote = groupNotes.get(groupKey) ?? Buffer.from(groupAccessNote(groups.map((g) => g.name)).toString());
      if (groupNotes.size < 1_000) groupNotes.set(groupKey, groupNote);
    }
    return Buffer.concat([head, account, middle, note, groupNote, body, gift, tail]);
  };
}
