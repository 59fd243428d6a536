/**
 * Sample wire documents written for Masthead's tests, following the public IPTC specifications (ninjs 2.x field
 * names, NewsML-G2 newsItem/newsMessage) and RSS 2.0 / Atom. The agency ("Example Wire") and its stories are made up.
 */

export interface SampleStory {
  id: string;
  version?: number;
  headline?: string;
  summary?: string;
  paragraphs?: string[];
  pubStatus?: 'usable' | 'withheld' | 'canceled';
  embargoed?: string;
  subjects?: { code: string; name: string }[];
  keywords?: string[];
  correction?: string;
  located?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One ninjs 2.x object. */
export function ninjsItem(s: SampleStory): Record<string, unknown> {
  return {
    uri: s.id,
    standard: { name: 'ninjs', version: '2.1', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json' },
    type: 'text',
    version: String(s.version ?? 1),
    firstcreated: '2026-12-03T04:00:00Z',
    versioncreated: '2026-12-03T05:00:00Z',
    pubstatus: s.pubStatus ?? 'usable',
    ...(s.embargoed ? { embargoed: s.embargoed } : {}),
    urgency: 4,
    language: 'en',
    headlines: [{ role: 'main', value: s.headline ?? 'Port traffic rises for a third month' }],
    descriptions: [{ role: 'summary', value: s.summary ?? 'Cargo handled at major ports grew 6% in November.' }],
    bodies: [
      {
        role: 'main',
        contenttype: 'text/html',
        value: (s.paragraphs ?? ['Cargo handled at the major ports rose in November.', 'Container volumes led the growth.'])
          .map((p) => `<p>${esc(p)}</p>`)
          .join('\n'),
      },
    ],
    subjects: (s.subjects ?? []).map((x) => ({
      name: x.name,
      uri: `http://cv.iptc.org/newscodes/mediatopic/${x.code.replace('medtop:', '')}`,
      literal: x.code,
    })),
    keywords: s.keywords ?? [],
    by: 'Example Wire staff',
    located: s.located ?? 'Mumbai',
    ...(s.correction ? { ednote: `Correction: ${s.correction}` } : {}),
  };
}

export const ninjsFeed = (stories: (SampleStory | Record<string, unknown>)[]) =>
  JSON.stringify(stories.map((s) => ('id' in s && typeof s.id === 'string' && !('uri' in s) ? ninjsItem(s as SampleStory) : s)));

/** One NewsML-G2 newsItem. */
export function newsItem(s: SampleStory): string {
  const paragraphs = (s.paragraphs ?? ['Farm output rose in the second quarter.', 'Rainfall was above normal.'])
    .map((p) => `<p>${esc(p)}</p>`)
    .join('');
  return `<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="${esc(s.id)}" version="${s.version ?? 1}" standard="NewsML-G2" standardversion="2.33" conformance="power" xml:lang="en">
  <catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"/>
  <itemMeta>
    <itemClass qcode="ninat:text"/>
    <provider qcode="nprov:EXW"/>
    <versionCreated>2026-12-03T05:00:00Z</versionCreated>
    <firstCreated>2026-12-03T04:00:00Z</firstCreated>
    ${s.embargoed ? `<embargoed>${s.embargoed}</embargoed>` : ''}
    <pubStatus qcode="stat:${s.pubStatus ?? 'usable'}"/>
    ${s.correction ? `<signal qcode="sig:correction"/><edNote>${esc(s.correction)}</edNote>` : ''}
  </itemMeta>
  <contentMeta>
    <urgency>4</urgency>
    <located><name>${esc(s.located ?? 'New Delhi')}</name></located>
    ${(s.subjects ?? []).map((x) => `<subject type="cpnat:abstract" qcode="${x.code}"><name>${esc(x.name)}</name></subject>`).join('')}
    ${(s.keywords ?? []).map((k) => `<keyword>${esc(k)}</keyword>`).join('')}
    <headline>${esc(s.headline ?? 'Farm output rises in second quarter')}</headline>
    <description role="drol:summary">${esc(s.summary ?? 'Agriculture grew faster than expected.')}</description>
    <by>Example Wire staff</by>
  </contentMeta>
  <contentSet>
    <inlineXML contenttype="application/xhtml+xml">
      <html xmlns="http://www.w3.org/1999/xhtml"><head><title>${esc(s.headline ?? '')}</title></head><body>${paragraphs}</body></html>
    </inlineXML>
  </contentSet>
</newsItem>`;
}

/** A NewsML-G2 newsMessage carrying several items (raw XML strings may stand in for malformed ones). */
export function newsMessage(items: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">
  <header><sent>2026-12-03T05:00:00Z</sent></header>
  <itemSet>${items.join('\n')}</itemSet>
</newsMessage>`;
}

/** An RSS 2.0 feed. */
export function rssFeed(items: { guid?: string; title?: string; description?: string; pubDate?: string; categories?: string[] }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://wire.example/</link><description>Top stories</description>
${items
  .map(
    (
      i,
    ) => `<item>${i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ''}${i.title !== undefined ? `<title>${esc(i.title)}</title>` : ''}
<description>${esc(i.description ?? '<p>Shares closed higher on Thursday.</p><p>Banks led the gains.</p>')}</description>
<pubDate>${i.pubDate ?? 'Thu, 03 Dec 2026 05:00:00 GMT'}</pubDate>${(i.categories ?? []).map((c) => `<category>${esc(c)}</category>`).join('')}</item>`,
  )
  .join('\n')}
</channel></rss>`;
}

/** An Atom feed. */
export function atomFeed(entries: { id?: string; title?: string; content?: string; updated?: string }[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Wire</title><id>urn:example:wire</id><updated>2026-12-03T05:00:00Z</updated>
${entries
  .map(
    (e) =>
      `<entry>${e.id ? `<id>${esc(e.id)}</id>` : ''}<title>${esc(e.title ?? 'Rupee steady against dollar')}</title><updated>${e.updated ?? '2026-12-03T05:00:00Z'}</updated><author><name>Example Wire</name></author><content type="html">${esc(e.content ?? '<p>The rupee was steady.</p>')}</content></entry>`,
  )
  .join('\n')}
</feed>`;
}
