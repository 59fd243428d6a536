import { describe, expect, it } from 'vitest';
import { atomFeed, newsItem, newsMessage, ninjsFeed, ninjsItem, rssFeed } from '../../../test/support/wire-samples.js';
import { parseDocument } from './parse.js';
import { htmlToMarkdown } from './text.js';

describe('parsing wire documents', () => {
  it('reads ninjs 2.x items, reports the malformed one by id and reason, and keeps the rest', () => {
    const doc = parseDocument(
      'ninjs',
      ninjsFeed([
        {
          id: 'urn:exw:1',
          version: 3,
          embargoed: '2026-12-03T09:00:00Z',
          subjects: [{ code: 'medtop:04000000', name: 'economy, business and finance' }],
        },
        { ...ninjsItem({ id: 'urn:exw:2' }), version: 'two' },
        { ...ninjsItem({ id: 'urn:exw:3' }), headlines: [] },
        { id: 'urn:exw:4', pubStatus: 'canceled', correction: 'The figure was 6%, not 60%.' },
      ]),
    );
    expect(doc.items.map((i) => i.guid)).toEqual(['urn:exw:1', 'urn:exw:4']);
    expect(doc.problems).toEqual([
      { item: 'urn:exw:2', reason: 'the version is not a whole number' },
      { item: 'urn:exw:3', reason: 'no headline' },
    ]);
    const [first, killed] = doc.items;
    expect(first).toMatchObject({
      version: 3,
      pubStatus: 'usable',
      headline: 'Port traffic rises for a third month',
      standfirst: 'Cargo handled at major ports grew 6% in November.',
      body: 'Cargo handled at the major ports rose in November.\n\nContainer volumes led the growth.',
      dateline: 'Mumbai',
      embargoUntil: new Date('2026-12-03T09:00:00Z'),
      correction: null,
    });
    expect(first!.subjects).toContain('medtop:04000000');
    expect(killed).toMatchObject({ pubStatus: 'canceled', correction: 'Correction: The figure was 6%, not 60%.' });
  });

  it('reads a NewsML-G2 newsMessage: XHTML body, subjects, embargo, correction signal; a bad item is skipped', () => {
    const doc = parseDocument(
      'newsml',
      newsMessage([
        newsItem({
          id: 'urn:newsml:exw:1',
          version: 2,
          embargoed: '2026-12-03T10:00:00+05:30',
          subjects: [{ code: 'medtop:20000209', name: 'agriculture' }],
          correction: 'Output grew 3.5%, not 5.3%.',
        }),
        newsItem({ id: 'urn:newsml:exw:2', version: 1 }).replace('<pubStatus qcode="stat:usable"/>', '<pubStatus qcode="stat:maybe"/>'),
        newsItem({ id: 'urn:newsml:exw:3', paragraphs: ['Tom & Jerry <said> *this*'] }),
      ]),
    );
    expect(doc.problems).toEqual([{ item: 'urn:newsml:exw:2', reason: 'the publication status is not usable, withheld or canceled' }]);
    expect(doc.items[0]).toMatchObject({
      guid: 'urn:newsml:exw:1',
      version: 2,
      headline: 'Farm output rises in second quarter',
      body: 'Farm output rose in the second quarter.\n\nRainfall was above normal.',
      dateline: 'New Delhi',
      embargoUntil: new Date('2026-12-03T04:30:00Z'),
      correction: 'Output grew 3.5%, not 5.3%.',
    });
    expect(doc.items[0]!.subjects).toEqual(expect.arrayContaining(['medtop:20000209', 'agriculture']));
    // Markup in the agency's text is text, never HTML or Markdown.
    expect(doc.items[1]!.body).toBe('Tom & Jerry \\<said\\> \\*this\\*');
  });

  it('reports a document that is not XML or JSON as one problem', () => {
    expect(parseDocument('newsml', '<newsItem><unclosed></newsItem>').problems[0]).toMatchObject({ item: 'document' });
    expect(parseDocument('ninjs', '{"uri": ').problems[0]).toMatchObject({ item: 'document' });
    expect(parseDocument('rss', '<html><body>nope</body></html>').problems).toEqual([
      { item: 'document', reason: 'neither an RSS 2.0 channel nor an Atom feed' },
    ]);
  });

  it('reads RSS and Atom, with the last-changed time as the version', () => {
    const rss = parseDocument(
      'rss',
      rssFeed([
        { guid: 'exw-77', title: 'Sensex ends higher', categories: ['markets'] },
        { title: 'No id here', guid: '' },
      ]),
    );
    expect(rss.items).toHaveLength(1);
    expect(rss.items[0]).toMatchObject({
      guid: 'exw-77',
      headline: 'Sensex ends higher',
      body: 'Shares closed higher on Thursday.\n\nBanks led the gains.',
      keywords: ['markets'],
    });
    expect(rss.problems).toEqual([{ item: 'item 2', reason: 'no id (guid/uri)' }]);
    const later = parseDocument(
      'rss',
      rssFeed([{ guid: 'exw-77', title: 'Sensex ends higher', pubDate: 'Thu, 03 Dec 2026 06:00:00 GMT' }]),
    );
    expect(later.items[0]!.version).toBeGreaterThan(rss.items[0]!.version);
    const atom = parseDocument('rss', atomFeed([{ id: 'urn:exw:atom:1' }]));
    expect(atom.items[0]).toMatchObject({ guid: 'urn:exw:atom:1', headline: 'Rupee steady against dollar', body: 'The rupee was steady.' });
  });

  it('drops scripts and keeps only words from HTML', () => {
    expect(htmlToMarkdown('<p>One <a href="javascript:x">link</a></p><script>alert(1)</script><p># Not a heading</p>')).toBe(
      'One link\n\n\\# Not a heading',
    );
  });
});
