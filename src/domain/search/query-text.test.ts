import { describe, expect, it } from 'vitest';
import { markedToHtml, MARK_START, MARK_STOP, plainText } from './highlight.js';
import { cleanSearchText, readSearchText, searchTextProblem } from './query-text.js';

describe('reading a reader’s search text', () => {
  it('takes starred words as prefixes only, and the last bare word also as a prefix', () => {
    expect(readSearchText('infla* rates')).toEqual({ text: '  rates', prefixes: ['infla'], trailing: { word: 'rates', rest: '' } });
    expect(readSearchText('central infla')).toEqual({ text: 'central infla', prefixes: [], trailing: { word: 'infla', rest: 'central' } });
  });

  it('leaves the last word whole inside quotes, after `or`, when excluded, or when short', () => {
    expect(readSearchText('"repo rate"').trailing).toBeNull();
    expect(readSearchText('"repo rate').trailing).toBeNull();
    expect(readSearchText('gold or silver').trailing).toBeNull();
    expect(readSearchText('gold -silver').trailing).toBeNull();
    expect(readSearchText('gold at').trailing).toBeNull();
  });

  it('refuses text too long, a starred word under three letters, and more than four starred words', () => {
    expect(searchTextProblem('x'.repeat(200))).toBeNull();
    expect(searchTextProblem('x'.repeat(201))).toMatch(/at most 200 characters/);
    expect(searchTextProblem('1*')).toMatch(/at least 3 letters/);
    expect(searchTextProblem('inflation ra*')).toMatch(/at least 3 letters/);
    expect(searchTextProblem('मू*')).toMatch(/at least 3 letters/);
    expect(searchTextProblem('मूल्य*')).toBeNull();
    expect(searchTextProblem('rat* ban* inf* gro*')).toBeNull();
    expect(searchTextProblem('rat* ban* inf* gro* RAT*')).toBeNull();
    expect(searchTextProblem('rat* ban* inf* gro* mon*')).toMatch(/at most 4 words/);
    // A star not after a word is punctuation, and the last word matched as a beginning needs no star.
    expect(searchTextProblem('* a & b:* in')).toBeNull();
  });

  it('drops control characters (the highlight markers among them) and trims', () => {
    expect(cleanSearchText(`  a${MARK_START}b${MARK_STOP}\u0000 `)).toBe('a b');
  });
});

describe('highlighted snippets', () => {
  it('escapes the text and turns only the markers into <mark>', () => {
    expect(markedToHtml(`<b>${MARK_START}rate${MARK_STOP}</b> & "x"`)).toBe('&lt;b&gt;<mark>rate</mark>&lt;/b&gt; &amp; &quot;x&quot;');
    expect(markedToHtml(`a ${MARK_START}b`)).toBe('a b');
    expect(markedToHtml(`a ${MARK_STOP}b`)).toBe('a b');
  });

  it('reads rendered HTML as plain text, entities decoded, markers removed', () => {
    expect(plainText('<p>Rates &amp; <em>bonds</em>&#2;</p>\n<ul><li>one</li></ul>')).toBe('Rates & bonds one');
  });
});
