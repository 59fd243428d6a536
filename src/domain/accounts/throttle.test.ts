import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import type { Counters } from '../ports/counters.js';
import { AUTH_LIMITS, authThrottle, type Requester } from './throttle.js';

/** Counters in a map, on a clock the test moves. */
function fakeCounters() {
  let now = 0;
  const entries = new Map<string, { value: number; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now) entries.delete(key);
    return entries.get(key);
  };
  const counters: Counters = {
    get: (key) => Promise.resolve(live(key)?.value ?? 0),
    increment(key, ttlSeconds, by = 1) {
      const entry = live(key);
      if (entry) entry.value += by;
      else entries.set(key, { value: by, expiresAt: now + ttlSeconds * 1000 });
      return Promise.resolve(live(key)?.value ?? 0);
    },
    delete: (key) => Promise.resolve(void entries.delete(key)),
    close: () => Promise.resolve(),
  };
  return { counters, advance: (seconds: number) => (now += seconds * 1000) };
}

/** The seconds to wait a rate limit asks for, or null when the call was allowed. */
async function waitOf(call: Promise<void>): Promise<number | null> {
  try {
    await call;
    return null;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'rate-limited') return error.retryAfterSeconds ?? 0;
    throw error;
  }
}

const ADDRESS = 'reader@example.com';
const on = (network: string, more: Partial<Requester> = {}): Requester => ({
  address: ADDRESS,
  network,
  device: null,
  ownNetwork: false,
  ...more,
});

describe('authentication limits', () => {
  it('give an attacker’s network growing delays for wrong passwords, and nobody else', async () => {
    const { counters, advance } = fakeCounters();
    const throttle = authThrottle(counters);
    const attacker = on('network-a');
    const waits: number[] = [];
    for (let i = 0; i < 11; i++) {
      expect(await waitOf(throttle.assertMayTryPassword(attacker)), `try ${i + 1}`).toBeNull();
      await throttle.passwordFailed(attacker);
      const wait = await waitOf(throttle.assertMayTryPassword(attacker));
      if (wait !== null) {
        waits.push(wait);
        advance(wait);
      }
    }
    expect(waits).toEqual([60, 120, 240, 480, 960, 1920, 3600]);
    await throttle.passwordFailed(attacker);
    expect(await waitOf(throttle.assertMayTryPassword(attacker))).toBe(3600);
    // The reader, on their own network or on a device they used before, is not kept waiting.
    expect(await waitOf(throttle.assertMayTryPassword(on('network-b')))).toBeNull();
    expect(await waitOf(throttle.assertMayTryPassword(on('network-a', { device: 'readers-laptop' })))).toBeNull();
    expect(await waitOf(throttle.assertMayTryCode(on('network-b')))).toBeNull();
    expect(await waitOf(throttle.assertMayTryCode(on('network-a', { device: 'readers-laptop' })))).toBeNull();
  });

  it('clear an address’s failures on its network when the reader gets the password right', async () => {
    const { counters } = fakeCounters();
    const throttle = authThrottle(counters);
    const reader = on('home');
    for (let i = 0; i < 4; i++) await throttle.passwordFailed(reader);
    await throttle.passwordSucceeded(reader);
    for (let i = 0; i < 4; i++) await throttle.passwordFailed(reader);
    expect(await waitOf(throttle.assertMayTryPassword(reader))).toBeNull();
  });

  it('stop a distributed guess at the per-address ceiling, except on the reader’s known devices', async () => {
    const { counters } = fakeCounters();
    const throttle = authThrottle(counters);
    const { ceiling } = AUTH_LIMITS.failures.perAddressFromUnknownDevices;
    const { free } = AUTH_LIMITS.failures.perAddressAndNetwork;
    let network = 0;
    for (let i = 0; i < ceiling; i++) {
      if (i % free === 0) network++;
      const botnet = on(`bot-${network}`);
      expect(await waitOf(throttle.assertMayTryPassword(botnet)), `guess ${i + 1}`).toBeNull();
      await throttle.passwordFailed(botnet);
    }
    expect(network).toBeGreaterThanOrEqual(ceiling / free);
    expect(await waitOf(throttle.assertMayTryPassword(on('fresh-network')))).toBe(24 * 3600);
    expect(await waitOf(throttle.assertMayTryPassword(on('fresh-network', { device: 'readers-phone' })))).toBeNull();
    // Emailed codes are not touched by wrong passwords.
    expect(await waitOf(throttle.countEmail(on('fresh-network')))).toBeNull();
    expect(await waitOf(throttle.assertMayTryCode(on('fresh-network')))).toBeNull();
  });

  it('keep emailed codes open to a known device and the reader’s own networks whatever is asked elsewhere', async () => {
    const { counters } = fakeCounters();
    const throttle = authThrottle(counters);
    const { limit } = AUTH_LIMITS.emails.perAddressFromUnknownNetworks;
    for (let i = 0; i < limit; i++) expect(await waitOf(throttle.countEmail(on(`bot-${i}`))), `email ${i + 1}`).toBeNull();
    expect(await waitOf(throttle.countEmail(on('another-bot')))).toBe(3600);
    expect(await waitOf(throttle.countEmail(on('home', { ownNetwork: true })))).toBeNull();
    expect(await waitOf(throttle.countEmail(on('bot-1', { device: 'readers-laptop' })))).toBeNull();
  });

  it('still limit one network and one known device on their own', async () => {
    const { counters } = fakeCounters();
    const throttle = authThrottle(counters);
    const perAddress = AUTH_LIMITS.emails.perAddressAndNetwork.limit;
    for (let i = 0; i < perAddress; i++) await throttle.countEmail(on('home', { ownNetwork: true }));
    expect(await waitOf(throttle.countEmail(on('home', { ownNetwork: true })))).toBe(15 * 60);
    const device = on('anywhere', { device: 'stolen-cookie' });
    const { free } = AUTH_LIMITS.failures.perKnownDevice;
    for (let i = 0; i < free; i++) await throttle.passwordFailed(device);
    expect(await waitOf(throttle.assertMayTryPassword(device))).toBe(60);
    for (let i = 0; i < AUTH_LIMITS.failures.perNetwork.free; i++)
      await throttle.codeFailed(on('stuffer', { address: `x${i}@example.com` }));
    expect(await waitOf(throttle.assertMayTryCode(on('stuffer', { address: 'someone@example.com' })))).toBe(60);
  });
});
