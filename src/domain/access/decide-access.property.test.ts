import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { AccessItem } from '../content/model.js';
import type { MeterState } from '../metering/model.js';
import { meterPeriod } from '../metering/period.js';
import { decideAccess } from './decide-access.js';
import type { AccessInput, AccessPolicy, Reader } from './model.js';

const DAY_MS = 86_400_000;
const ZONES = ['Asia/Kolkata', 'UTC', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham'];

const dateArb = fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true });

const policyArb: fc.Arbitrary<AccessPolicy> = fc.record({
  freeLimit: fc.integer({ min: 0, max: 12 }),
  registrationBonus: fc.integer({ min: 0, max: 5 }),
  timeZone: fc.constantFrom(...ZONES),
  archiveAfterDays: fc.option(fc.integer({ min: 0, max: 400 })),
  unmeteredProvenances: fc.subarray(['wire:', 'partner:']),
});

const readerArb: fc.Arbitrary<Reader> = fc.record({
  kind: fc.constantFrom('anonymous', 'registered', 'verified-crawler'),
  entitlements: fc.subarray(['premium', 'archive', 'markets', 'ad-free']).map((list) => new Set(list)),
});

function itemArb(now: Date): fc.Arbitrary<AccessItem> {
  return fc.record({
    id: fc.integer({ min: 1, max: 30 }),
    visibility: fc.constantFrom('free', 'metered', 'premium'),
    section: fc.constant('news'),
    provenance: fc.constantFrom('staff', 'wire:PTI', 'partner:Globe'),
    publishedAt: fc.integer({ min: 0, max: 800 }).map((days) => new Date(now.getTime() - days * DAY_MS)),
    premiumEntitlement: fc.constantFrom('premium', 'markets'),
  });
}

/** A meter from this month or a stale one, with distinct ids. */
function meterArb(now: Date, timeZone: string): fc.Arbitrary<MeterState> {
  return fc.record({
    period: fc.constantFrom(meterPeriod(now, timeZone), '2024-12'),
    read: fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 20 }),
  });
}

const inputArb: fc.Arbitrary<AccessInput> = fc
  .record({ now: dateArb, policy: policyArb, reader: readerArb })
  .chain(({ now, policy, reader }) =>
    fc.record({
      now: fc.constant(now),
      policy: fc.constant(policy),
      reader: fc.constant(reader),
      item: itemArb(now),
      meter: meterArb(now, policy.timeZone),
      network: fc.option(fc.record({ used: fc.nat(10), limit: fc.nat(10) })),
    }),
  );

function isArchived(input: AccessInput): boolean {
  const days = input.policy.archiveAfterDays;
  return days != null && input.now.getTime() - input.item.publishedAt.getTime() > days * DAY_MS;
}

function limitOf(reader: Reader, policy: AccessPolicy): number {
  return policy.freeLimit + (reader.kind === 'registered' ? policy.registrationBonus : 0);
}

describe('decideAccess properties', () => {
  it('never denies a reader holding premium and the item entitlement a non-archive item', () => {
    fc.assert(
      fc.property(inputArb, (given) => {
        fc.pre(!isArchived(given));
        const entitlements = new Set([...given.reader.entitlements, 'premium', given.item.premiumEntitlement]);
        const decision = decideAccess({ ...given, reader: { ...given.reader, entitlements } });
        expect(decision.allowed).toBe(true);
        expect(decision.charged).toBe(false);
      }),
    );
  });

  it('never denies or charges a free article', () => {
    fc.assert(
      fc.property(inputArb, (given) => {
        const decision = decideAccess({ ...given, item: { ...given.item, visibility: 'free' } });
        expect(decision.allowed).toBe(true);
        expect(decision.charged).toBe(false);
      }),
    );
  });

  it('never changes the meter (beyond a month reset) when it denies', () => {
    fc.assert(
      fc.property(inputArb, (given) => {
        const decision = decideAccess(given);
        if (decision.allowed) return;
        const samePeriod = decision.meter.period === given.meter.period;
        expect(decision.meter.read).toEqual(samePeriod ? given.meter.read : []);
        expect(decision.charged).toBe(false);
      }),
    );
  });

  it('keeps the meter within the limit, without duplicates, charging each article once a month', () => {
    const readsArb = fc.array(fc.record({ id: fc.integer({ min: 1, max: 15 }), minutes: fc.integer({ min: 0, max: 6 * 24 * 60 }) }), {
      maxLength: 60,
    });
    fc.assert(
      fc.property(policyArb, readerArb, dateArb, readsArb, (policy, reader, start, reads) => {
        const limit = limitOf(reader, policy);
        let meter: MeterState = { period: meterPeriod(start, policy.timeZone), read: [] };
        let now = start.getTime();
        const charged = new Set<string>();
        for (const { id, minutes } of reads) {
          now += minutes * 60_000; // time only moves forward, sometimes across a month boundary
          const item: AccessItem = {
            id,
            visibility: 'metered',
            section: 'news',
            provenance: 'staff',
            publishedAt: new Date(now),
            premiumEntitlement: 'premium',
          };
          const decision = decideAccess({ reader, item, meter, network: null, policy, now: new Date(now) });
          meter = decision.meter;
          expect(new Set(meter.read).size).toBe(meter.read.length);
          if (reader.kind !== 'verified-crawler') expect(meter.read.length).toBeLessThanOrEqual(limit);
          if (decision.charged) {
            const key = `${meter.period}/${id}`;
            expect(charged.has(key)).toBe(false);
            charged.add(key);
          }
          if (decision.readsLeft != null) expect(decision.readsLeft).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
