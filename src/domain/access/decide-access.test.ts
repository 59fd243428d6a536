import { describe, it, expect } from 'vitest';
import type { AccessItem } from '../content/model.js';
import type { MeterState } from '../metering/model.js';
import { decideAccess } from './decide-access.js';
import type { AccessDecision, AccessInput, AccessPolicy, Reader } from './model.js';

const OCT = '2026-10';
const NOW = new Date('2026-10-15T06:30:00Z');

const anonymous: Reader = { kind: 'anonymous', entitlements: new Set() };
const registered: Reader = { kind: 'registered', entitlements: new Set() };
const subscriber: Reader = { kind: 'registered', entitlements: new Set(['premium']) };
const archivist: Reader = { kind: 'registered', entitlements: new Set(['archive']) };
const archiveSubscriber: Reader = { kind: 'registered', entitlements: new Set(['archive', 'premium']) };
const marketsReader: Reader = { kind: 'registered', entitlements: new Set(['markets']) };
const crawler: Reader = { kind: 'verified-crawler', entitlements: new Set() };

const policy: AccessPolicy = {
  freeLimit: 10,
  registrationBonus: 0,
  timeZone: 'Asia/Kolkata',
  archiveAfterDays: null,
  unmeteredProvenances: [],
};
const wall: AccessPolicy = { ...policy, registrationBonus: 5 };
const archive: AccessPolicy = { ...policy, archiveAfterDays: 365 };

const item: AccessItem = {
  id: 99,
  visibility: 'metered',
  section: 'markets',
  provenance: 'staff',
  publishedAt: new Date('2026-10-14T00:00:00Z'),
  premiumEntitlement: 'premium',
};
const old = { publishedAt: new Date('2025-01-01T00:00:00Z') };

function meter(count: number, period = OCT): MeterState {
  return { period, read: Array.from({ length: count }, (_, i) => i + 1) };
}

function input(overrides: Partial<Omit<AccessInput, 'item'>> & { item?: Partial<AccessItem> } = {}): AccessInput {
  return {
    reader: anonymous,
    meter: meter(2),
    network: null,
    policy,
    now: NOW,
    ...overrides,
    item: { ...item, ...overrides.item },
  };
}

type Case = [name: string, input: AccessInput, expected: Omit<AccessDecision, 'meter'> & { read: readonly number[]; period?: string }];

const cases: Case[] = [
  [
    'verified crawler reads a premium article in full, meter untouched',
    input({ reader: crawler, item: { visibility: 'premium' } }),
    { allowed: true, reason: 'verified-crawler', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'anonymous reader, free article → free, not charged, 8 left',
    input({ item: { visibility: 'free' } }),
    { allowed: true, reason: 'free', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'anonymous reader with an exhausted meter still reads a free article',
    input({ meter: meter(10), item: { visibility: 'free' } }),
    { allowed: true, reason: 'free', charged: false, readsLeft: 0, read: meter(10).read },
  ],
  [
    'subscriber, free article → free, meter does not apply',
    input({ reader: subscriber, item: { visibility: 'free' } }),
    { allowed: true, reason: 'free', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'free article in a new month reports a reset meter',
    input({ meter: meter(10, '2026-09'), item: { visibility: 'free' } }),
    { allowed: true, reason: 'free', charged: false, readsLeft: 10, read: [], period: OCT },
  ],
  [
    'anonymous reader, 3rd metered article of 10 → metered, 7 left',
    input(),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 7, read: [1, 2, 99] },
  ],
  [
    'anonymous reader, 10th metered article of 10 → metered, 0 left',
    input({ meter: meter(9) }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 0, read: [...meter(9).read, 99] },
  ],
  [
    'anonymous reader rereads an article this month → not charged',
    input({ meter: meter(10), item: { id: 4 } }),
    { allowed: true, reason: 'metered-reread', charged: false, readsLeft: 0, read: meter(10).read },
  ],
  [
    'anonymous reader, 11th article, no registration wall → meter-exhausted',
    input({ meter: meter(10) }),
    { allowed: false, reason: 'meter-exhausted', charged: false, readsLeft: 0, read: meter(10).read },
  ],
  [
    'anonymous reader, 11th article, registration wall on → registration-required',
    input({ meter: meter(10), policy: wall }),
    { allowed: false, reason: 'registration-required', charged: false, readsLeft: 0, read: meter(10).read },
  ],
  [
    'registered reader, 11th article with a bonus of 5 → metered, 4 left',
    input({ reader: registered, meter: meter(10), policy: wall }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 4, read: [...meter(10).read, 99] },
  ],
  [
    'registered reader past limit + bonus → meter-exhausted',
    input({ reader: registered, meter: meter(15), policy: wall }),
    { allowed: false, reason: 'meter-exhausted', charged: false, readsLeft: 0, read: meter(15).read },
  ],
  [
    'meter above a lowered limit reports 0 left, never negative',
    input({ meter: meter(12) }),
    { allowed: false, reason: 'meter-exhausted', charged: false, readsLeft: 0, read: meter(12).read },
  ],
  [
    'policy lowered mid-month: a free article reports 0 left for a meter above the new limit, never negative',
    input({ meter: meter(12), item: { visibility: 'free' } }),
    { allowed: true, reason: 'free', charged: false, readsLeft: 0, read: meter(12).read },
  ],
  [
    'policy lowered mid-month: a premium article reports 0 left for a meter above the new limit, never negative',
    input({ meter: meter(12), item: { visibility: 'premium' } }),
    { allowed: false, reason: 'subscription-required', charged: false, readsLeft: 0, read: meter(12).read },
  ],
  [
    'subscriber, metered article → entitled, not charged',
    input({ reader: subscriber, meter: meter(10) }),
    { allowed: true, reason: 'entitled', charged: false, readsLeft: null, read: meter(10).read },
  ],
  [
    'wire story under an unmetered licence → unmetered-provenance, not charged',
    input({ item: { provenance: 'wire:PTI' }, policy: { ...policy, unmeteredProvenances: ['partner:', 'wire:'] } }),
    { allowed: true, reason: 'unmetered-provenance', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'staff story when only wire stories are unmetered → metered, charged',
    input({ policy: { ...policy, unmeteredProvenances: ['wire:'] } }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 7, read: [1, 2, 99] },
  ],
  [
    'anonymous reader on a network with one read of its budget left → metered, charged',
    input({ network: { used: 499, limit: 500 } }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 7, read: [1, 2, 99] },
  ],
  [
    'anonymous reader on a network whose budget is spent → network-budget-exhausted',
    input({ network: { used: 500, limit: 500 } }),
    { allowed: false, reason: 'network-budget-exhausted', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'network budget spent does not stop a reread',
    input({ network: { used: 500, limit: 500 }, item: { id: 2 } }),
    { allowed: true, reason: 'metered-reread', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'network budget does not apply to registered readers',
    input({ reader: registered, network: { used: 500, limit: 500 } }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 7, read: [1, 2, 99] },
  ],
  [
    'anonymous reader, premium article → subscription-required, meter untouched',
    input({ item: { visibility: 'premium' } }),
    { allowed: false, reason: 'subscription-required', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'subscriber, premium article → entitled',
    input({ reader: subscriber, item: { visibility: 'premium' } }),
    { allowed: true, reason: 'entitled', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'markets reader, markets premium article → entitled, still metered elsewhere',
    input({ reader: marketsReader, item: { visibility: 'premium', premiumEntitlement: 'markets' } }),
    { allowed: true, reason: 'entitled', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'subscriber without markets, markets premium article → subscription-required',
    input({ reader: subscriber, item: { visibility: 'premium', premiumEntitlement: 'markets' } }),
    { allowed: false, reason: 'subscription-required', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'subscriber without archive, archived metered article → archive-subscription-required',
    input({ reader: subscriber, policy: archive, item: old }),
    { allowed: false, reason: 'archive-subscription-required', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'archived wire story of an agency excluded from the archive → metered as its visibility says',
    input({ reader: subscriber, policy: { ...archive, archiveExemptProvenances: ['wire:EXW'] }, item: { ...old, provenance: 'wire:EXW' } }),
    { allowed: true, reason: 'entitled', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'archive reader, archived metered article → entitled, not charged',
    input({ reader: archivist, policy: archive, item: old }),
    { allowed: true, reason: 'entitled', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'archive reader without premium, archived premium article → archive-subscription-required',
    input({ reader: archivist, policy: archive, item: { ...old, visibility: 'premium' } }),
    { allowed: false, reason: 'archive-subscription-required', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'archive + premium subscriber, archived premium article → entitled',
    input({ reader: archiveSubscriber, policy: archive, item: { ...old, visibility: 'premium' } }),
    { allowed: true, reason: 'entitled', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'archive rule on, publication date unknown → denied unknown (it may be archived)',
    input({ policy: archive, item: { publishedAt: new Date(Number.NaN) } }),
    { allowed: false, reason: 'unknown', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'no archive rule, publication date unknown → metered as usual',
    input({ item: { publishedAt: new Date(Number.NaN) } }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 7, read: [1, 2, 99] },
  ],
  [
    'article exactly archiveAfterDays old is not yet archived',
    input({ policy: { ...policy, archiveAfterDays: 1 }, item: { publishedAt: new Date(NOW.getTime() - 86_400_000) } }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 7, read: [1, 2, 99] },
  ],
  [
    'Asia/Kolkata: 2026-10-31T19:00Z is already November → meter resets, 9 left',
    input({ meter: meter(10), now: new Date('2026-10-31T19:00:00Z') }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 9, read: [99], period: '2026-11' },
  ],
  [
    'Asia/Kolkata: 2026-10-31T18:29Z is still October → exhausted',
    input({ meter: meter(10), now: new Date('2026-10-31T18:29:00Z') }),
    { allowed: false, reason: 'meter-exhausted', charged: false, readsLeft: 0, read: meter(10).read },
  ],
  [
    'an article read last month counts again this month',
    input({ meter: { period: '2026-09', read: [99] } }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 9, read: [99], period: OCT },
  ],
  [
    'unknown visibility from corrupted data → denied unknown',
    input({ item: { visibility: 'leaked' as AccessItem['visibility'] } }),
    { allowed: false, reason: 'unknown', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'unknown reader kind on a metered article → denied unknown',
    input({ reader: { kind: 'robot' as Reader['kind'], entitlements: new Set() } }),
    { allowed: false, reason: 'unknown', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'unknown reader kind, free article → free, meter not reported',
    input({ reader: { kind: 'robot' as Reader['kind'], entitlements: new Set() }, item: { visibility: 'free' } }),
    { allowed: true, reason: 'free', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'invalid clock on a free article → still free, meter untouched and not reported',
    input({ now: new Date(Number.NaN), item: { visibility: 'free' } }),
    { allowed: true, reason: 'free', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'invalid clock on a metered article → denied unknown',
    input({ now: new Date(Number.NaN) }),
    { allowed: false, reason: 'unknown', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'section rule premium: a metered article there needs the subscription',
    input({ policy: { ...policy, sectionRules: new Map([['markets', 'premium']]) } }),
    { allowed: false, reason: 'subscription-required', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'section rule premium: a free article there needs the subscription too',
    input({ item: { visibility: 'free' }, policy: { ...policy, sectionRules: new Map([['markets', 'premium']]) } }),
    { allowed: false, reason: 'subscription-required', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'section rule premium: a subscriber reads there',
    input({ reader: subscriber, policy: { ...policy, sectionRules: new Map([['markets', 'premium']]) } }),
    { allowed: true, reason: 'entitled', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'section rule metered: a free article there uses the meter',
    input({ item: { visibility: 'free' }, policy: { ...policy, sectionRules: new Map([['markets', 'metered']]) } }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 7, read: [1, 2, 99] },
  ],
  [
    'section rule free: a metered article there is free, meter untouched even when exhausted',
    input({ meter: meter(10), policy: { ...policy, sectionRules: new Map([['markets', 'free']]) } }),
    { allowed: true, reason: 'free', charged: false, readsLeft: 0, read: meter(10).read },
  ],
  [
    'section rule free never gives away a premium article',
    input({ item: { visibility: 'premium' }, policy: { ...policy, sectionRules: new Map([['markets', 'free']]) } }),
    { allowed: false, reason: 'subscription-required', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'a rule for another section changes nothing',
    input({ policy: { ...policy, sectionRules: new Map([['world', 'premium']]) } }),
    { allowed: true, reason: 'metered', charged: true, readsLeft: 7, read: [1, 2, 99] },
  ],
  [
    'gift: an anonymous reader opens a premium article, meter untouched',
    input({ gift: true, item: { visibility: 'premium' } }),
    { allowed: true, reason: 'gift', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'gift: a metered article opens without using a free article',
    input({ gift: true }),
    { allowed: true, reason: 'gift', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'gift: opens past an exhausted meter',
    input({ gift: true, meter: meter(10) }),
    { allowed: true, reason: 'gift', charged: false, readsLeft: 0, read: meter(10).read },
  ],
  [
    'gift: opens past the network budget',
    input({ gift: true, network: { used: 300, limit: 300 } }),
    { allowed: true, reason: 'gift', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'gift: a meter of last month is reported reset, not charged',
    input({ gift: true, meter: meter(10, '2026-09'), item: { visibility: 'premium' } }),
    { allowed: true, reason: 'gift', charged: false, readsLeft: 10, read: [], period: OCT },
  ],
  [
    'gift: opens an archived article',
    input({ gift: true, reader: registered, policy: archive, item: old }),
    { allowed: true, reason: 'gift', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'gift: a subscriber reads as a subscriber',
    input({ gift: true, reader: subscriber, item: { visibility: 'premium' } }),
    { allowed: true, reason: 'entitled', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'gift: a free article stays free',
    input({ gift: true, item: { visibility: 'free' } }),
    { allowed: true, reason: 'free', charged: false, readsLeft: 8, read: [1, 2] },
  ],
  [
    'gift: a reread stays a reread',
    input({ gift: true, meter: { period: OCT, read: [99] } }),
    { allowed: true, reason: 'metered-reread', charged: false, readsLeft: 9, read: [99] },
  ],
  [
    'gift: never opens what the decision cannot make sense of',
    input({ gift: true, item: { visibility: 'secret' as AccessItem['visibility'] } }),
    { allowed: false, reason: 'unknown', charged: false, readsLeft: null, read: [1, 2] },
  ],
  [
    'gift: false changes nothing',
    input({ gift: false, item: { visibility: 'premium' } }),
    { allowed: false, reason: 'subscription-required', charged: false, readsLeft: 8, read: [1, 2] },
  ],
];

describe('decideAccess', () => {
  it.each(cases)('%s', (_name, given, expected) => {
    const decision = decideAccess(given);
    expect(decision.allowed).toBe(expected.allowed);
    expect(decision.reason).toBe(expected.reason);
    expect(decision.charged).toBe(expected.charged);
    expect(decision.readsLeft).toBe(expected.readsLeft);
    expect(decision.meter.read).toEqual(expected.read);
    expect(decision.meter.period).toBe(expected.period ?? given.meter.period);
  });

  it('does not mutate the input meter when charging', () => {
    const given = input();
    decideAccess(given);
    expect(given.meter.read).toEqual([1, 2]);
  });
});
