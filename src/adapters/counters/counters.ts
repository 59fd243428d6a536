import type { Counters } from '../../domain/ports/counters.js';
import { connectRedis } from '../redis.js';

export type { Counters } from '../../domain/ports/counters.js';

/** Counters in this process's memory; expired keys are swept as they are touched and once a minute. */
export function memoryCounters(now: () => number = Date.now): Counters {
  const entries = new Map<string, { value: number; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const sweep = setInterval(() => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
  }, 60_000);
  sweep.unref();
  return {
    async get(key) {
      return live(key)?.value ?? 0;
    },
    async increment(key, ttlSeconds, by = 1) {
      const entry = live(key);
      if (entry) {
        entry.value += by;
        return entry.value;
      }
      entries.set(key, { value: by, expiresAt: now() + ttlSeconds * 1000 });
      return by;
    },
    async delete(key) {
      entries.delete(key);
    },
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}

/** Counters in Redis: INCRBY plus EXPIRE NX in one round trip. */
export async function redisCounters(url: string, prefix = 'masthead:'): Promise<Counters> {
  const { client: redis, available, close } = await connectRedis(url, 'counters');
  return {
    async get(key) {
      await available();
      const value = await redis.get(prefix + key);
      return value === null ? 0 : Number(value);
    },
    async increment(key, ttlSeconds, by = 1) {
      await available();
      const result = await redis
        .multi()
        .incrby(prefix + key, by)
        .expire(prefix + key, ttlSeconds, 'NX')
        .exec();
      const [error, value] = result?.[0] ?? [new Error('no reply'), 0];
      if (error) throw error;
      return Number(value);
    },
    async delete(key) {
      await available();
      await redis.del(prefix + key);
    },
    close,
  };
}
