import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Gives the test run a temp folder of its own (TMPDIR, inherited by every test worker) and checks at the end
 * that the tests removed whatever they made there: a test that leaves folders behind fails the run.
 */
export default function setup(): () => void {
  const runDir = mkdtempSync(join(tmpdir(), 'masthead-run-'));
  process.env.TMPDIR = runDir;
  return () => {
    const left = readdirSync(runDir);
    rmSync(runDir, { recursive: true, force: true });
    if (left.length > 0) {
      // Vitest reports an error thrown here but still exits 0, so the exit code is set as well.
      process.exitCode = 1;
      throw new Error(`tests left ${left.length} temporary file(s) behind: ${left.slice(0, 10).join(', ')}`);
    }
  };
}
