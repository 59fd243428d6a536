import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../src/adapters/db/migrate.js';
import { openPglite } from '../../src/adapters/db/pglite.js';

/** Where the run's migrated PGlite database is (set by the global setup, read by test/support/databases.ts). */
export const MIGRATED_PGLITE = 'MASTHEAD_TEST_PGLITE_COPY';

/**
 * Creates and migrates one PGlite database and writes its dump into `dir`: every PGlite test database starts as
 * a copy of it instead of creating an empty cluster and migrating it again (seconds each on a small machine, for
 * some ninety databases a run). The migrations themselves still run here, on every run. Returns the file.
 */
export async function writeMigratedPglite(dir: string): Promise<string> {
  const handle = await openPglite(null);
  try {
    await migrate(handle);
    const dump = await handle.pg.dumpDataDir('none');
    const file = join(dir, 'migrated-pglite.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    return file;
  } finally {
    await handle.close();
  }
}
