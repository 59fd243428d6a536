import { afterAll, describe, expect, it } from 'vitest';
import { memoryCounters, redisCounters, type Counters } from './counters.js';

const stores: [string, () => Promise<Counters>][] = [['memory', async () => memoryCounters()]];
if (process.env.REDIS_URL)
  stores.push(['redis', () => redisCounters(process.env.REDIS_URL!, `masthead-test:${process.pid}:${Date.now()}:`)]);

for (const [name, open] of stores) {
  describe(`counters [${name}]`, () => {
    let counters: Counters;
    afterAll(() => counters?.close());

    it('count up from zero and keep keys apart', async () => {
      counters = await open();
      expect(await counters.get('a')).toBe(0);
      expect(await counters.increment('a', 60)).toBe(1);
      expect(await counters.increment('a', 60, 2)).toBe(3);
      expect(await counters.get('a')).toBe(3);
      expect(await counters.get('b')).toBe(0);
    });

    it('count every one of many concurrent increments', async () => {
      await Promise.all(Array.from({ length: 50 }, () => counters.increment('c', 60)));
      expect(await counters.get('c')).toBe(50);
    });
  });
}

describe('memory counters expire', () => {
  it('forget a key after its time to live', async () => {
    let t = 1_000_000;
    const counters = memoryCounters(() => t);
    await counters.increment('k', 10);
    t += 9_000;
    expect(await counters.get('k')).toBe(1);
    t += 2_000;
    expect(await counters.get('k')).toBe(0);
    await counters.close();
  });
});
