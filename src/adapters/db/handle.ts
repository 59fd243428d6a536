import type { Db, Tx } from '../../domain/ports/database.js';

/**
 * An open database: Kysely for every query, plus what only the composition root and the migrator need.
 * PostgreSQL dialect on both engines: PGlite (embedded, the default) and node-postgres (DATABASE_URL).
 */
export interface DatabaseHandle {
  readonly db: Db;
  readonly engine: 'pglite' | 'postgres';
  /** Runs a script of several statements without parameters (migrations) inside the transaction `tx`. */
  runScript(tx: Tx, script: string): Promise<void>;
  /**
   * Calls `onNotify` for each NOTIFY on `channel` (sent by any connection, delivered when its transaction
   * commits). Resolves to a function that stops listening.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Sees every query as it is sent (diagnostics, such as the query-plan report). */
export type QueryObserver = (sql: string, parameters: readonly unknown[]) => void;

/** Kysely's `log` option for an observer. */
export function logTo(onQuery: QueryObserver) {
  return (event: { level: string; query: { sql: string; parameters: readonly unknown[] } }) => {
    if (event.level === 'query') onQuery(event.query.sql, event.query.parameters);
  };
}
