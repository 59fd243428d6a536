import { open, readFile, unlink } from 'node:fs/promises';

/**
 * PGlite lets only one process use a data folder. This lock turns a second opener (say `masthead import`
 * while `masthead start` runs) into a clear error instead of a corrupted database. A lock left by a
 * process that has died is taken over.
 */
export async function lockDataFolder(dir: string): Promise<() => Promise<void>> {
  // Beside the folder, not in it: PGlite treats a non-empty folder as an existing database.
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(file).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `the database folder ${dir} is in use by process ${pid}; stop it first (or use DATABASE_URL for a PostgreSQL server)`,
          { cause: error },
        );
      }
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`cannot lock the database folder ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
