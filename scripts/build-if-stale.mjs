#!/usr/bin/env node
// `npm start` runs this first: it compiles TypeScript only when a source file, a tsconfig or the lockfile
// changed since the last build, so a restart serves within a few seconds instead of waiting on tsc.
// `--force` (npm run build) always compiles.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');

function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'].map((p) => join(root, p));
const built = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (!process.argv.includes('--force') && built > 0 && inputs.every((p) => newest(p) < built)) process.exit(0);

const startedAt = Date.now();
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
// Stamped with the time the build started: a file saved while tsc ran is newer, so the next start rebuilds.
writeFileSync(stamp, `${new Date(startedAt).toISOString()}\n`);
utimesSync(stamp, new Date(startedAt), new Date(startedAt));
