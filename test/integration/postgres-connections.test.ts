import pg from 'pg';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, postgresServerUrl } from '../support/databases.js';

// The server ends the app's connections (a restart, a failover, an administrator): the app keeps going.
describe.runIf(postgresServerUrl())('PostgreSQL connections that the server ends', () => {
  it('do not end the process: the pool opens new ones and the next queries answer', async () => {
    const database = await createTestDatabase('postgres');
    try {
      const { db } = database.handle;
      // Some connections idle in the pool, one checked out in a transaction when the server ends them all.
      await Promise.all([1, 2, 3].map(() => sql`select pg_sleep(0.05)`.execute(db)));
      const name = (await sql<{ name: string }>`select current_database() as name`.execute(db)).rows[0]!.name;
      const inTransaction = db.transaction().execute(async (tx) => {
        await sql`select 1`.execute(tx);
        const admin = new pg.Client({ connectionString: postgresServerUrl()! });
        await admin.connect();
        const ended = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
        await admin.end();
        expect(ended.rowCount).toBeGreaterThanOrEqual(1);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await sql`select 1`.execute(tx);
      });
      await expect(inTransaction).rejects.toThrow();
      const answers = await Promise.all([1, 2, 3, 4].map((n) => sql<{ n: number }>`select ${n}::int as n`.execute(db)));
      expect(answers.map((a) => a.rows[0]!.n)).toEqual([1, 2, 3, 4]);
    } finally {
      await database.destroy();
    }
  });
});
