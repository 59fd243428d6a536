import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

/** Runs `cleanup` when the test file finishes (see setup.ts), before its temp folders go. */
export function afterThisFile(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

/** Runs the cleanups registered by this test file, newest first. */
export async function runFileCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** A new empty folder under the system's temp folder, removed when the test file finishes (see setup.ts). */
export function tempDir(prefix = 'masthead-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made in this test file. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
