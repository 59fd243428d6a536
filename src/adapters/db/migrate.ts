import type { Database } from './database.js';
import content from './migrations/001-content.js';
import plans from './migrations/002-plans.js';
import accounts from './migrations/003-accounts.js';
import billing from './migrations/004-billing.js';

/** Versioned migrations, applied in order, each once. Append only: never edit a released one. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'content', sql: content },
  { version: 2, name: 'plans', sql: plans },
  { version: 3, name: 'accounts', sql: accounts },
  { version: 4, name: 'billing', sql: billing },
];

/** Applies the migrations not yet applied; returns the versions it applied. Safe to run from several instances at once. */
export async function migrate(db: Database): Promise<number[]> {
  await db.exec(`create table if not exists schema_migrations (
    version integer primary key, name text not null, applied_at timestamptz not null default now())`);
  return db.transaction(async (tx) => {
    // One migrator at a time across instances; the lock ends with the transaction.
    await tx.query('select pg_advisory_xact_lock(8151)');
    const { rows } = await tx.query<{ version: number }>('select version from schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
}
