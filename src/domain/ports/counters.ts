/**
 * Shared counters with an expiry (network budgets, rate limits). In process by default;
 * in Redis when REDIS_URL is set, so every app instance sees the same count.
 */
export interface Counters {
  get(key: string): Promise<number>;
  /** Adds `by` (default 1) and returns the new value; the key expires `ttlSeconds` after its first increment. */
  increment(key: string, ttlSeconds: number, by?: number): Promise<number>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
