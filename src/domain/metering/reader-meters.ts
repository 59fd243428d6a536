import type { Queryable } from '../../adapters/db/database.js';
import type { MeterState } from './model.js';

/** A registered reader's meter for the period, counted across all their devices. */
export async function loadReaderMeter(db: Queryable, userId: number, period: string): Promise<MeterState> {
  const { rows } = await db.query<{ article_ids: number[] }>('select article_ids from reader_meters where user_id = $1 and period = $2', [
    userId,
    period,
  ]);
  return { period, read: rows[0]?.article_ids ?? [] };
}

/**
 * Records a metered read in one atomic statement that also enforces the limit, so concurrent requests
 * from several devices can never read past it. Returns the meter after the write, or null when the
 * limit was reached meanwhile (the caller must then deny).
 */
export async function chargeReaderMeter(
  db: Queryable,
  userId: number,
  period: string,
  articleId: number,
  limit: number,
): Promise<MeterState | null> {
  const { rows } = await db.query<{ article_ids: number[] }>(
    `insert into reader_meters as m (user_id, period, article_ids) values ($1, $2, array[$3::int])
     on conflict (user_id, period) do update set article_ids =
       case when $3::int = any(m.article_ids) then m.article_ids else array_append(m.article_ids, $3::int) end
     where $3::int = any(m.article_ids) or cardinality(m.article_ids) < $4
     returning article_ids`,
    [userId, period, articleId, limit],
  );
  return rows[0] ? { period, read: rows[0].article_ids } : null;
}
