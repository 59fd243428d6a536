/**
 * Load generation with autocannon's programmatic API. The app and the bare server are measured
 * side by side: after a warm-up of each, the measured time is cut into slices that alternate between
 * them (app, bare, bare, app, …), so a noisy neighbour or a slow moment of the machine hits both.
 * Latencies are recorded per response (2xx only, like autocannon) and merged across slices.
 */
import autocannon from 'autocannon';

/** Where to send requests. */
export interface Target {
  url: string;
  headers: Record<string, string>;
  /** Draws each request's path and extra headers afresh (a mix of readers and pages); without it, `url` every time. */
  next?: () => { path: string; headers: Record<string, string> };
}

export interface PairOptions {
  connections: number;
  /** Measured seconds per target, split across the rounds. */
  durationS: number;
  /** Warm-up seconds per target before measuring (0 to skip): lets the JIT and caches settle. */
  warmupS: number;
  /** Alternating slices per target (1 = one run of each, app first). */
  rounds: number;
}

/** What the measured slices of one target produced. Latencies in milliseconds, over 2xx responses. */
export interface LoadResult {
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Counts by status code. */
  statusCodes: Record<string, number>;
}

/** Sums slices of one target. */
class Tally {
  private latencies: number[] = [];
  private requests = 0;
  private seconds = 0;
  private errors = 0;
  private non2xx = 0;
  private statusCodes: Record<string, number> = {};

  /** One autocannon run; measured runs record their latencies and counts here. */
  run(target: Target, connections: number, durationS: number, record: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const { next } = target;
      const requests = next
        ? [
            {
              setupRequest: (request: autocannon.Request) => {
                const drawn = next();
                return { ...request, path: drawn.path, headers: { ...request.headers, ...drawn.headers } };
              },
            },
          ]
        : undefined;
      const instance = autocannon(
        { url: target.url, headers: target.headers, connections, duration: durationS, timeout: 10, ...(requests ? { requests } : {}) },
        (error: unknown, result: autocannon.Result) => {
          if (error) {
            reject(error instanceof Error ? error : new Error('autocannon failed', { cause: error }));
            return;
          }
          if (record) this.add(result);
          resolve();
        },
      );
      if (record) {
        instance.on('response', (_client, statusCode, _bytes, responseTime) => {
          if (statusCode >= 200 && statusCode < 300) this.latencies.push(responseTime);
        });
      }
    });
  }

  private add(result: autocannon.Result): void {
    this.requests += result.requests.total;
    this.seconds += result.duration;
    this.errors += result.errors;
    this.non2xx += result.non2xx;
    for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
      this.statusCodes[code] = (this.statusCodes[code] ?? 0) + (stat.count ?? 0);
    }
  }

  result(): LoadResult {
    const sorted = Float64Array.from(this.latencies).sort();
    return {
      rps: this.seconds > 0 ? this.requests / this.seconds : 0,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      p99Ms: percentile(sorted, 99),
      requests: this.requests,
      errors: this.errors,
      non2xx: this.non2xx,
      statusCodes: this.statusCodes,
    };
  }
}

/** Nearest-rank percentile of ascending values, rounded to 0.1 ms; 0 when empty. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round(sorted[rank - 1]! * 10) / 10;
}

/** Warms up both targets, then measures them in alternating slices. */
export async function measurePair(app: Target, bare: Target, options: PairOptions): Promise<{ app: LoadResult; bare: LoadResult }> {
  const tallies = { app: new Tally(), bare: new Tally() };
  const targets = { app, bare };
  if (options.warmupS > 0) {
    await tallies.app.run(app, options.connections, options.warmupS, false);
    await tallies.bare.run(bare, options.connections, options.warmupS, false);
  }
  const rounds = Math.max(1, Math.round(options.rounds));
  const slice = options.durationS / rounds;
  for (let round = 0; round < rounds; round++) {
    // ABBA order: neither side always runs right after the other.
    const order = round % 2 === 0 ? (['app', 'bare'] as const) : (['bare', 'app'] as const);
    for (const side of order) await tallies[side].run(targets[side], options.connections, slice, true);
  }
  return { app: tallies.app.result(), bare: tallies.bare.result() };
}

/** Warms up one target, then measures it for `durationS` in one run (the scale benchmark has no bare twin). */
export async function measureOne(target: Target, options: Omit<PairOptions, 'rounds'>): Promise<LoadResult> {
  const tally = new Tally();
  if (options.warmupS > 0) await tally.run(target, options.connections, options.warmupS, false);
  await tally.run(target, options.connections, options.durationS, true);
  return tally.result();
}
