/**
 * `npm run bench -- --scale [N,N,…]` (default 10000,100000,1000000): how the site's cost grows with its archive, on
 * PostgreSQL (targets in docs/benchmarks.md#targets). For each size, side by side in one report:
 *
 * 1. A scratch database on the server DATABASE_URL names (default: the local one), filled by `masthead seed
 *    --synthetic N` (its own process) and 10,000 readers, half of them subscribers with sessions (scale-queries.ts),
 *    then vacuumed and analysed as autovacuum would have left it.
 * 2. `masthead start` on it as a child process, as a publisher runs it (no demo, no Redis: anonymous meters in
 *    PostgreSQL).
 * 3. The mix, at 64 connections: new anonymous readers, returning anonymous readers and subscribers on articles (70%
 *    among the newest thousand, 30% anywhere in the archive), the home page, section pages (first pages and pages
 *    far back), and the API. Every request's reader and page is drawn afresh.
 * 4. Search at 16 connections, one query shape at a time: a rare word, a word every article holds, the same since a
 *    day drawn afresh, two words (by relevance and newest first), a phrase, and a common word within the last 30
 *    days, asked by strangers; and a rare word and a common word since a drawn day asked by subscribers, whose
 *    snippets come from the results' bodies. A search asked again within 15 s is answered from what it found
 *    (search/service.ts), so the two common-word shapes that ask the same query each time measure a popular search;
 *    the others differ on every request, and each is ranked afresh.
 * 5. Pages whose cost must not grow with the archive, one request at a time: the sitemap index, a month's sitemap,
 *    an archive month, a section page far back and a section feed.
 *
 * The server's RSS is sampled throughout. The database is dropped afterwards. Options (environment): BENCH_DURATION
 * (measured seconds of the mix, default 20; each search shape gets half), BENCH_WARMUP (default 3), BENCH_KINDS (seconds
 * to measure each kind of the mix alone after it, to see what each costs; default 0, not measured), BENCH_CPU_PROF (as
 * without --scale: a folder for the server's CPU profile, one per size), DATABASE_URL.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../adapters/db/database.js';
import { hashToken } from '../domain/accounts/secrets.js';
import { measureOne, percentile, type LoadResult } from './load.js';
import { NeighbourLoad, RssSampler } from './monitor.js';
import { freePort, startApp, stopChild } from './processes.js';
import { seedScaleReaders } from './scale-queries.js';
import { withScratchDatabase } from './scratch-database.js';

const log = (line: string) => console.error(`[bench --scale] ${line}`);

const READERS = 10_000;
/** Anonymous readers who come back (each has read one article before the run), and subscribers signed in. */
const RETURNING = 1_000;
const SUBSCRIBERS = 500;
/** Articles among the newest that most reads go to; the rest go anywhere in the archive. */
const HOT = 1_000;
const HOT_SHARE = 0.7;

export interface ScaleOptions {
  sizes: number[];
  durationS: number;
  warmupS: number;
  /** Seconds to measure each kind of the mix alone after the mix (BENCH_KINDS); 0: not measured. */
  kindsS: number;
  cliPath: string;
  /** Flags for the server's `node`, e.g. `--cpu-prof` (BENCH_CPU_PROF). */
  nodeArgs: string[];
  /** Children started, so the caller's signal handler can stop them. */
  children: Set<ChildProcess>;
}

interface Drawn {
  path: string;
  headers: Record<string, string>;
}

interface SizeResult {
  articles: number;
  seedS: number;
  databaseMb: number;
  mix: LoadResult;
  /** Each kind of the mix alone, when asked for: what each kind costs. */
  kinds: { name: string; result: LoadResult }[];
  search: { name: string; result: LoadResult }[];
  flat: { name: string; medianMs: number; p95Ms: number }[];
  peakRssMb: number;
  otherCpu: number | null;
}

const random = (n: number) => Math.floor(Math.random() * n);

/** An article of the synthetic archive (`scale-1` is the newest): mostly among the newest, else anywhere. */
function articleSlug(count: number): string {
  const g = Math.random() < HOT_SHARE ? 1 + random(Math.min(HOT, count)) : 1 + random(count);
  return `scale-${g}`;
}

/**
 * A keyset cursor somewhere in the archive's first 28 of 29 years: the section page a reader reaches by paging far
 * back (the oldest year is left out, where a section may have no older story and the page is rightly a 404).
 */
function cursorFarBack(now: number): string {
  return `${now - random(28 * 365) * 86_400_000}.2147483647`;
}

/** Runs `node dist/cli.js …args` with the environment given; resolves with its output, rejects on failure. */
function cli(cliPath: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`masthead ${args.join(' ')} failed (${code}):\n${output}`)),
    );
  });
}

/** Readers with what readers accumulate; returns session tokens of subscribers (their stored hashes made to match). */
async function seedReaders(url: string): Promise<{ tokens: string[]; sections: string[]; databaseMb: number }> {
  const handle = await openDatabase({ url, pgliteDir: null });
  try {
    await seedScaleReaders(handle.db, READERS, new Date());
    const rows = await sql<{ id: number }>`
      select s.id from sessions s join subscriptions sub on sub.user_id = s.user_id
      where s.revoked_at is null and s.token_hash like 'scale-token-%' order by s.id limit ${SUBSCRIBERS}`.execute(handle.db);
    const tokens = rows.rows.map(() => randomBytes(32).toString('base64url'));
    await sql`update sessions set token_hash = t.hash
      from unnest(${rows.rows.map((r) => r.id)}::int[], ${tokens.map(hashToken)}::text[]) as t (id, hash)
      where sessions.id = t.id`.execute(handle.db);
    const sections = await sql<{ slug: string }>`select slug from sections order by position`.execute(handle.db);
    await sql`vacuum analyze`.execute(handle.db);
    const size = await sql<{ bytes: string }>`select pg_database_size(current_database()) as bytes`.execute(handle.db);
    return { tokens, sections: sections.rows.map((r) => r.slug), databaseMb: Number(size.rows[0]?.bytes) / 2 ** 20 };
  } finally {
    await handle.close();
  }
}

/** GET that insists on a 200; returns the response's body and its reader cookie, if it set one. */
async function check(base: string, path: string, headers: Record<string, string>) {
  const response = await fetch(base + path, { headers, redirect: 'manual' });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 300)}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('mh_reader='));
  return { body, readerCookie: cookie ? cookie.split(';')[0]! : null };
}

/** Times requests one at a time (after two to warm up): the cost of one page, not the server's throughput. */
async function timeOne(base: string, paths: () => string, times = 30): Promise<{ medianMs: number; p95Ms: number }> {
  const ms: number[] = [];
  for (let i = 0; i < times + 2; i++) {
    const path = paths();
    const t0 = performance.now();
    const response = await fetch(base + path, { redirect: 'manual' });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    if (i >= 2) ms.push(performance.now() - t0);
  }
  const sorted = Float64Array.from(ms).sort();
  return { medianMs: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
}

async function measureSize(count: number, options: ScaleOptions, server: string): Promise<SizeResult> {
  return withScratchDatabase(server, 'masthead_bench', (databaseUrl) => measureOn(databaseUrl, count, options));
}

async function measureOn(databaseUrl: string, count: number, options: ScaleOptions): Promise<SizeResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'masthead-scale-'));
  let app: Awaited<ReturnType<typeof startApp>> | null = null;
  try {
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
    const env = { ...inherited, DATABASE_URL: databaseUrl, MASTHEAD_DATA: dataDir, LOG_LEVEL: 'warn' };
    log(`${count.toLocaleString('en')} articles: seeding…`);
    const seedStarted = Date.now();
    await cli(options.cliPath, ['seed', '--synthetic', String(count)], env);
    const { tokens, sections, databaseMb } = await seedReaders(databaseUrl);
    const seedS = (Date.now() - seedStarted) / 1000;
    log(`  seeded in ${seedS.toFixed(0)} s (${Math.round(databaseMb)} MB); starting the server…`);

    app = await startApp({ cliPath: options.cliPath, dataDir, port: await freePort(), databaseUrl, nodeArgs: options.nodeArgs });
    options.children.add(app.child);
    const base = app.baseUrl;
    const rss = new RssSampler(app.pid);
    rss.start();

    // The readers, checked to be what the mix says they are before anything is measured.
    const subscriberCookies = tokens.map((token) => `mh_session=${token}`);
    // scale-7 is premium (every 7th article): walled for a stranger, whole for a subscriber.
    const walled = (body: string) => body.includes('class="paywall"');
    if (walled((await check(base, '/article/scale-7', { cookie: subscriberCookies[0]! })).body))
      throw new Error('a subscriber was shown the paywall on a premium article');
    if (!walled((await check(base, '/article/scale-7', {})).body))
      throw new Error('a premium article was not walled for an anonymous reader');
    const returning: string[] = [];
    while (returning.length < RETURNING) {
      const batch = await Promise.all(Array.from({ length: 25 }, () => check(base, `/article/${articleSlug(count)}`, {})));
      for (const { readerCookie } of batch) if (readerCookie) returning.push(readerCookie);
    }

    const now = Date.now();
    const sectionOf = () => sections[random(sections.length)]!;
    const kinds: [weight: number, draw: () => Drawn, name: string][] = [
      [30, () => ({ path: `/article/${articleSlug(count)}`, headers: {} }), 'new anonymous readers, articles'],
      [
        25,
        () => ({ path: `/article/${articleSlug(count)}`, headers: { cookie: returning[random(returning.length)]! } }),
        'returning anonymous readers, articles',
      ],
      [
        15,
        () => ({ path: `/article/${articleSlug(count)}`, headers: { cookie: subscriberCookies[random(subscriberCookies.length)]! } }),
        'subscribers, articles',
      ],
      [10, () => ({ path: '/', headers: {} }), 'home page'],
      [7, () => ({ path: `/section/${sectionOf()}`, headers: {} }), 'section, first page'],
      [3, () => ({ path: `/section/${sectionOf()}?before=${cursorFarBack(now)}`, headers: {} }), 'section, far back'],
      [5, () => ({ path: `/api/v1/articles?limit=20&section=${sectionOf()}`, headers: {} }), 'API, list'],
      [5, () => ({ path: `/api/v1/articles/${articleSlug(count)}`, headers: {} }), 'API, article'],
    ];
    const total = kinds.reduce((sum, [weight]) => sum + weight, 0);
    const drawMix = (): Drawn => {
      let roll = Math.random() * total;
      for (const [weight, draw] of kinds) {
        roll -= weight;
        if (roll < 0) return draw();
      }
      return kinds[0]![1]();
    };
    for (const [, draw] of kinds) {
      const { path, headers } = draw();
      await check(base, path, headers);
    }

    const neighbours = new NeighbourLoad();
    const ours = [app.pid, process.pid];
    await neighbours.start(ours);
    log(`  the mix, 64 connections, ${options.durationS} s…`);
    const mix = await measureOne(
      { url: base, headers: {}, next: drawMix },
      { connections: 64, durationS: options.durationS, warmupS: options.warmupS },
    );
    const mixRssMb = rss.resetPhase() / 1024;
    log(`    ${Math.round(mix.rps)} req/s, p50 ${mix.p50Ms} ms, p99 ${mix.p99Ms} ms, RSS ${Math.round(mixRssMb)} MB`);
    const alone: SizeResult['kinds'] = [];
    for (const [, draw, name] of options.kindsS > 0 ? kinds : []) {
      const result = await measureOne({ url: base, headers: {}, next: draw }, { connections: 64, durationS: options.kindsS, warmupS: 1 });
      log(`    alone, ${name}: ${Math.round(result.rps)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
      alone.push({ name, result });
    }

    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const month = day(now - 30 * 86_400_000);
    const firstDay = Date.UTC(1997, 0, 1);
    const since = () => day(firstDay + random(Math.floor((now - 60 * 86_400_000 - firstDay) / 86_400_000)) * 86_400_000);
    // A subscriber's snippets come from each result's body; a stranger's from the headline, standfirst and lead-in.
    const subscriber = () => ({ cookie: subscriberCookies[random(subscriberCookies.length)]! });
    const stranger = () => ({});
    const shapes: [string, () => string, () => Record<string, string>][] = [
      ['a rare word', () => `q=${1 + random(count)}`, stranger],
      ['a rare word, as a subscriber', () => `q=${1 + random(count)}`, subscriber],
      ['a word in every article', () => `q=filler`, stranger],
      ['a word in every article, since a day drawn afresh', () => `q=filler&from=${since()}`, stranger],
      ['the same, as a subscriber', () => `q=filler&from=${since()}`, subscriber],
      ['two words', () => `q=headline+${1 + random(count)}`, stranger],
      ['two words, newest first', () => `q=headline+${1 + random(count)}&sort=date`, stranger],
      ['a phrase', () => `q=%22article+${1 + random(count)}%22`, stranger],
      ['a common word, last 30 days', () => `q=filler&from=${month}`, stranger],
    ];
    const search: SizeResult['search'] = [];
    for (const [shape, query, headers] of shapes) {
      const result = await measureOne(
        { url: base, headers: {}, next: () => ({ path: `/search?${query()}`, headers: headers() }) },
        { connections: 16, durationS: options.durationS / 2, warmupS: 1 },
      );
      log(`    search, ${shape}: ${Math.round(result.rps)} req/s, p95 ${result.p95Ms} ms`);
      search.push({ name: shape, result });
    }
    const otherCpu = await neighbours.stop(ours);

    const firstYear = new Date(now - 29 * 365 * 86_400_000).getUTCFullYear() + 1;
    const anyMonth = () => {
      const year = firstYear + random(new Date(now).getUTCFullYear() - firstYear);
      return `${year}-${String(1 + random(12)).padStart(2, '0')}`;
    };
    const flat: SizeResult['flat'] = [];
    for (const [page, paths] of [
      ['sitemap index', () => '/sitemap.xml'],
      ["a month's sitemap (any year)", () => `/sitemaps/articles-${anyMonth()}.xml`],
      ['archive month (any year)', () => `/archive/${anyMonth().replace('-', '/')}`],
      ['section page far back', () => `/section/${sectionOf()}?before=${cursorFarBack(now)}`],
      ['section feed', () => `/section/${sectionOf()}/feed.xml`],
    ] as [string, () => string][]) {
      flat.push({ name: page, ...(await timeOne(base, paths)) });
    }
    rss.stop();
    return { articles: count, seedS, databaseMb, mix, kinds: alone, search, flat, peakRssMb: rss.peakKb / 1024, otherCpu };
  } finally {
    if (app) {
      await stopChild(app.child);
      options.children.delete(app.child);
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en');

function report(results: SizeResult[], options: ScaleOptions): string {
  const header = `| | ${results.map((r) => `${int(r.articles)} articles`).join(' | ')} |\n|---|${results.map(() => '--:').join('|')}|`;
  const row = (label: string, cell: (r: SizeResult) => string) => `| ${label} | ${results.map(cell).join(' | ')} |`;
  const lines = [
    header,
    row('seed (articles and readers)', (r) => `${int(r.seedS)} s, ${int(r.databaseMb)} MB`),
    row('**mix, 64 connections: req/s**', (r) => `**${int(r.mix.rps)}**`),
    row('mix p50 / p99 ms', (r) => `${r.mix.p50Ms} / ${r.mix.p99Ms}`),
    row('mix errors, non-2xx', (r) => `${r.mix.errors}, ${r.mix.non2xx}`),
    ...results[0]!.kinds.map((k, i) =>
      row(`alone, ${k.name}: req/s (p99 ms)`, (r) => `${int(r.kinds[i]!.result.rps)} (${r.kinds[i]!.result.p99Ms})`),
    ),
    ...results[0]!.search.map((s, i) =>
      row(`search, ${s.name}: p50 / **p95** ms (req/s)`, (r) => {
        const found = r.search[i]!.result;
        return `${found.p50Ms} / **${found.p95Ms}** (${int(found.rps)})`;
      }),
    ),
    ...results[0]!.flat.map((f, i) => row(`${f.name}: median / p95 ms`, (r) => `${r.flat[i]!.medianMs} / ${r.flat[i]!.p95Ms}`)),
    row('server peak RSS', (r) => `${int(r.peakRssMb)} MB`),
    row('other processes’ CPU meanwhile', (r) => (r.otherCpu === null ? 'n/a' : `${Math.round(r.otherCpu * 100)}%`)),
  ];
  const largest = results.at(-1)!;
  const verdict = (ok: boolean, what: string) => `${ok ? 'PASS' : 'FAIL'}  ${what}`;
  const worstSearch = Math.max(...largest.search.map((s) => s.result.p95Ms));
  const verdicts = [
    verdict(largest.mix.rps >= 5_000, `mix ≥ 5,000 req/s at ${int(largest.articles)} articles (${int(largest.mix.rps)})`),
    verdict(largest.mix.p99Ms < 50, `mix p99 < 50 ms at ${int(largest.articles)} articles (${largest.mix.p99Ms} ms)`),
    verdict(worstSearch < 100, `search p95 < 100 ms at 16 connections, every shape (worst ${worstSearch} ms)`),
    verdict(
      Math.max(...results.map((r) => r.peakRssMb)) < 512,
      `server RSS < 512 MB (peak ${int(Math.max(...results.map((r) => r.peakRssMb)))} MB)`,
    ),
  ];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `\nMasthead at scale — ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; ` +
      `PostgreSQL on the same machine; mix ${options.durationS} s, each search shape ${options.durationS / 2} s.\n`,
    lines.join('\n'),
    '',
    verdicts.join('\n'),
  ].join('\n');
}

/** Runs every size in turn and prints the report; 1 if a request failed (a missed target is only reported). */
export async function runScale(options: ScaleOptions): Promise<number> {
  const server = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const [load1] = loadavg();
  if (load1 !== undefined && load1 > availableParallelism() / 2)
    log(`note: load average is ${load1.toFixed(1)}; other work will skew the figures`);
  const results: SizeResult[] = [];
  for (const count of options.sizes) results.push(await measureSize(count, options, server));
  console.log(report(results, options));
  const failed = (r: LoadResult) => r.errors + r.non2xx > 0;
  return results.some((r) => failed(r.mix) || [...r.kinds, ...r.search].some((s) => failed(s.result))) ? 1 : 0;
}
