/**
 * The database port: PostgreSQL dialect, parameters as $1, $2 …
 * Implemented by PGlite (embedded, the default) and node-postgres (DATABASE_URL).
 * Repository functions take a `Queryable` first so the transaction scope is visible at the call.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
  /** Executes a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  readonly engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** Opens the configured database: PostgreSQL when a URL is given, otherwise PGlite in `pgliteDir` (or in memory when null). */
export async function openDatabase(options: { url: string | null; pgliteDir: string | null }): Promise<Database> {
  if (options.url) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(options.url);
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite(options.pgliteDir);
}
