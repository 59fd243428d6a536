import { allowanceMonth, allowanceUsed, lockAllowance } from '../allowances/queries.js';
import type { Db } from '../ports/database.js';
import { can, type Actor } from '../policies/policies.js';
import {
  countGiftOpen,
  findGiftLinkOf,
  findOpenGiftLink,
  giftLinkOpen,
  insertGiftLink,
  listGiftLinkRows,
  type GiftLinkListed,
  type GiftLinkRow,
} from './queries.js';
import { giftExpiry, giftLinkId, giftToken, giftTokenHash, newGiftSalt, readGiftToken } from './token.js';

/**
 * Gift article links. A subscriber (a signed-in reader who reads the article because of an entitlement: policy
 * `giftArticle`) makes a link that opens that one article, for anyone, for `GIFT_LINK_DAYS`. A subscriber makes at
 * most the site's monthly number of links per calendar month of the publisher's time zone (0: gifting is off);
 * asking again for an article whose link is still open gives that link back and uses up nothing. Opening counts
 * every open, not different people. A link keeps opening until it ends even when its maker's subscription ends
 * first: it was given away; it goes only when its maker deletes their account (or the article is deleted).
 */

export const GIFT_LINK_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A link as its maker sees it: the token to share while it is open (null once it has ended). */
export interface GiftLink extends GiftLinkRow {
  token: string | null;
}

export type GiftLinkListItem = GiftLink & Pick<GiftLinkListed, 'slug' | 'headline'>;

export type GiftRefusal = { code: 'gifting-off' | 'not-entitled' | 'limit-reached'; message: string };
export type GiftLinkResult = { ok: true; link: GiftLink; reused: boolean } | ({ ok: false } & GiftRefusal);

export interface GiftLinkDeps {
  db: Db;
  /** The gift key (`Keys.gift`). */
  key: Buffer;
  now: () => Date;
  /** The publisher's time zone now: the months the cap counts in. */
  timeZone: () => string;
  /** Links a subscriber may make a month (the site setting, read at each use); 0 turns gifting off. */
  monthlyCap: () => number;
}

export function createGiftLinkService(deps: GiftLinkDeps) {
  const { db, key, now } = deps;
  const withToken = <T extends GiftLinkRow>(row: T, at: Date): T & GiftLink => ({
    ...row,
    token: row.expiresAt > at ? giftToken(key, { articleId: row.articleId, salt: row.salt, expiresAt: row.expiresAt }) : null,
  });

  return {
    /** Whether readers may gift at all (the button shows only then). */
    enabled: (): boolean => deps.monthlyCap() > 0,

    /**
     * Makes `actor`'s link to the article, or gives back the one still open. `access` is why the actor may read the
     * article now (the access decision's reason): only `entitled` may gift.
     */
    async create(actor: Actor, articleId: number, access: { reason: string }): Promise<GiftLinkResult> {
      const cap = deps.monthlyCap();
      if (cap <= 0) return { ok: false, code: 'gifting-off', message: 'Gift articles are turned off on this site.' };
      if (actor.kind !== 'user' || !can(actor, 'giftArticle', access))
        return { ok: false, code: 'not-entitled', message: 'Only subscribers who read this article with their subscription can gift it.' };
      const at = now();
      const month = allowanceMonth(actor.id, 'gift-link', at, deps.timeZone());
      return db.transaction().execute(async (tx): Promise<GiftLinkResult> => {
        const allowance = await lockAllowance(tx, month);
        const open = await findOpenGiftLink(tx, actor.id, articleId, at);
        if (open) return { ok: true, link: withToken(open, at), reused: true };
        if (allowance.used >= cap)
          return {
            ok: false,
            code: 'limit-reached',
            message: `You have made ${cap} gift link${cap === 1 ? '' : 's'} this month, the most a month allows. You can gift more articles from the first of next month; the links you made keep working until they end.`,
          };
        const salt = newGiftSalt();
        const link = await insertGiftLink(tx, {
          articleId,
          userId: actor.id,
          tokenHash: giftTokenHash(giftLinkId(key, salt)),
          salt,
          createdAt: at,
          expiresAt: giftExpiry(new Date(at.getTime() + GIFT_LINK_DAYS * DAY_MS)),
        });
        await allowance.take();
        return { ok: true, link: withToken(link, at), reused: false };
      });
    },

    /**
     * The stored hash of the link `token` (a `?gift=` value) names, if it is signed for this article and has not
     * ended; null for anything else. Asks no database: a made-up token costs nothing.
     */
    check(token: unknown, articleId: number): string | null {
      const read = readGiftToken(token, key, articleId, now());
      return read.status === 'valid' ? read.hash : null;
    },

    /**
     * Whether the checked link is stored and open now; counts the open when `count` (a HEAD request reads nothing).
     * False once its maker's account or the article is gone.
     */
    open(hash: string, articleId: number, options: { count: boolean }): Promise<boolean> {
      const at = now();
      return options.count ? countGiftOpen(db, hash, articleId, at) : giftLinkOpen(db, hash, articleId, at);
    },

    /** The reader's links, newest first, a page at a time: `next` is the `before` of the following page (null: last). */
    async list(userId: number, before: number | null, limit: number): Promise<{ links: GiftLinkListItem[]; next: number | null }> {
      const at = now();
      const rows = await listGiftLinkRows(db, userId, { before, limit: limit + 1 });
      const links = rows.slice(0, limit).map((row) => withToken(row, at));
      return { links, next: rows.length > limit ? (links.at(-1)?.id ?? null) : null };
    },

    /** One of the reader's links (another reader's is not found). */
    async find(userId: number, id: number): Promise<GiftLinkListItem | null> {
      const row = await findGiftLinkOf(db, userId, id);
      return row && withToken(row, now());
    },

    /** How many links the reader may still make this month, of how many. */
    async allowance(userId: number): Promise<{ cap: number; made: number; remaining: number }> {
      const cap = deps.monthlyCap();
      const made = await allowanceUsed(db, allowanceMonth(userId, 'gift-link', now(), deps.timeZone()));
      return { cap, made, remaining: Math.max(0, cap - made) };
    },
  };
}

export type GiftLinkService = ReturnType<typeof createGiftLinkService>;
