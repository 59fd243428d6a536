import { sql } from 'kysely';
import type { Db } from '../ports/database.js';
import type { MeterStore } from '../ports/meter-store.js';

/** Anonymous meters in the database (table `anonymous_meters`): for several instances without Redis. */
export function databaseMeterStore(db: Db): MeterStore {
  return {
    async read(readerId, period) {
      const row = await db
        .selectFrom('anonymous_meters')
        .select('article_ids')
        .where('reader_id', '=', readerId)
        .where('period', '=', period)
        .executeTakeFirst();
      return row?.article_ids ?? [];
    },
    // One statement checks and adds, so concurrent requests on any instance never pass the limit.
    async charge(readerId, period, articleId, limit) {
      const id = sql<number>`${articleId}::int`;
      const row = await db
        .insertInto('anonymous_meters')
        .values({ reader_id: readerId, period, article_ids: sql<number[]>`array[${id}]` })
        .onConflict((oc) =>
          oc
            .columns(['reader_id', 'period'])
            .doUpdateSet({
              article_ids: sql<
                number[]
              >`case when ${id} = any(anonymous_meters.article_ids) then anonymous_meters.article_ids else array_append(anonymous_meters.article_ids, ${id}) end`,
              updated_at: sql<Date>`now()`,
            })
            .where((eb) =>
              eb.or([
                sql<boolean>`${id} = any(anonymous_meters.article_ids)`,
                eb(eb.fn('cardinality', ['anonymous_meters.article_ids']), '<', limit),
              ]),
            ),
        )
        .returning('article_ids')
        .executeTakeFirst();
      return row?.article_ids ?? null;
    },
    async close() {
      // The database belongs to the app, which closes it.
    },
  };
}

/** Deletes anonymous meters of months before `period` (they no longer count). Returns how many went. */
export async function deleteMetersBefore(db: Db, period: string): Promise<number> {
  const result = await db.deleteFrom('anonymous_meters').where('period', '<', period).executeTakeFirst();
  return Number(result.numDeletedRows);
}
