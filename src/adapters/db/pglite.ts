import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely } from 'kysely';
import type { DB } from '../../domain/ports/database.js';
import { logTo, type DatabaseHandle, type QueryObserver } from './handle.js';
import { lockDataFolder } from './data-folder-lock.js';
import { PgliteDialect } from './pglite-dialect.js';

/** An open PGlite database and its handle: `pg` is there for what only PGlite does (such as `dumpDataDir`). */
export interface PgliteDatabase extends DatabaseHandle {
  readonly pg: PGlite;
}

/**
 * PGlite's page cache, inside the server process's memory (PostgreSQL's default, 128 MB, fills up with a site's
 * tables and stays). The data folder's files are also in the operating system's cache, so a smaller one costs a
 * copy from it, not a disk read.
 */
const SHARED_BUFFERS = '32MB';

/**
 * PGlite: PostgreSQL compiled to WASM, in process. One process at a time may open a data folder. An in-memory
 * database (`dataDir` null) may start as a copy of another's `dumpDataDir()`, which skips creating an empty cluster.
 */
export async function openPglite(
  dataDir: string | null,
  onQuery?: QueryObserver,
  options: { copyOf?: Blob | undefined } = {},
): Promise<PgliteDatabase> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const unlock = dataDir ? await lockDataFolder(dataDir) : async () => undefined;
  let pg: PGlite;
  try {
    // pg_trgm: the trigram indexes of the headline and author searches (migration 021).
    const settings = { extensions: { pg_trgm }, postgresqlconf: [`shared_buffers = ${SHARED_BUFFERS}`] };
    pg = dataDir
      ? await PGlite.create(dataDir, settings)
      : await PGlite.create({ ...settings, ...(options.copyOf ? { loadDataDir: options.copyOf } : {}) });
  } catch (error) {
    await unlock();
    throw error;
  }
  return {
    engine: 'pglite',
    pg,
    db: new Kysely<DB>({ dialect: new PgliteDialect(pg), ...(onQuery ? { log: logTo(onQuery) } : {}) }),
    // The transaction holds the session, so the script runs inside it (PGlite's exec takes several statements).
    runScript: async (_tx, script) => {
      await pg.exec(script);
    },
    listen: (channel, onNotify) => pg.listen(channel, onNotify),
    async close() {
      await pg.close();
      await unlock();
    },
  };
}
