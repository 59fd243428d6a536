import { describe, expect, it } from 'vitest';
import { markedToHtml, MARK_START, MARK_STOP, passagesAround, plainWords, probesOf, withEllipses } from './highlight.js';
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

  it('marks with … where a snippet cuts its story, and not where it begins or ends with it', () => {
    const source = 'Rains return early. The monsoon reached the coast on Monday. Boats stayed in harbour.';
    const m = (word: string) => `${MARK_START}${word}${MARK_STOP}`;
    expect(withEllipses(`Rains return early. The ${m('monsoon')} reached`, source, true)).toBe(
      `Rains return early. The ${m('monsoon')} reached …`,
    );
    expect(withEllipses(`The ${m('monsoon')} reached the coast on Monday.`, source, true)).toBe(
      `… The ${m('monsoon')} reached the coast on Monday. …`,
    );
    expect(withEllipses(`on Monday. ${m('Boats')} stayed in harbour.`, source, true)).toBe(`… on Monday. ${m('Boats')} stayed in harbour.`);
    // The end of a lead-in is not the end of the story.
    expect(withEllipses(`on Monday. ${m('Boats')} stayed in harbour.`, source, false)).toBe(
      `… on Monday. ${m('Boats')} stayed in harbour. …`,
    );
    // Two fragments: only the first's start and the last's end are compared with the story's.
    expect(withEllipses(`Rains return early. … ${m('Boats')} stayed in harbour.`, source, true)).toBe(
      `Rains return early. … ${m('Boats')} stayed in harbour.`,
    );
    expect(withEllipses(`${m('Rains')} return … on ${m('Monday')}.`, source, true)).toBe(`${m('Rains')} return … on ${m('Monday')}. …`);
    // ts_headline leaves out punctuation around a fragment's words.
    expect(withEllipses(`${m('Rains')} return early`, `“${source}”`, true)).toBe(`${m('Rains')} return early …`);
    expect(withEllipses(`${m('Boats')} stayed in harbour`, `“${source}”`, true)).toBe(`… ${m('Boats')} stayed in harbour`);
    expect(withEllipses('', source, true)).toBe('');
  });

  it('gives ts_headline one line of words, markers and other control characters removed', () => {
    expect(plainWords(` Rates &\u0002 bonds${MARK_STOP}\n\n one `)).toBe('Rates & bonds one');
  });
  it('looks for a stem at the start of a word, less an ending the stem may have changed', () => {
    expect(probesOf(['citi', 'rate', 'gdp', 'मूल्य', 'o', 'brien', 'e-mail', 'rates', ''])).toEqual([
      'cit',
      'rat',
      'gdp',
      'मूल्',
      'brie',
      'e-mai',
      'rate',
    ]);
  });

  it('cuts a long text to the passages around the words that may match, and leaves a short one whole', () => {
    const words = (from: number, n: number) => Array.from({ length: n }, (_, i) => `w${from + i}`).join(' ');
    const text = `${words(0, 300)} The City council met. ${words(300, 300)} Cities grow. ${words(600, 300)}`;
    const cut = passagesAround(text, probesOf(['citi']));
    expect(cut.length).toBeLessThan(1_400);
    expect(cut).toMatch(/^w\d+ .* The City council met\. .* … .* Cities grow\. .* w\d+$/);
    // Whole words only, cut at spaces; a word merely holding the letters is no match.
    expect(cut.split(' … ').every((passage) => /^w\d+ /.test(passage) && / w\d+$/.test(passage))).toBe(true);
    for (const within of ['Felicity', '𝐀city', 'ācity'])
      expect(passagesAround(`${words(0, 300)} ${within} ${words(300, 300)}`, ['cit'])).toBe(
        `${words(0, 300)} ${within} ${words(300, 300)}`,
      );
    // Short texts, and texts where no word begins with a probe (a stem that is not its word's start), go whole.
    expect(passagesAround('The city council met.', ['cit'])).toBe('The city council met.');
    expect(passagesAround(`${words(0, 300)} dying ${words(300, 300)}`, ['die'])).toBe(`${words(0, 300)} dying ${words(300, 300)}`);
    // Neighbouring matches share a passage; at most six passages, the first ones.
    const many = Array.from({ length: 20 }, (_, i) => `${words(i * 200, 200)} rate`).join(' ');
    const passages = passagesAround(many, ['rat']).split(' … ');
    expect(passages).toHaveLength(6);
    expect(passages[0]).toContain('w199 rate w200');
    expect(passages[5]).toContain('w1199 rate w1200');
    expect(passagesAround(`${words(0, 300)} rate rates rated ${words(300, 300)}`, ['rat']).split(' … ')).toHaveLength(1);
    // Every word searched for keeps a passage, however often another appears before it.
    const late = passagesAround(`${many} ${words(5000, 100)} commission`, ['rat', 'commiss']).split(' … ');
    expect(late).toHaveLength(6);
    expect(late[4]).toContain('w999 rate w1000');
    expect(late[5]).toMatch(/ w5099 commission$/);
    // However many times the first appears before it.
    const crowded = passagesAround(`${'rate '.repeat(500)}${words(0, 100)} commission`, ['rat', 'commiss']).split(' … ');
    expect(crowded.at(-1)).toMatch(/ w99 commission$/);
    expect(passagesAround(`${words(0, 300)} e-mail ${words(300, 300)}`, ['e-mai'])).toMatch(/^w\d+ .* e-mail .* w\d+$/);
  });
});
