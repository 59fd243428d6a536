import { LRUCache } from 'lru-cache';
import { METER_TTL_SECONDS, type MeterStore } from '../../domain/ports/meter-store.js';

/**
 * Meters in this process's memory, for a single instance. Each check-and-add runs without awaiting, so it
 * is atomic in Node's one thread. At most `maxReaders` meters are kept (least recently used go first: such
 * a reader starts a new meter, still bounded by their network's budget); a restart forgets them all.
 */
export function memoryMeterStore(options: { maxReaders?: number } = {}): MeterStore {
  const meters = new LRUCache<string, number[]>({ max: options.maxReaders ?? 200_000, ttl: METER_TTL_SECONDS * 1000 });
  const key = (readerId: string, period: string) => `${period}|${readerId}`;
  return {
    async read(readerId, period) {
      return meters.get(key(readerId, period)) ?? [];
    },
    async charge(readerId, period, articleId, limit) {
      const k = key(readerId, period);
      const read = meters.get(k) ?? [];
      if (read.includes(articleId)) return read;
      if (read.length >= limit) return null;
      const next = [...read, articleId];
      meters.set(k, next);
      return next;
    },
    async close() {
      meters.clear();
    },
  };
}
