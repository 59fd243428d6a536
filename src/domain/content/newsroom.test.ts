import { describe, expect, it } from 'vitest';
import { applyAction, checkArticleFields, shownStatus, slugFrom, type ArticleFields } from './newsroom.js';
import { diffFields, diffLines } from './revision-diff.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const LATER = new Date('2026-11-24T12:00:00Z');
const EARLIER = new Date('2026-11-20T10:00:00Z');

const FIELDS: ArticleFields = {
  slug: 'a-story',
  headline: 'A story',
  standfirst: 'What happened.',
  body: 'One.\n\nTwo.',
  section: 'markets',
  tags: [],
  authors: ['Asha'],
  dateline: null,
  visibility: 'free',
  provenance: 'staff',
  leadImage: null,
  embargoUntil: null,
  seo: { title: null, description: null, canonicalUrl: null, socialImageUrl: null },
};
const SECTIONS = new Set(['markets']);

describe('newsroom rules', () => {
  it('shows a published article whose time is ahead as scheduled', () => {
    expect(shownStatus({ status: 'published', publishedAt: LATER }, NOW)).toBe('scheduled');
    expect(shownStatus({ status: 'published', publishedAt: EARLIER }, NOW)).toBe('published');
    expect(shownStatus({ status: 'draft', publishedAt: null }, NOW)).toBe('draft');
  });

  it('publishes a draft now, and puts an unpublished article back at its first publication time', () => {
    expect(applyAction({ status: 'draft', publishedAt: null }, { kind: 'publish' }, NOW)).toMatchObject({
      status: 'published',
      publishedAt: NOW,
    });
    expect(applyAction({ status: 'unpublished', publishedAt: EARLIER }, { kind: 'publish' }, NOW)).toMatchObject({
      publishedAt: EARLIER,
      updatedAt: NOW,
    });
    expect(applyAction({ status: 'published', publishedAt: LATER }, { kind: 'publish' }, NOW)).toMatchObject({ publishedAt: NOW });
  });

  it('schedules only ahead of now, and never an article already on the site', () => {
    expect(applyAction(null, { kind: 'schedule', at: LATER }, NOW)).toMatchObject({ ok: true, status: 'published', publishedAt: LATER });
    expect(applyAction(null, { kind: 'schedule', at: EARLIER }, NOW)).toMatchObject({ ok: false, field: 'publishAt' });
    expect(applyAction({ status: 'published', publishedAt: EARLIER }, { kind: 'schedule', at: LATER }, NOW)).toMatchObject({ ok: false });
  });

  it('keeps the status on a plain save and takes the article down on unpublish', () => {
    expect(applyAction(null, { kind: 'save' }, NOW)).toMatchObject({ status: 'draft', publishedAt: null });
    expect(applyAction({ status: 'published', publishedAt: EARLIER }, { kind: 'unpublish' }, NOW)).toMatchObject({
      status: 'unpublished',
      publishedAt: EARLIER,
    });
  });

  it('makes a slug from a headline', () => {
    expect(slugFrom('Rates rise, again! — RBI’s 2026 call')).toBe('rates-rise-again-rbi-s-2026-call');
    expect(slugFrom('¡¿')).toBe('');
  });

  it('checks the fields with the import’s rules, one message per field; a draft may lack its text', () => {
    expect(checkArticleFields(FIELDS, SECTIONS, { draft: false })).toEqual({ ok: true });
    const bad = checkArticleFields(
      { ...FIELDS, standfirst: '', section: 'nowhere', provenance: 'blog', leadImage: { url: 'http://x', alt: '' } },
      SECTIONS,
      { draft: false },
    );
    expect(bad.ok ? {} : Object.keys(bad.errors).sort()).toEqual(['imageUrl', 'provenance', 'section', 'standfirst']);
    expect(checkArticleFields({ ...FIELDS, standfirst: '', body: '' }, SECTIONS, { draft: true })).toEqual({ ok: true });
  });
});

describe('revision diff', () => {
  it('matches lines and marks what was removed and added', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'c', 'd'])).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ]);
  });

  it('lists only the fields that differ', () => {
    const diffs = diffFields(FIELDS, { ...FIELDS, headline: 'Another', tags: ['x'] });
    expect(diffs.map((d) => d.field)).toEqual(['headline', 'tags']);
  });
});
