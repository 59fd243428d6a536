import { sql } from 'kysely';
import type { Db, Tx } from '../ports/database.js';

/** Gift article links' reads and writes (`gift_links`: migration 026; the monthly count is an allowance). */

export interface GiftLinkRow {
  id: number;
  articleId: number;
  salt: string;
  createdAt: Date;
  expiresAt: Date;
  opens: number;
}

/** A link as its maker's list shows it, with the article it opens. */
export interface GiftLinkListed extends GiftLinkRow {
  slug: string;
  headline: string;
}

const COLUMNS = [
  'g.id',
  'g.article_id as articleId',
  'g.salt',
  'g.created_at as createdAt',
  'g.expires_at as expiresAt',
  'g.opens',
] as const;

/** Links with the slug and headline of the article each opens. */
const listed = (db: Db) =>
  db
    .selectFrom('gift_links as g')
    .innerJoin('articles as a', 'a.id', 'g.article_id')
    .select([...COLUMNS, 'a.slug', 'a.headline']);

/** The maker's link to this article still open at `now`, the one ending last; null when none is. */
export async function findOpenGiftLink(db: Db, userId: number, articleId: number, now: Date): Promise<GiftLinkRow | null> {
  const row = await db
    .selectFrom('gift_links as g')
    .select(COLUMNS)
    .where('g.created_by', '=', userId)
    .where('g.article_id', '=', articleId)
    .where('g.expires_at', '>', now)
    .orderBy('g.expires_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

export async function insertGiftLink(
  tx: Tx,
  link: { articleId: number; userId: number; tokenHash: string; salt: string; createdAt: Date; expiresAt: Date },
): Promise<GiftLinkRow> {
  return tx
    .insertInto('gift_links')
    .values({
      article_id: link.articleId,
      created_by: link.userId,
      token_hash: link.tokenHash,
      salt: link.salt,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
    })
    .returning(['id', 'article_id as articleId', 'salt', 'created_at as createdAt', 'expires_at as expiresAt', 'opens'])
    .executeTakeFirstOrThrow();
}

/**
 * Counts one open of the link with this hash to this article, if it is still open at `now`, in one atomic
 * statement (concurrent opens all count). False when there is no such link (withdrawn with its maker's account).
 */
export async function countGiftOpen(db: Db, tokenHash: string, articleId: number, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('gift_links')
    .set({ opens: sql<number>`opens + 1` })
    .where('token_hash', '=', tokenHash)
    .where('article_id', '=', articleId)
    .where('expires_at', '>', now)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the link exists and is open (a HEAD request: nothing is read, so nothing is counted). */
export async function giftLinkOpen(db: Db, tokenHash: string, articleId: number, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('gift_links')
    .select('id')
    .where('token_hash', '=', tokenHash)
    .where('article_id', '=', articleId)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

/** A maker's links, newest first, `limit` of them after the link `before` (keyset on the id). */
export async function listGiftLinkRows(
  db: Db,
  userId: number,
  options: { before: number | null; limit: number },
): Promise<GiftLinkListed[]> {
  let query = listed(db).where('g.created_by', '=', userId);
  if (options.before !== null) query = query.where('g.id', '<', options.before);
  return query.orderBy('g.id', 'desc').limit(options.limit).execute();
}

/** One of a maker's links with its article; null when they made no such link. */
export async function findGiftLinkOf(db: Db, userId: number, id: number): Promise<GiftLinkListed | null> {
  const row = await listed(db).where('g.created_by', '=', userId).where('g.id', '=', id).executeTakeFirst();
  return row ?? null;
}

/** Every link a reader made, oldest first (the reader's data export). */
export async function listAllGiftLinksOf(db: Db, userId: number): Promise<GiftLinkListed[]> {
  return listed(db).where('g.created_by', '=', userId).orderBy('g.id').execute();
}

/** Erases the links a reader made (account deletion): the links stop opening. */
export async function deleteGiftLinksOf(tx: Tx, userId: number): Promise<void> {
  await tx.deleteFrom('gift_links').where('created_by', '=', userId).execute();
}
