import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.js';

const root = new URL('../..', import.meta.url).pathname;

/** A tiny project laid out like Masthead, with the real prestart script and the real TypeScript. */
function project(): string {
  const dir = tempDir('masthead-build-');
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'node_modules'));
  cpSync(join(root, 'scripts', 'build-if-stale.mjs'), join(dir, 'scripts', 'build-if-stale.mjs'));
  symlinkSync(join(root, 'node_modules', 'typescript'), join(dir, 'node_modules', 'typescript'));
  writeFileSync(join(dir, 'src', 'main.ts'), 'export const answer: number = 42;\n');
  writeFileSync(join(dir, 'tsconfig.json'), '{}\n');
  writeFileSync(
    join(dir, 'tsconfig.build.json'),
    JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src', module: 'NodeNext' }, include: ['src'] }),
  );
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'package-lock.json'), '{}\n');
  return dir;
}

describe('npm start builds only what changed', () => {
  const dir = project();
  const built = join(dir, 'dist', 'main.js');
  const start = () => execFileSync(process.execPath, [join(dir, 'scripts', 'build-if-stale.mjs')], { stdio: 'pipe' });

  it('compiles on the first start, skips the compiler while the build is current, and compiles again after an edit', () => {
    start();
    const first = statSync(built).mtimeMs;
    // Make the build look old enough that a rewrite would show in the file's time.
    const past = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    utimesSync(built, past, past);
    start();
    const seconds = (path: string) => Math.round(statSync(path).mtimeMs / 1000);
    expect(seconds(built)).toBe(past.getTime() / 1000);

    writeFileSync(join(dir, 'src', 'main.ts'), 'export const answer: number = 43;\n');
    start();
    expect(seconds(built)).toBeGreaterThan(past.getTime() / 1000);
    expect(first).toBeGreaterThan(0);
  }, 60_000);
});
