import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { listChanges } from '../../src/domain/audit/queries.js';
import { upsertPlan } from '../../src/domain/billing/plan-queries.js';
import { seedBaseline } from '../../src/domain/content/seed.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A new PGlite data folder takes a few seconds to create; CI machines are small. */
const SLOW = 120_000;
const STACK_FRAME = /^\s+at .+:\d+(:\d+)?\)?$/m;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of this test run without anything that would configure Masthead (e.g. a PostgreSQL URL). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(MASTHEAD_|DATABASE_URL$|TEST_DATABASE_URL$|REDIS_URL$|PORT$|HOST$|PUBLIC_URL$|SECRET_KEY$|LOG_LEVEL$|PG)/.test(name))
      delete env[name];
  }
  return env;
}

// The CLI as an operator runs it: the build (`dist/`), compiled first if a source file changed since.
beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: ROOT, stdio: 'pipe' });
}, SLOW);

/** Runs `masthead …`: the built CLI. */
function masthead(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli.js', ...args], {
      cwd: ROOT,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), SLOW - 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const IDENTITY = {
  MASTHEAD_SUPPLIER_NAME: 'Bengaluru Courier Media Pvt Ltd',
  MASTHEAD_SUPPLIER_ADDRESS: '14 Residency Road | Bengaluru 560025',
  MASTHEAD_SUPPLIER_STATE: '29',
  MASTHEAD_SUPPLIER_GSTIN: '29AAGCB1286Q1Z0',
  MASTHEAD_INVOICE_SERIES: 'BC',
};

const nonEmptyLines = (text: string) => text.split(/\r?\n/).filter((l) => l.trim() !== '');

function article(slug: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    slug,
    headline: `Headline of ${slug}`,
    standfirst: 'A standfirst.',
    body: 'One paragraph.\n\nAnother paragraph.',
    section: 'markets',
    visibility: 'metered',
    provenance: 'staff',
    published_at: '2026-11-20T09:30:00+05:30',
    ...overrides,
  });
}

describe('masthead CLI', () => {
  let work: string;
  let env: Record<string, string>;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'masthead-cli-'));
    // One data folder for the whole file: the commands below run one after another against it.
    env = { MASTHEAD_DATA: join(work, 'data'), MASTHEAD_DEMO: 'false', LOG_LEVEL: 'silent' };
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('migrate creates the database and exits 0', { timeout: SLOW }, async () => {
    const run = await masthead(['migrate'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Database is up to date.');
  });

  it('import reports bad lines by number, imports the good ones and exits 1', { timeout: SLOW }, async () => {
    const file = join(work, 'first.ndjson');
    writeFileSync(
      file,
      [
        article('cli-first'),
        '{"slug": "cli-broken", "headline": "no closing brace"',
        article('cli-second', { section: 'economy' }),
        article('cli-nowhere', { section: 'sport' }),
        article('cli-third', { visibility: 'free' }),
      ].join('\n') + '\n',
    );
    const run = await masthead(['import', file], env);
    expect(run.code).toBe(1);
    const errors = nonEmptyLines(run.stderr);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^line 2: .*JSON/);
    expect(errors[1]).toMatch(/^line 4: .*section "sport"/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stdout.trim()).toBe('Imported 3 of 5 lines: 3 new, 0 updated, 2 failed.');
  });

  it('import of a file with only good lines exits 0 and updates by slug', { timeout: SLOW }, async () => {
    const file = join(work, 'second.ndjson');
    // Saved on Windows: a byte-order mark and CRLF line endings.
    writeFileSync(
      file,
      '\uFEFF' +
        [article('cli-first', { headline: 'First, corrected' }), article('cli-third'), article('cli-fourth')].join('\r\n') +
        '\r\n',
    );
    const run = await masthead(['import', file], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Imported 3 of 3 lines: 1 new, 2 updated, 0 failed.');
  });

  it(
    'reindex rebuilds the search documents in the configured language, and names a configuration that does not exist',
    { timeout: SLOW },
    async () => {
      const run = await masthead(['reindex'], { ...env, MASTHEAD_SEARCH_CONFIG: 'simple' });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe('Reindexed 4 articles for search (configuration: simple).');
      const bad = await masthead(['reindex'], { ...env, MASTHEAD_SEARCH_CONFIG: 'klingon' });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('MASTHEAD_SEARCH_CONFIG: "klingon" is not a text search configuration of this database');
      expect(bad.stderr).not.toMatch(STACK_FRAME);
    },
  );

  it('start on a port another program holds exits 1 with one error line saying so', { timeout: SLOW }, async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const run = await masthead(['start'], { ...env, PORT: String((taken.address() as AddressInfo).port), HOST: '127.0.0.1' });
      expect(run.code).toBe(1);
      expect(
        nonEmptyLines(run.stderr).filter((l) => l.startsWith('masthead:')),
        run.stderr,
      ).toEqual([expect.stringMatching(/^masthead: listen EADDRINUSE: address already in use/)]);
      expect(run.stderr).not.toMatch(STACK_FRAME);
    } finally {
      taken.close();
    }
  });

  it('import of a file that does not exist says so in one line and exits 1', { timeout: SLOW }, async () => {
    const run = await masthead(['import', join(work, 'missing.ndjson')], env);
    expect(run.code).toBe(1);
    expect(nonEmptyLines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('missing.ndjson');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('refuses a data folder another process is using, in one line, exit 1', { timeout: SLOW }, async () => {
    const lock = join(work, 'data', 'pglite.lock');
    writeFileSync(lock, String(process.pid)); // this test process is alive, so the folder counts as in use
    try {
      const run = await masthead(['migrate'], env);
      expect(run.code).toBe(1);
      expect(nonEmptyLines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toMatch(/in use/);
      expect(run.stderr).not.toMatch(STACK_FRAME);
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('stored exactly what the imports reported', { timeout: SLOW }, async () => {
    const handle = await openDatabase({ url: null, pgliteDir: join(work, 'data', 'pglite') });
    try {
      const rows = await handle.db.selectFrom('articles').select(['slug', 'headline', 'section']).orderBy('slug').execute();
      expect(rows).toEqual([
        { slug: 'cli-first', headline: 'First, corrected', section: 'markets' },
        { slug: 'cli-fourth', headline: 'Headline of cli-fourth', section: 'markets' },
        { slug: 'cli-second', headline: 'Headline of cli-second', section: 'economy' },
        { slug: 'cli-third', headline: 'Headline of cli-third', section: 'markets' },
      ]);
    } finally {
      await handle.close();
    }
  });

  it('settings supplier checks what it is given as the variables are checked, in one line, exit 2', { timeout: SLOW }, async () => {
    const options = ['--name', 'Bengaluru Courier Media Pvt Ltd', '--address', '14 Residency Road | Bengaluru 560025', '--state', '29'];
    const bad = await masthead(['settings', 'supplier', ...options, '--gstin', '29AAGCB1286Q1Z1', '--series', 'BC'], env);
    expect(bad.code).toBe(2);
    expect(nonEmptyLines(bad.stderr)).toEqual(['masthead settings: --gstin: "29AAGCB1286Q1Z1" fails its check character (a typo?)']);
    const partial = await masthead(['settings', 'supplier', '--gstin', '29AAGCB1286Q1Z0'], env);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('missing --name, --address, --state, --series');
  });

  it('settings supplier shows the identity new invoices carry, and stores a new one', { timeout: SLOW }, async () => {
    const options = ['--name', 'Bengaluru Courier Media Pvt Ltd', '--address', '14 Residency Road | Bengaluru 560025', '--state', '29'];

    expect((await masthead(['settings', 'supplier'], env)).stdout).toMatch(/^\(demo\) The Daily Ledger Media Pvt Ltd/);
    const good = await masthead(['settings', 'supplier', ...options, '--gstin', '29AAGCB1286Q1Z0', '--series', 'BC'], env);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('New invoices carry: Bengaluru Courier Media Pvt Ltd, 14 Residency Road, Bengaluru 560025; State 29');
    const shown = await masthead(['settings', 'supplier'], env);
    expect(shown.stdout.trim()).toBe(
      'Bengaluru Courier Media Pvt Ltd, 14 Residency Road, Bengaluru 560025; State 29; GSTIN 29AAGCB1286Q1Z0; invoices BC/…, credit notes CN/…',
    );
    // The change is in the audit log, made from the command line (no account).
    const handle = await openDatabase({ url: null, pgliteDir: join(work, 'data', 'pglite') });
    try {
      const [entry] = await listChanges(handle.db, { area: 'settings', limit: 1 });
      expect(entry).toMatchObject({ subject: 'supplier', user: null });
      expect(entry?.after).toMatchObject({ name: 'Bengaluru Courier Media Pvt Ltd', gstin: '29AAGCB1286Q1Z0' });
    } finally {
      await handle.close();
    }
  });

  it('plans lists the plans on sale and warns about one priced above the ₹15,000 e-mandate limit', { timeout: SLOW }, async () => {
    const handle = await openDatabase({ url: null, pgliteDir: join(work, 'data', 'pglite') });
    try {
      await seedBaseline(handle.db);
      await upsertPlan(handle.db, {
        slug: 'patron',
        name: 'Patron',
        term: { count: 1, unit: 'year' },
        price: { minor: 2_000_000, currency: 'INR' },
        entitlements: ['premium'],
        position: 9,
      });
    } finally {
      await handle.close();
    }
    const run = await masthead(['plans'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = nonEmptyLines(run.stdout);
    expect(lines.find((l) => l.startsWith('smart-quarterly'))).toContain('Smart Quarterly: ₹900 every 3 months (₹300/month)');
    const patron = lines.findIndex((l) => l.startsWith('patron'));
    expect(lines[patron]).toContain('Patron: ₹20,000 every year');
    expect(lines[patron + 1]).toMatch(/^ {2}Warning: Patron costs ₹20,000, above the ₹15,000 RBI e-mandate limit: .*approve each renewal/);
    expect(lines.filter((l) => l.includes('Warning'))).toHaveLength(1);
  });

  it('seed --synthetic writes that many filler articles back to 1997, and refuses a count that is not one', { timeout: SLOW }, async () => {
    for (const bad of [
      ['--synthetic', 'many'],
      ['--synthetic', '0'],
    ]) {
      const run = await masthead(['seed', ...bad], env);
      expect(run.code, bad.join(' ')).toBe(2);
      expect(nonEmptyLines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toContain('give a number of articles');
    }
    const run = await masthead(['seed', '--synthetic', '500'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Wrote 500 synthetic articles in [\d.]+ s\.$/m);
    const handle = await openDatabase({ url: null, pgliteDir: join(work, 'data', 'pglite') });
    try {
      const row = await handle.db
        .selectFrom('articles')
        .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('published_at').as('first')])
        .where('slug', 'like', 'scale-%')
        .executeTakeFirstOrThrow();
      expect(Number(row.n)).toBe(500);
      expect(new Date(row.first as Date).getUTCFullYear()).toBe(1997);
    } finally {
      await handle.close();
    }
  });
});

/** Commands refused before they touch a database: independent of each other, so they run side by side. */
describe.concurrent('masthead CLI refusals', () => {
  let work: string;
  let refusals: Record<string, string>;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'masthead-cli-refusals-'));
    refusals = { MASTHEAD_DATA: join(work, 'data'), MASTHEAD_DEMO: 'false', LOG_LEVEL: 'silent' };
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('import without a file exits 2 and says what to pass', { timeout: SLOW }, async () => {
    const run = await masthead(['import'], refusals);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/import/);
    expect(run.stderr).toMatch(/ndjson/i);
  });

  it('an unknown command exits 2 with the usage', { timeout: SLOW }, async () => {
    const run = await masthead(['frobnicate'], refusals);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stderr).toContain('Usage: masthead');
    expect(run.stderr).toContain('import FILE');
  });

  it('--help prints the usage and exits 0', { timeout: SLOW }, async () => {
    const run = await masthead(['--help'], refusals);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: masthead');
  });

  it('start with a live gateway and the demo identity exits 1 with one line saying what to set', { timeout: SLOW }, async () => {
    const live = { RAZORPAY_KEY_ID: 'rzp_live_x', RAZORPAY_KEY_SECRET: 'hunter2', RAZORPAY_WEBHOOK_SECRET: 'hunter2', PORT: '0' };
    const run = await masthead(['start'], { ...refusals, ...live });
    expect(run.code).toBe(1);
    const errors = nonEmptyLines(run.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^masthead: configuration error: RAZORPAY_KEY_ID: a live gateway issues real tax invoices/);
    expect(errors[0]).toContain('MASTHEAD_SUPPLIER_GSTIN');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).not.toContain('hunter2');
  });

  it('a bad identity variable exits 1 with one line naming it', { timeout: SLOW }, async () => {
    const run = await masthead(['migrate'], { ...refusals, ...IDENTITY, MASTHEAD_SUPPLIER_STATE: '27' });
    expect(run.code).toBe(1);
    expect(nonEmptyLines(run.stderr)).toEqual([
      'masthead: configuration error: MASTHEAD_SUPPLIER_STATE: 27 does not match the GSTIN, which was issued in 29 (Karnataka)',
    ]);
  });

  it.each([
    ['PORT', 'abc'],
    ['MASTHEAD_TIMEZONE', 'Mars/Base'],
    ['MASTHEAD_FREE_LIMIT', '-3'],
    ['DATABASE_URL', 'mysql://app:hunter2@db/masthead'],
  ])('a bad %s exits 1 with one line naming it', { timeout: SLOW }, async (variable, value) => {
    const run = await masthead(['migrate'], { ...refusals, [variable]: value });
    expect(run.code).toBe(1);
    const errors = nonEmptyLines(run.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(variable);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stdout).toBe('');
  });
});

const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

/** The ids of the processes whose parent is `pid` (Linux `ps`). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

async function until<T>(what: string, probe: () => T | null | Promise<T | null>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== null) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Several server processes need a PostgreSQL server and Redis (CI has both; `npm test` without them skips this).
describe.skipIf(!serverUrl || !redisUrl)('masthead start with MASTHEAD_PROCESSES', () => {
  // Each test on a database and a data folder of its own.
  let url: string;
  let work: string;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  beforeEach(async () => {
    const name = `masthead_cli_${randomBytes(6).toString('hex')}`;
    await admin(`create database ${name}`);
    const server = new URL(serverUrl!);
    server.pathname = `/${name}`;
    url = server.toString();
    work = mkdtempSync(join(tmpdir(), 'masthead-processes-'));
  });
  afterEach(async () => {
    rmSync(work, { recursive: true, force: true });
    await admin(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  });

  it('stops with exit 1 and says why when its servers cannot listen', { timeout: SLOW }, async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const run = await masthead(['start'], {
        MASTHEAD_DATA: work,
        DATABASE_URL: url,
        REDIS_URL: redisUrl!,
        MASTHEAD_PROCESSES: '2',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/masthead start: a server process exited \(code 1\) before it listened/);
      expect(run.stdout).not.toContain('Masthead is running');
    } finally {
      taken.close();
    }
  });

  it('runs that many servers on one port, starts another when one dies, and stops them all on SIGTERM', { timeout: SLOW }, async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ['dist/cli.js', 'start'], {
      cwd: ROOT,
      env: {
        ...cleanEnv(),
        MASTHEAD_DATA: work,
        DATABASE_URL: url,
        REDIS_URL: redisUrl,
        MASTHEAD_PROCESSES: '2',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Each request on a connection of its own, as a new reader's browser opens one: a connection kept alive to a
    // server that is killed dies with it.
    const get = (path: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        httpGet({ host: '127.0.0.1', port, path, agent: false }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        }).on('error', reject);
      });
    try {
      await until('the servers to listen', () => (output.includes('in 2 processes') ? true : null));
      expect(nonEmptyLines(output).filter((l) => l.startsWith('Masthead is running'))).toEqual([
        `Masthead is running at http://localhost:${port} in 2 processes (database: postgres, counters and meters: redis)`,
      ]);
      const first = childrenOf(child.pid!);
      expect(first).toHaveLength(2);
      expect(await get('/healthz')).toBe(200);
      expect(await get('/plans')).toBe(200);

      // One server dies: once the first process has seen it, the other answers every new connection, and another
      // server takes the dead one's place.
      process.kill(first[0]!, 'SIGKILL');
      await until('the death to be seen', () => (output.includes('A server process exited (signal SIGKILL)') ? true : null));
      for (let i = 0; i < 10; i++) expect(await get('/healthz')).toBe(200);
      const after = await until('a new server process', () => {
        const now = childrenOf(child.pid!);
        return now.length === 2 && !now.includes(first[0]!) ? now : null;
      });
      expect(after).toContain(first[1]);
      expect(await get('/healthz')).toBe(200);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(childrenOf(child.pid!)).toEqual([]);
      for (const pid of after) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      for (const pid of child.pid ? childrenOf(child.pid) : []) process.kill(pid, 'SIGKILL');
      child.kill('SIGKILL');
    }
  });
});
