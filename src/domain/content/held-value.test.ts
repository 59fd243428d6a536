import { afterEach, describe, expect, it, vi } from 'vitest';
import { heldValue } from './held-value.js';

describe('heldValue', () => {
  afterEach(() => vi.useRealTimers());

  it('loads once for everyone who asks within its time, and again after it', async () => {
    vi.useFakeTimers();
    let loads = 0;
    const held = heldValue(1_000, async () => ++loads);
    expect(await Promise.all([held.get(), held.get()])).toEqual([1, 1]);
    vi.advanceTimersByTime(999);
    expect(await held.get()).toBe(1);
    vi.advanceTimersByTime(2);
    expect(await held.get()).toBe(2);
  });

  it('keeps no failed load, and forget makes the next asker load afresh', async () => {
    let next: () => Promise<string> = () => Promise.reject(new Error('down'));
    const held = heldValue(60_000, () => next());
    await expect(held.get()).rejects.toThrow('down');
    next = async () => 'up';
    expect(await held.get()).toBe('up');
    next = async () => 'changed';
    expect(await held.get()).toBe('up');
    held.forget();
    expect(await held.get()).toBe('changed');
  });

  it('a load from before a forget that fails later does not drop the value loaded since', async () => {
    let fail: (error: Error) => void = () => undefined;
    let next: () => Promise<string> = () => new Promise((_, reject) => (fail = reject));
    const held = heldValue(60_000, () => next());
    const stale = held.get();
    held.forget();
    next = async () => 'fresh';
    expect(await held.get()).toBe('fresh');
    next = async () => 'another';
    fail(new Error('late'));
    await expect(stale).rejects.toThrow('late');
    expect(await held.get()).toBe('fresh');
  });
});
