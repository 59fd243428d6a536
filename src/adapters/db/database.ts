import type { DatabaseHandle, QueryObserver } from './handle.js';

export type { DatabaseHandle, QueryObserver } from './handle.js';

/** Opens the configured database: PostgreSQL when a URL is given, otherwise PGlite in `pgliteDir` (or in memory when null). */
export async function openDatabase(options: {
  url: string | null;
  pgliteDir: string | null;
  onQuery?: QueryObserver;
}): Promise<DatabaseHandle> {
  if (options.url) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(options.url, options.onQuery);
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite(options.pgliteDir, options.onQuery);
}
