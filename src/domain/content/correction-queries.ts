import { sql } from 'kysely';
import type { Db } from '../ports/database.js';
import type { Correction, CorrectionKind } from './model.js';

/** The corrections table, and the article's last change they move. */

interface CorrectionRow {
  id: number;
  article_id: number;
  kind: CorrectionKind;
  body: string;
  created_at: Date | string;
  updated_at: Date | string;
}

const toCorrection = (r: CorrectionRow): Correction => ({
  id: r.id,
  articleId: r.article_id,
  kind: r.kind,
  text: r.body,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

export async function listCorrections(db: Db, articleId: number): Promise<Correction[]> {
  const rows = await db
    .selectFrom('article_corrections')
    .select(['id', 'article_id', 'kind', 'body', 'created_at', 'updated_at'])
    .where('article_id', '=', articleId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toCorrection);
}

/** An article's corrections, oldest first, as a column of the article's own row (`articles` in scope): no second query. */
export const CORRECTIONS = sql<CorrectionRow[]>`coalesce((select json_agg(json_build_object('id', c.id, 'article_id', c.article_id,
  'kind', c.kind, 'body', c.body, 'created_at', c.created_at, 'updated_at', c.updated_at) order by c.created_at, c.id)
  from article_corrections c where c.article_id = articles.id), '[]'::json)`.as('corrections');

/** The corrections a CORRECTIONS column holds (timestamps arrive as JSON text). */
export const readCorrections = (rows: readonly CorrectionRow[]): Correction[] => rows.map(toCorrection);

/** Moves the article's last change to `at` (cached pages key on it); false when there is no such article. */
export async function touchArticle(db: Db, articleId: number, at: Date): Promise<boolean> {
  const row = await db.updateTable('articles').set({ updated_at: at }).where('id', '=', articleId).returning('id').executeTakeFirst();
  return row !== undefined;
}

export async function insertCorrection(
  db: Db,
  c: { articleId: number; kind: CorrectionKind; text: string; at: Date; userId: number | null },
): Promise<number> {
  const row = await db
    .insertInto('article_corrections')
    .values({ article_id: c.articleId, kind: c.kind, body: c.text, created_at: c.at, updated_at: c.at, user_id: c.userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The correction as it is, locked until the transaction ends; null when the article has no such correction. */
export async function lockCorrection(db: Db, articleId: number, id: number): Promise<{ kind: CorrectionKind; text: string } | null> {
  const row = await db
    .selectFrom('article_corrections')
    .select(['kind', 'body'])
    .where('id', '=', id)
    .where('article_id', '=', articleId)
    .forUpdate()
    .executeTakeFirst();
  return row ? { kind: row.kind, text: row.body } : null;
}

export async function updateCorrection(db: Db, id: number, c: { kind: CorrectionKind; text: string; at: Date }): Promise<void> {
  await db.updateTable('article_corrections').set({ kind: c.kind, body: c.text, updated_at: c.at }).where('id', '=', id).execute();
}
