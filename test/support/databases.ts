import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { sql } from 'kysely';
import { describe, beforeAll, afterAll } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/db/database.js';
import { withRawSql, type TestDb } from './raw-sql.js';
import { migrate } from '../../src/adapters/db/migrate.js';
import { openPglite } from '../../src/adapters/db/pglite.js';
import { MIGRATED_PGLITE } from './migrated-pglite.js';

export type Engine = 'pglite' | 'postgres';

/** The PostgreSQL server the integration tests also run on, when one is configured. */
export function postgresServerUrl(): string | null {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || null;
}

/** Engines this run covers: PGlite always, PostgreSQL too when a server URL is set. */
export function engines(): Engine[] {
  return postgresServerUrl() ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  db: TestDb;
  /** The open database as the app gets it (for LISTEN and the like). */
  handle: DatabaseHandle;
  /** Closes the connection and drops the database created for the test. */
  destroy(): Promise<void>;
}

let migrated: Promise<Blob | undefined> | undefined;

/** The run's migrated PGlite database (test/support/migrated-pglite.ts), read once per test process. */
function migratedPglite(): Promise<Blob | undefined> {
  const file = process.env[MIGRATED_PGLITE];
  migrated ??= file ? readFile(file).then((bytes) => new Blob([bytes])) : Promise.resolve(undefined);
  return migrated;
}

/** A new, migrated database of the given engine: in-memory PGlite, or a freshly created database on the server. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const handle = await openPglite(null, undefined, { copyOf: await migratedPglite() });
    await migrate(handle);
    return { db: withRawSql(handle.db), handle, destroy: () => handle.close() };
  }
  const serverUrl = postgresServerUrl();
  if (!serverUrl) throw new Error('no PostgreSQL server configured');
  const name = `masthead_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), pgliteDir: null });
  await migrate(handle);
  const db = withRawSql(handle.db);
  return {
    db,
    handle,
    async destroy() {
      await handle.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/**
 * Declares `suite` once per engine, each with its own fresh database.
 * Inside, call `get()` to reach the database of the running engine.
 */
export function describeEachEngine(title: string, suite: (get: () => TestDb, engine: Engine) => void): void {
  for (const engine of engines()) {
    describe(`${title} [${engine}]`, () => {
      let test: TestDatabase | undefined;
      beforeAll(async () => {
        test = await createTestDatabase(engine);
      }, 60_000);
      afterAll(async () => {
        await test?.destroy();
      });
      suite(() => {
        if (!test) throw new Error('database not ready');
        return test.db;
      }, engine);
    });
  }
}

/**
 * Locks `table` of the test database (PostgreSQL) from another session until `release` (which may be called again): a
 * query that needs it waits, as a costly one would run, and so meets its statement timeout.
 */
export async function holdTable(db: TestDb, table: string): Promise<{ release: () => Promise<void> }> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  const url = new URL(postgresServerUrl()!);
  url.pathname = `/${rows[0]!.name}`;
  const holder = new pg.Client({ connectionString: url.toString() });
  await holder.connect();
  await holder.query('begin');
  await holder.query(`lock table ${pg.escapeIdentifier(table)} in access exclusive mode`);
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await holder.query('rollback');
      await holder.end();
    },
  };
}
