/**
 * `npm run bench`: the project's benchmark (targets in docs/benchmarks.md#targets), in one run.
 *
 * 1. Seeds a fresh temp data folder with the demo content (`masthead seed`, its own process), then
 *    starts `node dist/cli.js start` on it as a child (embedded PGlite, a per-network budget high
 *    enough for one load-generator address) and waits for /healthz (processes.ts).
 * 2. Prepares three readers (see scenarios.ts) and captures the exact bytes the app sends each.
 * 3. Per scenario: autocannon against the app and against a bare `http` server (its own child
 *    process) replaying those bytes — same connections, duration and warm-up, measured in
 *    alternating slices so machine noise hits both alike (load.ts).
 * 4. Samples the app's RSS every 200 ms and the CPU other processes take (monitor.ts); prints a
 *    table and PASS/FAIL against the targets (report.ts).
 *
 * `npm run bench -- --scale [N,N,…]` measures the site over 10k, 100k and 1M articles on PostgreSQL instead (scale.ts).
 *
 * Environment: BENCH_DURATION (measured seconds per server per scenario, default 10), BENCH_WARMUP
 * (seconds, default 2), BENCH_ROUNDS (alternating slices, default 5), BENCH_CONNECTIONS (default 64),
 * BENCH_CPU_PROF (a folder: run the app with `--cpu-prof` and write its profile there on exit).
 * Exit code 1 only if the app failed requests, died, or the run could not be set up; missed targets
 * are reported, not fatal.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measurePair, type PairOptions } from './load.js';
import { NeighbourLoad, readTreeRssKb, RssSampler } from './monitor.js';
import { freePort, startApp, startBare, stopChild, type AppProcess } from './processes.js';
import { appFailures, formatVerdicts, table, verdicts, type ScenarioMeasurement } from './report.js';
import { prepareScenarios, type Scenario } from './scenarios.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Reads a positive number from the environment, or the fallback. */
function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a non-negative number, got "${raw}"`);
  return value;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const log = (line: string) => console.error(`[bench] ${line}`);

/** Everything started so far, so any exit path can stop it. */
const children = new Set<ChildProcess>();
let tempDir: string | null = null;

async function cleanup(): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child)));
  children.clear();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
  tempDir = null;
}

/** Measures one scenario: the app and a bare server sending the same bytes, side by side. */
async function runScenario(
  scenario: Scenario,
  app: AppProcess,
  rss: RssSampler,
  load: PairOptions,
  workDir: string,
): Promise<ScenarioMeasurement> {
  const headers: Record<string, string> = scenario.cookie ? { cookie: scenario.cookie } : {};
  log(`(${scenario.key}) ${scenario.name}: ${scenario.path}${scenario.cookie ? ' with meter cookie' : ''}, ${scenario.body.length} bytes`);
  const bodyFile = join(workDir, `body-${scenario.key}`);
  await writeFile(bodyFile, scenario.body);
  const bare = await startBare(here('./bare-server.js'), bodyFile, scenario.contentType);
  children.add(bare.child);
  const ours = [app.pid, bare.child.pid!, process.pid];
  const neighbours = new NeighbourLoad();
  try {
    rss.resetPhase();
    await neighbours.start(ours);
    const result = await measurePair({ url: app.baseUrl + scenario.path, headers }, { url: bare.url + scenario.path, headers }, load);
    const otherCpu = await neighbours.stop(ours);
    const appPeakRssMb = rss.resetPhase() / 1024;
    for (const side of ['app', 'bare'] as const)
      log(`    ${side.padEnd(4)}: ${Math.round(result[side].rps)} req/s, p99 ${result[side].p99Ms} ms`);
    if (otherCpu !== null) log(`    other processes used ${Math.round(otherCpu * 100)}% of the machine's CPU meanwhile`);
    return { scenario, ...result, appPeakRssMb, otherCpu };
  } finally {
    await stopChild(bare.child);
    children.delete(bare.child);
  }
}

/** `--scale [N,N,…]`: sizes of the archive to measure on PostgreSQL (scale.ts); null without the flag. */
function scaleSizes(argv: string[]): number[] | null {
  const at = argv.indexOf('--scale');
  if (at < 0) return null;
  const given = argv[at + 1];
  if (given === undefined || given.startsWith('--')) return [10_000, 100_000, 1_000_000];
  const sizes = given.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1_000 || n > 10_000_000))
    throw new Error(`--scale: expected article counts from 1000 to 10000000 separated by commas, got "${given}"`);
  return sizes;
}

async function main(): Promise<number> {
  const profileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : null;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const sizes = scaleSizes(process.argv.slice(2));
  if (sizes) {
    const { runScale } = await import('./scale.js');
    return runScale({
      sizes,
      durationS: envNumber('BENCH_DURATION', 20),
      warmupS: envNumber('BENCH_WARMUP', 3),
      kindsS: envNumber('BENCH_KINDS', 0),
      cliPath: here('../cli.js'),
      nodeArgs,
      children,
    });
  }
  const load: PairOptions = {
    connections: envNumber('BENCH_CONNECTIONS', 64),
    durationS: envNumber('BENCH_DURATION', 10),
    warmupS: envNumber('BENCH_WARMUP', 2),
    rounds: envNumber('BENCH_ROUNDS', 5),
  };

  const [load1] = loadavg();
  if (load1 !== undefined && load1 > availableParallelism() / 2) {
    log(`note: load average is ${load1.toFixed(1)} on ${availableParallelism()} cores; other work will skew the figures`);
  }
  tempDir = await mkdtemp(join(tmpdir(), 'masthead-bench-'));
  const dataDir = join(tempDir, 'data');
  await mkdir(dataDir);
  const port = await freePort();
  log(`starting the server on port ${port} (fresh PGlite in ${dataDir}, demo content)…`);
  const started = Date.now();
  const app = await startApp({
    cliPath: here('../cli.js'),
    dataDir,
    port,
    nodeArgs,
  });
  children.add(app.child);
  log(`server healthy after ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${app.pid}): ${app.startupOutput.join(' / ')}`);

  const idleRssMb = ((await readTreeRssKb(app.pid)) ?? 0) / 1024;
  const rss = new RssSampler(app.pid);
  rss.start();
  const scenarios = await prepareScenarios(app.baseUrl);
  const measurements: ScenarioMeasurement[] = [];
  for (const scenario of scenarios) {
    measurements.push(await runScenario(scenario, app, rss, load, tempDir));
    if (exited(app.child)) break; // Reported below; measuring a dead server only counts refused connections.
  }
  rss.stop();
  const peakRssMb = rss.peakKb / 1024;

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nMasthead benchmark — ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, ${process.platform}`,
  );
  console.log(
    `${load.connections} connections; per scenario ${load.warmupS} s warm-up each, then ${load.durationS} s measured each for app and bare, ` +
      `in ${load.rounds} alternating slices; load generator (autocannon) on the same machine.\n`,
  );
  console.log(table(measurements));
  console.log(`\nApp RSS: ${Math.round(idleRssMb)} MB idle after start, ${Math.round(peakRssMb)} MB peak under load\n`);
  console.log(formatVerdicts(verdicts(measurements, peakRssMb)));

  const output = app.output();
  if (output.length > 0) console.log(`\nServer output (last ${output.length} lines, LOG_LEVEL=warn):\n${output.join('\n')}`);
  if (exited(app.child)) {
    const how = app.child.signalCode ? `killed by ${app.child.signalCode}` : `exit code ${app.child.exitCode}`;
    console.log(`\nERROR: the server exited during the run (${how}); figures after that point are connection errors.`);
    return 1;
  }
  if (profileDir) log(`CPU profile of the server will be written to ${profileDir} as it exits.`);
  return measurements.some((m) => appFailures(m) > 0) ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping children…`);
    void cleanup().finally(() => process.exit(130));
  });
}

void main()
  .catch((error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
