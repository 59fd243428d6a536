import pg from 'pg';
import type { Database, Queryable } from './database.js';

// Return BIGINT/NUMERIC as JS numbers where they fit: ids and paise stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`integer out of range: ${value}`);
  return n;
});

/** A PostgreSQL server through a node-postgres pool. */
export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query('select 1');
  const wrap = (q: Pick<pg.Pool, 'query'>): Queryable => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await q.query(sql, params as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await q.query(sql);
    },
  });
  const base = wrap(pool);
  return {
    engine: 'postgres',
    query: base.query,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(wrap(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    exec: base.exec,
    // pool.end() resolves before its clients have closed their connections; wait for each to go, so a
    // caller that drops the database next does not kill live connections.
    close: () =>
      new Promise<void>((resolve, reject) => {
        let open = pool.totalCount;
        if (open === 0) return void pool.end().then(resolve, reject);
        pool.on('remove', () => {
          if (--open === 0) resolve();
        });
        pool.end().catch(reject);
      }),
  };
}
