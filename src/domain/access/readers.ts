import { chargeReaderMeter, loadReaderMeter } from '../metering/reader-meter-queries.js';
import type { MeterState } from '../metering/model.js';
import type { Counters } from '../ports/counters.js';
import type { Db } from '../ports/database.js';
import type { MeterStore } from '../ports/meter-store.js';
import type { AccessPolicy } from './model.js';
import { loadRegisteredReader } from './reader-queries.js';

/** Network budgets are monthly; keys outlive the month by a little so late requests still count. */
const NETWORK_TTL_SECONDS = 32 * 24 * 3600;

/**
 * What the access decision needs to know about a reader beyond the request, and how a read is paid for:
 * a signed-in reader's entitlements and server-side meter, and an anonymous network's monthly budget.
 */
export interface ReaderService {
  /** A signed-in reader's entitlements now and meter for `period` (read together, in one statement). */
  registered(userId: number, now: Date, period: string): Promise<{ entitlements: Set<string>; meter: MeterState }>;
  /** A signed-in reader's meter for `period`. */
  registeredMeter(userId: number, period: string): Promise<MeterState>;
  /**
   * Charges one metered read to a signed-in reader, atomically against the limit across all their devices.
   * Returns the new meter, or null when the limit was reached meanwhile (the read must then be denied).
   */
  chargeRegistered(userId: number, period: string, articleId: number): Promise<MeterState | null>;
  /** Metered reads used this month by the anonymous readers of a network (key from `networkKey`). */
  networkUsed(key: string): Promise<number>;
  /** An anonymous reader's meter for `period`, by the id the server issued them. */
  anonymousMeter(readerId: string, period: string): Promise<readonly number[]>;
  /** Charges one metered read to an anonymous reader, atomically against the free limit; null when it was full. */
  chargeAnonymous(readerId: string, period: string, articleId: number): Promise<MeterState | null>;
  chargeNetwork(key: string): Promise<void>;
}

export function createReaderService(deps: { db: Db; counters: Counters; meters: MeterStore; policy: AccessPolicy }): ReaderService {
  const { db, counters, meters, policy } = deps;
  // Read per call: the policy object changes in place when the paywall settings are saved.
  const registeredLimit = () => policy.freeLimit + policy.registrationBonus;
  return {
    registered: (userId, now, period) => loadRegisteredReader(db, userId, now, period),
    registeredMeter: (userId, period) => loadReaderMeter(db, userId, period),
    chargeRegistered: (userId, period, articleId) => chargeReaderMeter(db, userId, period, articleId, registeredLimit()),
    networkUsed: (key) => counters.get(key),
    anonymousMeter: (readerId, period) => meters.read(readerId, period),
    async chargeAnonymous(readerId, period, articleId) {
      const read = await meters.charge(readerId, period, articleId, policy.freeLimit);
      return read ? { period, read } : null;
    },
    async chargeNetwork(key) {
      await counters.increment(key, NETWORK_TTL_SECONDS);
    },
  };
}
