/**
 * Load generation with autocannon's programmatic API: a short warm-up (results discarded) and then
 * the measured run, both with the same connections, URL and headers.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  /** Measured run, seconds. */
  durationS: number;
  /** Warm-up before it, seconds (0 to skip): lets the JIT and caches settle. */
  warmupS: number;
}

/** What one measured run produced. Latencies are autocannon's (milliseconds, 2xx responses only). */
export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Counts by status code, when any response was not 2xx. */
  statusCodes: Record<string, number>;
}

function attack(options: LoadOptions, durationS: number): Promise<autocannon.Result> {
  return autocannon({
    url: options.url,
    headers: options.headers ?? {},
    connections: options.connections,
    duration: durationS,
    timeout: 10,
  });
}

/** Warm-up, then the measured run. */
export async function measure(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupS > 0) await attack(options, options.warmupS);
  const result = await attack(options, options.durationS);
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    statusCodes,
  };
}
