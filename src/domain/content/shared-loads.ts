import type { LRUCache } from 'lru-cache';

/**
 * A cache's misses, shared among concurrent callers asking for the same key: when a popular entry expires under load,
 * the database gets one query for it, not one per waiting request. A load that began before `forget()` (a write
 * through this process) is neither joined nor stored, so nobody reads what was there before the write.
 */
export function sharedLoads<V extends object | symbol>(cache: LRUCache<string, V>) {
  const pending = new Map<string, Promise<V>>();
  let generation = 0;
  return {
    load(key: string, load: () => Promise<V>): Promise<V> {
      let loading = pending.get(key);
      if (!loading) {
        const started = generation;
        loading = load()
          .then((value) => {
            if (started === generation) cache.set(key, value);
            return value;
          })
          .finally(() => {
            if (pending.get(key) === loading) pending.delete(key);
          });
        pending.set(key, loading);
      }
      return loading;
    },
    forget(): void {
      generation++;
      pending.clear();
      cache.clear();
    },
  };
}
