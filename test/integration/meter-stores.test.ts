import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryMeterStore } from '../../src/adapters/meters/memory.js';
import { redisMeterStore } from '../../src/adapters/meters/redis.js';
import { databaseMeterStore, deleteMetersBefore } from '../../src/domain/metering/anonymous-meter-queries.js';
import type { MeterStore } from '../../src/domain/ports/meter-store.js';
import { createTestDatabase, engines, type TestDatabase } from '../support/databases.js';

/** Every place anonymous meters can live must keep the same promises. */
const stores: [string, () => Promise<{ store: MeterStore; done: () => Promise<void> }>][] = [
  ['memory', async () => ({ store: memoryMeterStore(), done: async () => undefined })],
  ...engines().map(
    (engine) =>
      [
        `database ${engine}`,
        async () => {
          const test: TestDatabase = await createTestDatabase(engine);
          return { store: databaseMeterStore(test.db), done: () => test.destroy() };
        },
      ] as [string, () => Promise<{ store: MeterStore; done: () => Promise<void> }>],
  ),
];
if (process.env.REDIS_URL) {
  stores.push([
    'redis',
    async () => {
      const store = await redisMeterStore(process.env.REDIS_URL!, `masthead-test:${randomBytes(6).toString('hex')}:`);
      return { store, done: () => store.close() };
    },
  ]);
}

for (const [name, open] of stores) {
  describe(`anonymous meters [${name}]`, () => {
    let store: MeterStore;
    let done: () => Promise<void>;
    beforeAll(async () => ({ store, done } = await open()), 60_000);
    afterAll(() => done());

    it('starts empty, records reads in order and charges a reread nothing', async () => {
      expect(await store.read('alice', '2026-11')).toEqual([]);
      expect(await store.charge('alice', '2026-11', 7, 3)).toEqual([7]);
      expect(await store.charge('alice', '2026-11', 9, 3)).toEqual([7, 9]);
      expect(await store.charge('alice', '2026-11', 7, 3)).toEqual([7, 9]);
      expect(await store.read('alice', '2026-11')).toEqual([7, 9]);
    });

    it('refuses a new article once the limit is reached, but still allows rereads', async () => {
      for (const id of [1, 2, 3]) await store.charge('bob', '2026-11', id, 3);
      expect(await store.charge('bob', '2026-11', 4, 3)).toBeNull();
      expect(await store.charge('bob', '2026-11', 2, 3)).toEqual([1, 2, 3]);
      expect(await store.read('bob', '2026-11')).toEqual([1, 2, 3]);
    });

    it('keeps readers and months apart', async () => {
      await store.charge('carol', '2026-11', 1, 3);
      expect(await store.read('carol', '2026-12')).toEqual([]);
      expect(await store.read('dave', '2026-11')).toEqual([]);
    });

    it('never passes the limit under fifty concurrent charges of different articles', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.charge('eve', '2026-11', 100 + i, 10)));
      expect(results.filter((r) => r !== null)).toHaveLength(10);
      expect(new Set(await store.read('eve', '2026-11')).size).toBe(10);
    });
  });
}

describe.each(engines())('old months of anonymous meters are deleted [%s]', (engine) => {
  let test: TestDatabase;
  beforeAll(async () => (test = await createTestDatabase(engine)), 60_000);
  afterAll(() => test.destroy());

  it('deletes the months before the current one and keeps it', async () => {
    const store = databaseMeterStore(test.db);
    await store.charge('frank', '2026-10', 1, 10);
    await store.charge('frank', '2026-11', 2, 10);
    expect(await deleteMetersBefore(test.db, '2026-11')).toBe(1);
    expect(await store.read('frank', '2026-10')).toEqual([]);
    expect(await store.read('frank', '2026-11')).toEqual([2]);
  });
});
