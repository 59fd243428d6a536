/**
 * Child processes for the benchmark: the Masthead server and the bare baseline server. Nothing here
 * imports the app: the benchmark talks to it over HTTP like any client, so the measurement includes
 * everything `masthead start` does.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

/** A port that was free a moment ago (the OS picks it; we release it for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The last lines a child wrote (stdout and stderr together); `clear()` forgets what came so far. */
function tail(child: ChildProcess, keep = 40): { lines: () => string[]; clear: () => void } {
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { lines: () => [...lines], clear: () => void lines.splice(0) };
}

export interface AppProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  /** What the server printed while starting. */
  startupOutput: string[];
  /** Last lines it printed since (it runs with LOG_LEVEL=warn, so these are problems). */
  output: () => string[];
}

export interface AppOptions {
  cliPath: string;
  dataDir: string;
  port: number;
  /** Extra flags for `node` itself, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  startTimeoutMs?: number;
  /**
   * A PostgreSQL database already migrated and filled (the scale benchmark): the server runs on it as a
   * publisher's would, without the demo. Without it, the demo content on embedded PGlite in `dataDir`.
   */
  databaseUrl?: string;
}

/** What the server prints once the demo's pictures are drawn (or could not be): src/main.ts drawDemoImages. */
const DEMO_IMAGES_DONE = /Drew \d+ demo images|demo images could not be drawn/;

/**
 * Starts `node dist/cli.js start` and waits until /healthz answers 200: on a fresh data folder with the demo
 * content, or on `databaseUrl`. Configuration that would change the database (DATABASE_URL, REDIS_URL) or the
 * meter is overridden, so the run is the same on every machine.
 */
export async function startApp(options: AppOptions): Promise<AppProcess> {
  // Anything that would leave the embedded database or change the site's keys is not passed on.
  const { DATABASE_URL: _db, REDIS_URL: _redis, PUBLIC_URL: _url, SECRET_KEY: _key, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    MASTHEAD_DATA: options.dataDir,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    MASTHEAD_DEMO: options.databaseUrl ? 'false' : 'true',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    MASTHEAD_FREE_LIMIT: '10',
    // One load-generator address makes every request: keep the per-network budget and the searches (and search time,
    // three timeouts' worth) one reader may have a minute out of the way.
    MASTHEAD_NETWORK_BUDGET: '10000000',
    MASTHEAD_SEARCH_RATE: '1000000',
    MASTHEAD_SEARCH_TIMEOUT_MS: '600000',
    MASTHEAD_TRUSTED_PROXIES: '',
    MASTHEAD_CRAWLER_RANGES: '',
  };
  // The demo content is written by `masthead seed` in its own process first, so the measured server is
  // one that opens an existing database, as a publisher's does after every restart. (PGlite's WASM heap
  // never shrinks: a server that seeded 560 articles itself would carry that peak for its whole life.)
  if (!options.databaseUrl) {
    const seeded = spawnSync(process.execPath, [options.cliPath, 'seed'], { env, encoding: 'utf8' });
    if (seeded.status !== 0) throw new Error(`masthead seed failed:\n${seeded.stderr}`);
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.cliPath, 'start'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHealth(child, baseUrl, options.startTimeoutMs ?? 90_000);
    // The demo draws its pictures in the background after it listens: measuring before they are done would
    // count their encoding (seconds of CPU) against the pages, and serve pages without them.
    if (!options.databaseUrl) await waitForLine(child, output.lines, DEMO_IMAGES_DONE, options.startTimeoutMs ?? 180_000);
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output.lines().join('\n')}`, { cause: error });
  }
  const startupOutput = output.lines();
  output.clear();
  return { child, pid: child.pid!, baseUrl, startupOutput, output: output.lines };
}

async function waitForLine(child: ChildProcess, lines: () => string[], pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!lines().some((line) => pattern.test(line))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the server exited during start (code ${child.exitCode ?? child.signalCode})`);
    if (Date.now() > deadline) throw new Error(`the server did not print ${pattern} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function waitForHealth(child: ChildProcess, baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited during start (code ${child.exitCode ?? child.signalCode})`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server did not answer /healthz within ${timeoutMs / 1000} s`);
}

/** Starts the bare baseline server (`bare-server.js`) in its own process; resolves with its URL. */
export async function startBare(scriptPath: string, bodyFile: string, contentType: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(scriptPath, [bodyFile, contentType], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the bare server exited before listening (code ${code})`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Asks a child to stop (SIGTERM: the app closes its database), then kills it if it lingers. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
