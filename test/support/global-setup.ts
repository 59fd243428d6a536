import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATED_PGLITE, writeMigratedPglite } from './migrated-pglite.js';

/**
 * Gives the test run a temp folder of its own (TMPDIR, inherited by every test worker) and checks at the end
 * that the tests removed whatever they made there: a test that leaves folders behind fails the run. Also leaves
 * a migrated PGlite database for the test databases to copy, in a folder of its own.
 */
export default async function setup(): Promise<() => void> {
  const shared = mkdtempSync(join(tmpdir(), 'masthead-shared-'));
  try {
    process.env[MIGRATED_PGLITE] = await writeMigratedPglite(shared);
  } catch (error) {
    rmSync(shared, { recursive: true, force: true });
    throw error;
  }
  const runDir = mkdtempSync(join(tmpdir(), 'masthead-run-'));
  process.env.TMPDIR = runDir;
  // From Node 22, TypeScript's compiler (which the CLI tests start through `npm start`'s build) keeps a compile cache
  // in the temp folder: a cache, not something a test made.
  process.env.NODE_DISABLE_COMPILE_CACHE = '1';
  return () => {
    rmSync(shared, { recursive: true, force: true });
    const left = readdirSync(runDir);
    rmSync(runDir, { recursive: true, force: true });
    if (left.length > 0) {
      // Vitest reports an error thrown here but still exits 0, so the exit code is set as well.
      process.exitCode = 1;
      throw new Error(`tests left ${left.length} temporary file(s) behind: ${left.slice(0, 10).join(', ')}`);
    }
  };
}
