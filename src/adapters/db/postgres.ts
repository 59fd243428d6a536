import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from '../../domain/ports/database.js';
import { logTo, type DatabaseHandle, type QueryObserver } from './handle.js';
import { appPool } from './pg-pool.js';

// Return BIGINT as JS numbers where they fit (as PGlite does): ids, counts and paise stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`integer out of range: ${value}`);
  return n;
});

/** A PostgreSQL server through a node-postgres pool. */
export async function openPostgres(url: string, onQuery?: QueryObserver): Promise<DatabaseHandle> {
  const pool = appPool({ connectionString: url, max: 10 });
  await pool.query('select 1');
  return {
    engine: 'postgres',
    db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...(onQuery ? { log: logTo(onQuery) } : {}) }),
    // A query without parameters goes over the simple protocol, which takes several statements.
    runScript: async (tx, script) => {
      await sql.raw(script).execute(tx);
    },
    // A connection of its own, outside the pool, stays subscribed. If it drops, runners still poll.
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify();
      });
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
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
