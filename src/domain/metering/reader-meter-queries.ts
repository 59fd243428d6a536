import { sql } from 'kysely';
import type { Db } from '../ports/database.js';
import type { MeterState } from './model.js';

/** A registered reader's meter for the period, counted across all their devices. */
/** The articles a signed-in reader has read in `period` (a query to run, or to nest in a larger one). */
export function readerMeterQuery(db: Db, userId: number, period: string) {
  return db.selectFrom('reader_meters').select('article_ids').where('user_id', '=', userId).where('period', '=', period);
}

export async function loadReaderMeter(db: Db, userId: number, period: string): Promise<MeterState> {
  const row = await readerMeterQuery(db, userId, period).executeTakeFirst();
  return { period, read: row?.article_ids ?? [] };
}

/** Every period's meter of a reader, oldest first (the reader's data export). */
export async function listReaderMeters(db: Db, userId: number): Promise<MeterState[]> {
  const rows = await db
    .selectFrom('reader_meters')
    .select(['period', 'article_ids'])
    .where('user_id', '=', userId)
    .orderBy('period')
    .execute();
  return rows.map((r) => ({ period: r.period, read: r.article_ids }));
}

/** Erases a reader's reading history (account deletion). */
export async function deleteReaderMeters(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('reader_meters').where('user_id', '=', userId).execute();
}

/**
 * Records a metered read in one atomic statement that also enforces the limit, so concurrent requests
 * from several devices can never read past it. Returns the meter after the write, or null when the
 * limit was reached meanwhile (the caller must then deny).
 */
export async function chargeReaderMeter(
  db: Db,
  userId: number,
  period: string,
  articleId: number,
  limit: number,
): Promise<MeterState | null> {
  const id = sql<number>`${articleId}::int`;
  const row = await db
    .insertInto('reader_meters')
    .values({ user_id: userId, period, article_ids: sql<number[]>`array[${id}]` })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'period'])
        .doUpdateSet({
          article_ids: sql<
            number[]
          >`case when ${id} = any(reader_meters.article_ids) then reader_meters.article_ids else array_append(reader_meters.article_ids, ${id}) end`,
        })
        .where((eb) =>
          eb.or([
            sql<boolean>`${id} = any(reader_meters.article_ids)`,
            eb(eb.fn('cardinality', ['reader_meters.article_ids']), '<', limit),
          ]),
        ),
    )
    .returning('article_ids')
    .executeTakeFirst();
  return row ? { period, read: row.article_ids } : null;
}
