import pg from 'pg';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, postgresServerUrl, type TestDatabase } from '../support/databases.js';
import type { Tx } from '../../src/domain/ports/database.js';
import { insertSubscription } from '../../src/domain/billing/subscription-queries.js';
import { ensureSection, listRelatedArticles } from '../../src/domain/content/queries.js';
import { createArticle } from '../support/factories.js';

/** Runs `work` on a PostgreSQL database of its own, dropped afterwards. */
async function onOwnDatabase(work: (database: TestDatabase) => Promise<void>): Promise<void> {
  const database = await createTestDatabase('postgres');
  try {
    await work(database);
  } finally {
    await database.destroy();
  }
}

/** Runs `work` in one transaction, so on one connection: prepared statements and the plans kept for them are per connection. */
const onOneConnection = (database: TestDatabase, work: (tx: Tx) => Promise<void>) => database.handle.db.transaction().execute(work);

/** How often PostgreSQL planned the connection's prepared statement matching `pattern` for its values, and ran a plan kept for any. */
async function plansOf(tx: Tx, pattern: string) {
  const { rows } = await sql<{ generic_plans: number; custom_plans: number }>`
    select generic_plans::int, custom_plans::int from pg_prepared_statements where statement like ${pattern}`.execute(tx);
  return rows;
}

describe.runIf(postgresServerUrl())("The app's PostgreSQL connections", () => {
  // The server ends the app's connections (a restart, a failover, an administrator): the app keeps going.
  it('do not end the process when the server ends them: the pool opens new ones and the next queries answer', () =>
    onOwnDatabase(async (database) => {
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
    }));

  it('keep a statement the app sends again prepared, and after five runs one plan for it', () =>
    onOwnDatabase((database) =>
      onOneConnection(database, async (tx) => {
        for (const n of [1, 2, 3, 4, 5, 6, 7]) expect((await sql<{ n: number }>`select ${n}::int + 0 as n`.execute(tx)).rows[0]!.n).toBe(n);
        // PostgreSQL's own choice: planned for the values of the first five runs, then one plan kept.
        expect(await plansOf(tx, 'select $1::int + 0 as n')).toEqual([{ generic_plans: 2, custom_plans: 5 }]);
        // Scripts without parameters keep the simple protocol, which takes several statements at once.
        await database.handle.runScript(tx, 'select 1; select 2;');
      }),
    ));

  it('plan a pattern for the values of each run: never prepared', () =>
    onOwnDatabase((database) =>
      onOneConnection(database, async (tx) => {
        for (const word of ['mast', 'press', 'mast', 'press', 'mast', 'press', 'mast']) {
          const like = await sql<{ hit: boolean }>`select 'Masthead' ilike ${`%${word}%`} as hit`.execute(tx);
          expect(like.rows[0]!.hit).toBe(word === 'mast');
        }
        const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(tx);
        expect(prepared.rows.filter((r) => /ilike/.test(r.statement))).toEqual([]);
      }),
    ));

  // A new checkout's conflict target is matched to the partial index of open checkouts when PostgreSQL plans it; a
  // plan kept after five runs must still find that index (it did not: the sixth checkout answered 500).
  it('open a checkout for every reader on one connection past the fifth, and never a second one for a reader', () =>
    onOwnDatabase((database) =>
      onOneConnection(database, async (tx) => {
        const now = new Date('2026-12-04T10:00:00Z');
        const plan = await tx
          .insertInto('plans')
          .values({
            slug: 'quarter',
            name: 'Quarter',
            term_count: 3,
            term_unit: 'month',
            price_minor: 90000,
            currency: 'INR',
            entitlements: [],
            position: 1,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const readers = await tx
          .insertInto('users')
          .values(Array.from({ length: 8 }, (_, i) => ({ email: `reader-${i}@example.com`, role: 'reader' as const })))
          .returning('id')
          .execute();
        const checkout = (userId: number) => insertSubscription(tx, { userId, planId: plan.id, gateway: 'test', now });
        for (const reader of readers) expect(await checkout(reader.id)).toEqual(expect.any(Number));
        for (const reader of readers) expect(await checkout(reader.id)).toBeNull();
        const open = await tx.selectFrom('subscriptions').select('user_id').where('status', '=', 'awaiting-payment').execute();
        expect(open.map((r) => r.user_id).sort((a, b) => a - b)).toEqual(readers.map((r) => r.id).sort((a, b) => a - b));
      }),
    ));

  it("keep one plan for an article's related stories, whatever its tags", () =>
    onOwnDatabase(async (database) => {
      const tagSets = [['ports'], ['ports', 'shipping'], ['ports', 'shipping', 'rail']];
      await ensureSection(database.db, { slug: 'markets', name: 'Markets', position: 1, premiumEntitlement: 'premium', description: '' });
      const stories: { id: number; slug: string; tags: string[] }[] = [];
      for (const tags of tagSets) stories.push(await createArticle(database.db, { tags }));
      await onOneConnection(database, async (tx) => {
        for (let run = 0; run < 8; run++) {
          const story = stories[run % stories.length]!;
          const related = await listRelatedArticles(tx, story, 4, new Date('2026-12-04T10:00:00Z'));
          expect(related.map((r) => r.slug).sort()).toEqual(
            stories
              .filter((s) => s !== story)
              .map((s) => s.slug)
              .sort(),
          );
        }
        // Planned for the values of the first five runs, then one plan kept for the rest.
        expect(await plansOf(tx, '%from article_tags%')).toEqual([{ generic_plans: 3, custom_plans: 5 }]);
      });
    }));
});
