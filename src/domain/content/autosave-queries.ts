import { sql } from 'kysely';
import type { Db } from '../ports/database.js';

/** Autosaves: one per user and article (a new article's under none). */

const forArticle = (articleId: number | null) =>
  articleId === null ? sql<boolean>`article_id is null` : sql<boolean>`article_id = ${articleId}`;

export async function articleExists(db: Db, articleId: number): Promise<boolean> {
  return (await db.selectFrom('articles').select('id').where('id', '=', articleId).executeTakeFirst()) !== undefined;
}

export async function upsertAutosave(db: Db, userId: number, articleId: number | null, values: Record<string, string>, at: Date) {
  await sql`insert into article_autosaves (user_id, article_id, "values", saved_at)
    values (${userId}, ${articleId}, ${JSON.stringify(values)}::jsonb, ${at})
    on conflict (user_id, coalesce(article_id, 0)) do update set "values" = excluded."values", saved_at = excluded.saved_at`.execute(db);
}

export async function findAutosave(db: Db, userId: number, articleId: number | null) {
  const row = await db
    .selectFrom('article_autosaves')
    .select(['values', 'saved_at'])
    .where('user_id', '=', userId)
    .where(forArticle(articleId))
    .executeTakeFirst();
  return row ? { values: row.values as Record<string, string>, savedAt: row.saved_at } : null;
}

export async function deleteAutosave(db: Db, userId: number, articleId: number | null): Promise<void> {
  await db.deleteFrom('article_autosaves').where('user_id', '=', userId).where(forArticle(articleId)).execute();
}
