import { describe, expect, it } from 'vitest';
import { bodyText, leadText, renderArticleBody, renderBody, wordCount, type LeadRule } from './render.js';

/** The lead-in as a reader without access sees it. */
const renderLead = (source: string, rule: LeadRule) => renderArticleBody(source, rule).leadHtml;

const body = ['First para.', '## A heading', 'Second para.', '- a\n- b', 'Third secret para.'].join('\n\n');

describe('article body rendering', () => {
  it('escapes raw HTML instead of passing it through', () => {
    const html = renderBody('Hello <script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses javascript: links', () => {
    expect(renderBody('[x](javascript:alert(1))')).not.toContain('href="javascript:');
  });

  it('lead-in stops after the requested number of blocks, a heading counting as one', () => {
    const lead = renderLead(body + TAIL, { blocks: 3, words: 1000 });
    expect(lead).toContain('First para.');
    expect(lead).toContain('<h2>A heading</h2>');
    expect(lead).toContain('Second para.');
    expect(lead).not.toContain('<li>');
    expect(lead).not.toContain('Third secret');
  });

  it('lead-in of zero blocks or zero words is empty', () => {
    expect(renderLead(body, { blocks: 0, words: 100 })).toBe('');
    expect(renderLead(body, { blocks: 2, words: 0 })).toBe('');
  });
});

const words = (n: number, stem: string) => Array.from({ length: n }, (_, i) => `${stem}${i}`).join(' ');
/** A long tail so that a third of the body is never the binding limit unless a case wants it to be. */
const TAIL = `\n\n${words(600, 'tail')}`;

describe('lead-in: cut by blocks, within a word budget, never more than a third of the body', () => {
  it('counts each list item as a block: a 30-item list is not shown whole', () => {
    const list = Array.from({ length: 30 }, (_, i) => `- item-${i} of the list`).join('\n');
    const lead = renderLead(`${list}${TAIL}`, { blocks: 2, words: 500 });
    expect(lead).toBe('<ul>\n<li>item-0 of the list</li>\n<li>item-1 of the list</li>\n</ul>\n');
  });

  it('keeps an ordered list’s numbering when it is cut', () => {
    const lead = renderLead(`3. third\n4. fourth\n5. fifth${TAIL}`, { blocks: 2, words: 500 });
    expect(lead).toContain('<ol start="3">');
    expect(lead).not.toContain('fifth');
  });

  it('counts each table row as a block, the header row included: a 20-row table is not shown whole', () => {
    const table = `| name | value |\n|---|---|\n${Array.from({ length: 20 }, (_, i) => `| row-${i} | ${i} |`).join('\n')}`;
    const lead = renderLead(`${table}${TAIL}`, { blocks: 3, words: 500 });
    expect(lead).toContain('<thead>');
    expect(lead).toContain('row-0');
    expect(lead).toContain('row-1');
    expect(lead).not.toContain('row-2');
    expect(lead.match(/<table>/g)).toHaveLength(1);
    expect(lead).toMatch(/<\/tbody>\n<\/table>/);
  });

  it('counts each quoted paragraph as a block', () => {
    const lead = renderLead(`> said one\n>\n> said two\n>\n> said three${TAIL}`, { blocks: 2, words: 500 });
    expect(lead).toBe('<blockquote>\n<p>said one</p>\n<p>said two</p>\n</blockquote>\n');
  });

  it('stops before the block that would pass the word budget', () => {
    const lead = renderLead(`${words(50, 'a')}\n\n${words(50, 'b')}\n\n${words(50, 'c')}${TAIL}`, { blocks: 10, words: 120 });
    expect(lead).toContain('a49');
    expect(lead).toContain('b49');
    expect(lead).not.toContain('c0');
  });

  it('never shows more than a third of a short body, whatever the rule allows', () => {
    const short = `${words(20, 'a')}\n\n${words(20, 'b')}\n\n${words(20, 'c')}`;
    const lead = renderLead(short, { blocks: 10, words: 1000 });
    expect(lead).toContain('a19');
    expect(lead).not.toContain('b0');
    // A body whose first block alone is over a third shows no lead-in at all.
    expect(renderLead(`${words(50, 'a')}\n\n${words(10, 'b')}`, { blocks: 10, words: 1000 })).toBe('');
  });

  it('never renders text from after the cut, even inside a list it keeps part of', () => {
    const list = '- open item\n- second item\n  - nested secret\n- third secret';
    const lead = renderLead(`${list}${TAIL}`, { blocks: 1, words: 500 });
    expect(lead).toContain('open item');
    expect(lead).not.toContain('secret');
  });
});

describe('the body after the lead-in: the gated part', () => {
  // Parsed once for all three parts; the body whole is what rendering it alone gives.
  const parts = (source: string, rule: { blocks: number; words: number }) => {
    const rendered = renderArticleBody(source, rule);
    expect(rendered.bodyHtml).toBe(renderBody(source));
    return { lead: rendered.leadHtml, rest: rendered.restHtml };
  };
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, ' ')
      .split(/\s+/)
      .filter(Boolean);

  it('holds every word the lead-in leaves out and none it shows', () => {
    const long = `${body}${TAIL}`;
    const { lead, rest } = parts(long, { blocks: 2, words: 500 });
    expect(text(lead)).toEqual(['First', 'para.', 'A', 'heading']);
    expect(text(rest).slice(0, 7)).toEqual(['Second', 'para.', 'a', 'b', 'Third', 'secret', 'para.']);
    expect(text(lead + rest)).toEqual(text(renderBody(long)));
  });

  it('goes on with a list the lead-in cut, numbered on where it was cut, nested items included', () => {
    const list = `3. third\n4. fourth\n   - nested\n5. fifth${TAIL}`;
    const { lead, rest } = parts(list, { blocks: 1, words: 500 });
    expect(lead).toContain('<ol start="3">');
    expect(rest).toMatch(/^<ol start="4">\n<li>fourth/);
    expect(rest).toContain('<li>nested</li>');
    expect(text(lead + rest)).toEqual(text(renderBody(list)));
  });

  it('splits every kind of block between the lead-in and the rest, no word lost or shown twice, wherever the lead-in ends', () => {
    const kinds = [
      'A first paragraph with *emphasis* and a [link](https://example.com).',
      '## A heading',
      '1. one\n2. two\n   - nested\n3. three',
      '| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |',
      '> quoted one\n>\n> quoted two',
      '---',
      '```\ncode\n```',
      '- tight\n- list',
      '- loose\n\n- list',
      'The last paragraph.',
    ].join('\n\n');
    const whole = text(renderBody(`${kinds}${TAIL}`));
    for (let blocks = 1; blocks <= 14; blocks++) {
      const { lead, rest } = parts(`${kinds}${TAIL}`, { blocks, words: 500 });
      expect(text(lead + rest)).toEqual(whole);
    }
  });

  it('is the whole body when there is no lead-in', () => {
    const { lead, rest } = parts(body, { blocks: 0, words: 100 });
    expect(lead).toBe('');
    expect(rest).toBe(renderBody(body));
  });
});

describe('word count', () => {
  it('counts runs of letters and digits, in any script, with the marks that belong to them', () => {
    expect(wordCount('')).toBe(0);
    expect(wordCount('The RBI held the repo rate at 6.5% on Friday.')).toBe(11);
    expect(wordCount('  café naïve—Zürich_2026 ')).toBe(4);
    // Devanagari's vowel signs are marks: each word is one word, not one per syllable.
    expect(wordCount('यह एक परीक्षण है। ५६ हिन्दी')).toBe(6);
    // Characters beyond the Basic Multilingual Plane: a letter (𝐀) and an emoji between words.
    expect(wordCount('𝐀bc 😀 def😀ghi')).toBe(3);
    const mixed = 'Markets: ₹2,700 a year — 北京 and मुंबई, naïve\u0301 rates\ud800 lone';
    expect(wordCount(mixed)).toBe(mixed.match(/[\p{L}\p{N}\p{M}]+/gu)?.length);
  });
});

describe('the words a reader sees, for search snippets', () => {
  const source = [
    'Rates &amp; *bonds* rose\nby a **point**.',
    '## The [central bank](https://rbi.example/a) said `repo`',
    '![a chart of yields](chart.png)',
    '- one\n- two',
    '```\ncode block\n```',
    'Third secret para.',
  ].join('\n\n');

  it('reads the body as its page shows it: text, link text and code, no markup, addresses or image descriptions', () => {
    expect(bodyText(source).replace(/\s+/g, ' ').trim()).toBe(
      'Rates & bonds rose by a point. The central bank said repo one two code block Third secret para.',
    );
  });

  it('reads the lead-in alone: what is left out of it is not there', () => {
    const rule = { blocks: 2, words: 1000 };
    const text = leadText(source + TAIL, rule)
      .replace(/\s+/g, ' ')
      .trim();
    expect(text).toBe('Rates & bonds rose by a point. The central bank said repo');
    expect(leadText(source + TAIL, { blocks: 0, words: 100 })).toBe('');
  });
});
