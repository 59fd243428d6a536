import { describe, expect, it } from 'vitest';
import { changeList, mergeNominations, PICK_LIMIT } from './rules.js';

const words = { list: 'The picks', item: 'a pick' };
const story = (id: number, day: number) => ({ id, publishedAt: new Date(Date.UTC(2026, 11, day)) });

describe('changeList', () => {
  it('adds at the end, up to the limit', () => {
    expect(changeList([1, 2], { kind: 'add', id: 3 }, 3, words)).toEqual({ ok: true, list: [1, 2, 3] });
    expect(changeList([1, 2, 3], { kind: 'add', id: 4 }, 3, words)).toEqual({
      ok: false,
      message: 'The picks hold at most 3 stories: remove one first.',
    });
  });
  it('refuses a story twice, and removing or moving one not there', () => {
    expect(changeList([1, 2], { kind: 'add', id: 2 }, 6, words)).toEqual({ ok: false, message: 'This story is already a pick.' });
    expect(changeList([1, 2], { kind: 'remove', id: 5 }, 6, words).ok).toBe(false);
    expect(changeList([1, 2], { kind: 'move', id: 5, by: 1 }, 6, words).ok).toBe(false);
  });
  it('removes and moves one place, staying put at either end', () => {
    expect(changeList([1, 2, 3], { kind: 'remove', id: 2 }, 6, words)).toEqual({ ok: true, list: [1, 3] });
    expect(changeList([1, 2, 3], { kind: 'move', id: 3, by: -1 }, 6, words)).toEqual({ ok: true, list: [1, 3, 2] });
    expect(changeList([1, 2, 3], { kind: 'move', id: 1, by: 1 }, 6, words)).toEqual({ ok: true, list: [2, 1, 3] });
    expect(changeList([1, 2, 3], { kind: 'move', id: 1, by: -1 }, 6, words)).toEqual({ ok: true, list: [1, 2, 3] });
    expect(changeList([1, 2, 3], { kind: 'move', id: 3, by: 1 }, 6, words)).toEqual({ ok: true, list: [1, 2, 3] });
  });
});

describe('mergeNominations (the import’s editors_pick)', () => {
  it('puts a nominated story ahead of the first pick published before it, keeping the editor’s order otherwise', () => {
    // The editor put an older story first on purpose; a story newer than both goes on top.
    expect(mergeNominations([story(1, 1), story(2, 5)], [story(3, 9)])).toEqual([3, 1, 2]);
    // One older than the first but newer than the second goes between them.
    expect(mergeNominations([story(1, 9), story(2, 1)], [story(3, 5)])).toEqual([1, 3, 2]);
    // Older than every pick: at the end.
    expect(mergeNominations([story(1, 9)], [story(3, 2)])).toEqual([1, 3]);
  });
  it('leaves a story already picked where the editor put it, and never removes one', () => {
    expect(mergeNominations([story(1, 1), story(2, 5)], [story(2, 5)])).toEqual([1, 2]);
  });
  it('orders a batch of nominations newest first, and keeps at most the limit', () => {
    const batch = Array.from({ length: PICK_LIMIT + 2 }, (_, i) => story(10 + i, 1 + i));
    expect(mergeNominations([], batch)).toEqual([17, 16, 15, 14, 13, 12]);
  });
});
