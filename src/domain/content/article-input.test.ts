import { describe, expect, it } from 'vitest';
import { parseArticleInput, toImportRecord } from './article-input.js';

const sections = new Set(['markets', 'economy', 'opinion']);

const valid = {
  slug: 'kaveri-steel-profit-rises-a1b2',
  headline: 'Kaveri Steel profit rises 12%',
  standfirst: 'The steel maker said demand stayed firm.',
  body: 'First paragraph.\n\nSecond paragraph.',
  section: 'markets',
  visibility: 'metered',
  provenance: 'staff',
  published_at: '2024-05-01T09:30:00+05:30',
  authors: ['Meera Iyer'],
  tags: ['steel', 'results'],
};

function parse(overrides: Record<string, unknown>) {
  return parseArticleInput({ ...valid, ...overrides }, sections);
}

function reason(overrides: Record<string, unknown>): string {
  const result = parse(overrides);
  if (result.ok) throw new Error('expected a rejection');
  return result.reason;
}

describe('parseArticleInput', () => {
  it('accepts a minimal valid record and applies defaults', () => {
    const result = parseArticleInput({ ...valid, authors: undefined, tags: undefined }, sections);
    expect(result).toEqual({
      ok: true,
      value: {
        slug: valid.slug,
        headline: valid.headline,
        standfirst: valid.standfirst,
        body: valid.body,
        section: 'markets',
        tags: [],
        authors: [],
        dateline: null,
        visibility: 'metered',
        provenance: 'staff',
        publishedAt: new Date('2024-05-01T04:00:00Z'),
        updatedAt: null,
        leadImage: null,
        editorsPick: false,
      },
    });
  });

  it('accepts every optional field', () => {
    const result = parse({
      updated_at: '2024-05-01T12:00:00Z',
      dateline: 'Mumbai',
      lead_image: { url: 'https://img.example.test/a.jpg', alt: 'A steel plant' },
      editors_pick: true,
      provenance: 'wire:Asia Wire',
    });
    expect(result.ok && result.value).toMatchObject({
      updatedAt: new Date('2024-05-01T12:00:00Z'),
      dateline: 'Mumbai',
      leadImage: { url: 'https://img.example.test/a.jpg', alt: 'A steel plant' },
      editorsPick: true,
      provenance: 'wire:Asia Wire',
    });
  });

  it('round-trips through toImportRecord', () => {
    const first = parse({ dateline: 'Pune', updated_at: '2024-05-02T00:00:00Z', lead_image: { url: '/media/a.jpg', alt: '' } });
    if (!first.ok) throw new Error(first.reason);
    expect(parseArticleInput(toImportRecord(first.value), sections)).toEqual(first);
  });

  it('rejects non-object input', () => {
    for (const raw of [null, undefined, 'x', 42, [valid]]) {
      expect(parseArticleInput(raw, sections)).toEqual({ ok: false, reason: 'an article must be a JSON object' });
    }
  });

  it('rejects unknown fields by name', () => {
    expect(reason({ paywall: true })).toBe('unknown field "paywall"');
    expect(reason({ lead_image: { url: '/a.jpg', alt: 'x', width: 3 } })).toBe('unknown field "lead_image.width"');
  });

  it('requires the mandatory fields', () => {
    for (const field of ['slug', 'headline', 'standfirst', 'body', 'section', 'visibility', 'provenance', 'published_at']) {
      expect(reason({ [field]: undefined })).toBe(`"${field}" is required`);
    }
  });

  it('checks the slug format and length', () => {
    const message = '"slug" must be lowercase letters, digits and hyphens (1-120 chars)';
    for (const slug of ['Upper-case', 'has space', 'under_score', '-leading', '', 'a'.repeat(121), 7]) {
      expect(reason({ slug })).toBe(message);
    }
    expect(parse({ slug: 'a'.repeat(120) }).ok).toBe(true);
  });

  it('limits headline, standfirst and body length and rejects empty text', () => {
    expect(parse({ headline: 'h'.repeat(300) }).ok).toBe(true);
    expect(reason({ headline: 'h'.repeat(301) })).toBe('"headline" is longer than 300 characters');
    expect(reason({ headline: '   ' })).toBe('"headline" must not be empty');
    expect(reason({ headline: 5 })).toBe('"headline" must be a string');
    expect(reason({ standfirst: 's'.repeat(1001) })).toBe('"standfirst" is longer than 1000 characters');
    expect(parse({ body: 'b'.repeat(200_000) }).ok).toBe(true);
    expect(reason({ body: 'b'.repeat(200_001) })).toBe('"body" is longer than 200000 characters');
  });

  it('rejects unknown sections', () => {
    expect(reason({ section: 'sport' })).toBe('unknown section "sport"');
  });

  it('checks visibility and provenance', () => {
    expect(reason({ visibility: 'secret' })).toBe('"visibility" must be one of free, metered, premium');
    expect(reason({ provenance: 'wire:' })).toBe('"provenance" must be "staff", "wire:<agency>" or "partner:<name>"');
    expect(reason({ provenance: 'blog:x' })).toMatch(/^"provenance"/);
    expect(parse({ provenance: 'partner:Harbour Review' }).ok).toBe(true);
  });

  it('requires ISO 8601 date-times with an offset', () => {
    for (const published_at of ['2024-05-01', '2024-05-01T09:30:00', 'yesterday', '01/05/2024 09:30', 1714550000000]) {
      expect(reason({ published_at })).toMatch(/^"published_at" is not an ISO 8601 date-time/);
    }
    for (const published_at of ['2024-02-30T10:00:00Z', '2024-13-01T10:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:61:00Z']) {
      expect(reason({ published_at })).toMatch(/^"published_at" is not an ISO 8601 date-time/);
    }
    expect(parse({ published_at: '2024-02-29T10:00Z' }).ok).toBe(true);
    expect(parse({ published_at: '2024-05-01T10:00:00.123-04:00' }).ok).toBe(true);
  });

  it('checks updated_at format and order', () => {
    expect(reason({ updated_at: 'soon' })).toMatch(/^"updated_at" is not an ISO 8601 date-time/);
    expect(reason({ updated_at: '2024-04-30T00:00:00Z' })).toBe('"updated_at" is earlier than "published_at"');
    expect(parse({ updated_at: null }).ok).toBe(true);
  });

  it('limits tags', () => {
    expect(parse({ tags: Array.from({ length: 20 }, (_, i) => `t${i}`) }).ok).toBe(true);
    expect(reason({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })).toBe('"tags" has more than 20 entries');
    expect(reason({ tags: ['x'.repeat(61)] })).toBe('"tags[0]" is longer than 60 characters');
    expect(reason({ tags: 'steel' })).toBe('"tags" must be an array of strings');
    expect(reason({ tags: ['ok', 3] })).toBe('"tags[1]" must be a string');
    expect(reason({ tags: ['steel', 'steel'] })).toBe('"tags" lists "steel" more than once');
  });

  it('limits authors', () => {
    expect(reason({ authors: Array.from({ length: 11 }, (_, i) => `A ${i}`) })).toBe('"authors" has more than 10 entries');
    expect(reason({ authors: ['x'.repeat(121)] })).toBe('"authors[0]" is longer than 120 characters');
    expect(reason({ authors: [''] })).toBe('"authors[0]" must not be empty');
  });

  it('checks the dateline', () => {
    expect(reason({ dateline: 12 })).toBe('"dateline" must be a string');
    expect(parse({ dateline: null }).ok).toBe(true);
  });

  it('accepts only https or site-relative lead image urls', () => {
    const image = (url: unknown, alt: unknown = 'alt') => ({ lead_image: { url, alt } });
    expect(parse(image('https://cdn.example.test/x.jpg')).ok).toBe(true);
    expect(parse(image('/media/x.jpg')).ok).toBe(true);
    const message = '"lead_image.url" must start with https:// or be a site-relative path starting with "/"';
    for (const url of ['http://cdn.example.test/x.jpg', 'javascript:alert(1)', '//evil.test/x.jpg', 'media/x.jpg', 'https://']) {
      expect(reason(image(url))).toBe(message);
    }
    expect(reason(image('/a b.jpg'))).toBe('"lead_image.url" must not contain whitespace');
    expect(reason(image('/x.jpg', 3))).toBe('"lead_image.alt" must be a string');
    expect(reason({ lead_image: 'https://x.test/a.jpg' })).toBe('"lead_image" must be an object with "url" and "alt"');
  });

  it('requires editors_pick to be a boolean', () => {
    expect(reason({ editors_pick: 'yes' })).toBe('"editors_pick" must be true or false');
  });
});
