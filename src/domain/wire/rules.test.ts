import { describe, expect, it } from 'vitest';
import type { WireItem } from './model.js';
import { isStale, planIngest, sectionFor, type KnownItem } from './rules.js';

const item = (over: Partial<WireItem> = {}): WireItem => ({
  guid: 'urn:x:1',
  version: 2,
  pubStatus: 'usable',
  headline: 'H',
  standfirst: '',
  body: 'B',
  subjects: [],
  keywords: [],
  byline: null,
  dateline: null,
  embargoUntil: null,
  correction: null,
  ...over,
});
const known = (over: Partial<KnownItem> = {}): KnownItem => ({ version: 1, status: 'published', canceled: false, articleId: 7, ...over });
const auto = { autoPublish: true };

describe('planIngest: what an arriving item does', () => {
  it.each([
    ['a new item of an automatic agency → created and published', null, item(), auto, { kind: 'create', publish: true }],
    ['a new item of a held agency → created, waiting', null, item(), { autoPublish: false }, { kind: 'create', publish: false }],
    ['the same version again → ignored', known({ version: 2 }), item(), auto, { kind: 'ignore', why: 'old-version' }],
    ['an older version → ignored', known({ version: 5 }), item(), auto, { kind: 'ignore', why: 'old-version' }],
    ['a newer version → update', known(), item(), auto, { kind: 'update', correction: null }],
    [
      'a newer version marked as a correction → update with the correction',
      known(),
      item({ correction: 'Fixed.' }),
      auto,
      { kind: 'update', correction: 'Fixed.' },
    ],
    ['canceled → kill for good', known(), item({ pubStatus: 'canceled' }), auto, { kind: 'kill', canceled: true }],
    ['withheld → kill', known(), item({ pubStatus: 'withheld' }), auto, { kind: 'kill', canceled: false }],
    [
      'a kill of a story never taken → ignored',
      null,
      item({ pubStatus: 'canceled' }),
      auto,
      { kind: 'ignore', why: 'kill-of-unknown-item' },
    ],
    [
      'a later version of a canceled story → ignored',
      known({ canceled: true, status: 'killed' }),
      item({ version: 9 }),
      auto,
      { kind: 'ignore', why: 'canceled' },
    ],
  ] as const)('%s', (_name, k, i, agency, plan) => {
    expect(planIngest(k, i, agency)).toEqual(plan);
  });
});

describe('sectionFor and isStale', () => {
  const agency = {
    defaultSection: 'world',
    sectionMap: [
      { match: 'medtop:04000000', section: 'economy' },
      { match: 'Cricket', section: 'sport' },
    ],
  };
  it('maps by subject code or keyword, case-insensitively; falls back to the default; skips a rule for a missing section', () => {
    expect(sectionFor({ subjects: ['medtop:04000000'], keywords: [] }, agency, new Set(['economy', 'world']))).toBe('economy');
    expect(sectionFor({ subjects: [], keywords: ['cricket'] }, agency, new Set(['sport']))).toBe('sport');
    expect(sectionFor({ subjects: [], keywords: ['cricket'] }, agency, new Set(['world']))).toBe('world');
    expect(sectionFor({ subjects: ['medtop:01000000'], keywords: [] }, agency, new Set(['economy']))).toBe('world');
  });
  it('a feed is stale when nothing was delivered for its warning time (from its creation when never), unless it is off', () => {
    const base = {
      enabled: true,
      staleMinutes: 60,
      lastDeliveryAt: new Date('2026-12-03T05:00:00Z'),
      createdAt: new Date('2026-12-01T00:00:00Z'),
    };
    expect(isStale(base, new Date('2026-12-03T06:00:00Z'))).toBe(false);
    expect(isStale(base, new Date('2026-12-03T06:00:01Z'))).toBe(true);
    expect(isStale({ ...base, enabled: false }, new Date('2026-12-04T00:00:00Z'))).toBe(false);
    expect(isStale({ ...base, lastDeliveryAt: null }, new Date('2026-12-01T00:30:00Z'))).toBe(false);
  });
});
