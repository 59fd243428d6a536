import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WIRE_LIMITS, type ParsedDocument, type PubStatus, type WireFormat, type WireItem } from './model.js';
import { feedDate, htmlToMarkdown, plainText, textToMarkdown } from './text.js';

/**
 * Reading the three wire formats: IPTC ninjs (JSON, 1.x and 2.x field names), IPTC NewsML-G2 (a `newsItem`, or a
 * `newsMessage` carrying several) and RSS 2.0 / Atom. Each item is read on its own: one that cannot be read is
 * reported (its id or position, and why) and the others are still read. A document that is not JSON or XML at
 * all is one problem for the whole document.
 */
export function parseDocument(format: WireFormat, text: string): ParsedDocument {
  if (format === 'ninjs') return parseNinjs(text);
  if (format === 'newsml') return parseNewsml(text);
  return parseRss(text);
}

/** Why an item was skipped. */
class Unusable extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
/** The text of an XML node read by the parser: a string, or an object with `#text`. */
const textOf = (v: unknown): string | null => (isObj(v) ? str(v['#text']) : str(v));

function collect(entries: unknown[], read: (entry: unknown, index: number) => WireItem): ParsedDocument {
  const doc: ParsedDocument = { items: [], problems: [] };
  if (entries.length > WIRE_LIMITS.items) {
    doc.problems.push({ item: 'document', reason: `more than ${WIRE_LIMITS.items} items: only the first ${WIRE_LIMITS.items} were read` });
    entries = entries.slice(0, WIRE_LIMITS.items);
  }
  entries.forEach((entry, index) => {
    try {
      doc.items.push(read(entry, index));
    } catch (error) {
      if (!(error instanceof Unusable)) throw error;
      doc.problems.push({ item: guessId(entry, index), reason: error.message });
    }
  });
  return doc;
}

/** How a skipped item is named in the report: its id when it has one, else its position. */
function guessId(entry: unknown, index: number): string {
  if (isObj(entry)) {
    for (const key of ['uri', 'guid', '@_guid', 'id']) {
      const id = textOf(entry[key]);
      if (id) return id.slice(0, 200);
    }
  }
  return `item ${index + 1}`;
}

/** Checks and completes what a reader of one format found. */
function finish(found: {
  guid: string | null;
  version: number | null;
  pubStatus: PubStatus | null | undefined;
  headline: string | null;
  standfirst: string | null;
  body: string;
  subjects: string[];
  keywords: string[];
  byline: string | null;
  dateline: string | null;
  embargo: Date | null | undefined;
  correction: string | null;
}): WireItem {
  const guid = found.guid?.trim() ?? '';
  if (guid === '') throw new Unusable('no id (guid/uri)');
  if (guid.length > WIRE_LIMITS.guid) throw new Unusable(`the id is longer than ${WIRE_LIMITS.guid} characters`);
  if (found.version === null || !Number.isSafeInteger(found.version) || found.version < 0 || found.version > 2_147_483_647)
    throw new Unusable('the version is not a whole number');
  if (found.pubStatus === undefined) throw new Unusable('the publication status is not usable, withheld or canceled');
  if (found.embargo === undefined) throw new Unusable('the embargo is not a date');
  const pubStatus = found.pubStatus ?? 'usable';
  const headline = plainText(found.headline ?? '');
  if (pubStatus === 'usable') {
    if (headline === '') throw new Unusable('no headline');
    if (found.body.trim() === '') throw new Unusable('no body text');
  }
  if (headline.length > WIRE_LIMITS.headline) throw new Unusable(`the headline is longer than ${WIRE_LIMITS.headline} characters`);
  if (found.body.length > WIRE_LIMITS.body) throw new Unusable(`the body is longer than ${WIRE_LIMITS.body} characters`);
  const standfirst = plainText(found.standfirst ?? '').slice(0, WIRE_LIMITS.standfirst);
  return {
    guid,
    version: found.version,
    pubStatus,
    headline,
    standfirst,
    body: found.body,
    subjects: found.subjects.filter(Boolean),
    keywords: found.keywords.map((k) => k.trim()).filter(Boolean),
    byline: found.byline ? plainText(found.byline).slice(0, 200) || null : null,
    dateline: found.dateline ? plainText(found.dateline).slice(0, 100) || null : null,
    embargoUntil: found.embargo,
    correction: found.correction ? plainText(found.correction).slice(0, 2_000) || null : null,
  };
}

const PUB_STATUS: Record<string, PubStatus> = { usable: 'usable', withheld: 'withheld', canceled: 'canceled', cancelled: 'canceled' };
const pubStatusOf = (value: string | null): PubStatus | null | undefined =>
  value === null ? null : PUB_STATUS[value.replace(/^stat:/, '').toLowerCase()];

/** A version given as a number or as digits. */
function versionOf(value: unknown, fallback: number | null): number | null {
  if (value === undefined || value === null || value === '') return fallback;
  const text = str(value)?.trim() ?? '';
  return /^\d{1,10}$/.test(text) ? Number(text) : null;
}

// ——— ninjs ———

/** A ninjs object, an array of them, or an object with `items` (how agencies page their JSON feeds). */
function parseNinjs(text: string): ParsedDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { items: [], problems: [{ item: 'document', reason: `not JSON: ${(error as Error).message}` }] };
  }
  const entries = Array.isArray(json) ? json : isObj(json) && Array.isArray(json.items) ? json.items : [json];
  return collect(entries, readNinjs);
}

function readNinjs(entry: unknown): WireItem {
  if (!isObj(entry)) throw new Unusable('not a JSON object');
  const headlines = list(entry.headlines).filter(isObj);
  const mainHeadline = headlines.find((h) => h.role === 'main') ?? headlines[0];
  const descriptions = list(entry.descriptions).filter(isObj);
  const summary = descriptions.find((d) => d.role === 'summary') ?? descriptions[0];
  const bodies = list(entry.bodies).filter(isObj);
  const htmlBody = bodies.find((b) => typeof b.contenttype === 'string' && b.contenttype.includes('html')) ?? null;
  const textBody = bodies.find((b) => !b.contenttype || b.contenttype === 'text/plain') ?? null;
  let body = '';
  if (typeof entry.body_html === 'string') body = htmlToMarkdown(entry.body_html);
  else if (htmlBody && typeof htmlBody.value === 'string') body = htmlToMarkdown(htmlBody.value);
  else if (typeof entry.body_text === 'string') body = textToMarkdown(entry.body_text);
  else if (textBody && typeof textBody.value === 'string') body = textToMarkdown(textBody.value);
  const subjects = list(entry.subjects ?? entry.subject)
    .filter(isObj)
    .flatMap((s) => [str(s.uri), str(s.code), str(s.literal), str(s.name)].filter((v): v is string => v !== null));
  const ednote = str(entry.ednote);
  return finish({
    guid: str(entry.uri) ?? str(entry.guid),
    version: versionOf(entry.version, 1),
    pubStatus: pubStatusOf(str(entry.pubstatus)),
    headline: str(mainHeadline?.value) ?? str(entry.headline),
    standfirst: str(summary?.value) ?? str(entry.description_text),
    body,
    subjects,
    keywords: list(entry.keywords)
      .map(str)
      .filter((k): k is string => k !== null),
    byline: str(entry.by) ?? str(entry.byline),
    dateline: str(entry.located),
    embargo: feedDate(entry.embargoed),
    // ninjs has no correction signal: agencies say so in the editorial note ("Correction: …").
    correction: ednote && /^\s*correct(ion|s|ed)\b/i.test(ednote) ? ednote : null,
  });
}

// ——— NewsML-G2 and RSS/Atom (XML) ———

const ALWAYS_LISTS = new Set(['newsItem', 'subject', 'keyword', 'headline', 'description', 'signal', 'item', 'entry', 'category', 'link']);

function parseXml(text: string): { ok: true; doc: Obj } | { ok: false; problems: ParsedDocument } {
  // The parser reads malformed XML without complaint, so the document is checked first. fast-xml-parser 5 marks its
  // validator deprecated in favour of a separate package not yet in our registry mirror; it is still shipped and kept.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    return {
      ok: false,
      problems: { items: [], problems: [{ item: 'document', reason: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` }] },
    };
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => ALWAYS_LISTS.has(name),
    // The story's XHTML is kept as markup and made into paragraphs by the same code as ninjs' HTML.
    stopNodes: ['*.inlineXML'],
  });
  return { ok: true, doc: parser.parse(text) as Obj };
}

function parseNewsml(text: string): ParsedDocument {
  const xml = parseXml(text);
  if (!xml.ok) return xml.problems;
  const root = xml.doc;
  let entries: unknown[];
  if (isObj(root.newsMessage)) entries = list(isObj(root.newsMessage.itemSet) ? root.newsMessage.itemSet.newsItem : undefined);
  else if (root.newsItem !== undefined) entries = list(root.newsItem);
  else return { items: [], problems: [{ item: 'document', reason: 'neither a NewsML-G2 newsItem nor a newsMessage' }] };
  return collect(entries, readNewsItem);
}

function readNewsItem(entry: unknown): WireItem {
  if (!isObj(entry)) throw new Unusable('not a newsItem');
  const meta = isObj(entry.itemMeta) ? entry.itemMeta : {};
  const content = isObj(entry.contentMeta) ? entry.contentMeta : {};
  const qcodes = (v: unknown) =>
    list(v)
      .filter(isObj)
      .map((s) => str(s['@_qcode']) ?? '');
  const pubStatus = isObj(meta.pubStatus) ? pubStatusOf(str(meta.pubStatus['@_qcode'])) : null;
  const headlines = list(content.headline);
  const descriptions = list(content.description);
  const summary = descriptions.find((d) => isObj(d) && (str(d['@_role']) ?? '').endsWith('summary')) ?? descriptions[0];
  const subjects = list(content.subject)
    .filter(isObj)
    .flatMap((s) => [str(s['@_qcode']), str(s['@_uri']), textOf(s.name)].filter((v): v is string => v !== null));
  const set = isObj(entry.contentSet) ? entry.contentSet : {};
  const inline = list(set.inlineXML)[0];
  const plain = list(set.inlineData)[0];
  const body = inline !== undefined ? htmlToMarkdown(textOf(inline) ?? '') : plain !== undefined ? textToMarkdown(textOf(plain) ?? '') : '';
  const signals = qcodes(meta.signal);
  const located = isObj(content.located) ? textOf(content.located.name) : null;
  return finish({
    guid: str(entry['@_guid']),
    version: versionOf(entry['@_version'], 1),
    pubStatus,
    headline: textOf(headlines[0]),
    standfirst: textOf(summary),
    body,
    subjects,
    keywords: list(content.keyword)
      .map(textOf)
      .filter((k): k is string => k !== null),
    byline: textOf(list(content.by)[0]),
    dateline: textOf(list(content.dateline)[0]) ?? located,
    embargo: feedDate(textOf(meta.embargoed)),
    correction: signals.includes('sig:correction') ? (textOf(list(meta.edNote)[0]) ?? 'This story was corrected.') : null,
  });
}

function parseRss(text: string): ParsedDocument {
  const xml = parseXml(text);
  if (!xml.ok) return xml.problems;
  const root = xml.doc;
  if (isObj(root.rss) && isObj(root.rss.channel)) return collect(list(root.rss.channel.item), readRssItem);
  if (isObj(root.feed)) return collect(list(root.feed.entry), readAtomEntry);
  return { items: [], problems: [{ item: 'document', reason: 'neither an RSS 2.0 channel nor an Atom feed' }] };
}

/** RSS and Atom have no version: the item's last-changed time, in minutes, is one (a later change is a higher version). */
function versionFromDate(date: Date | null | undefined): number | null {
  if (date === undefined) return null;
  return date === null ? 1 : Math.floor(date.getTime() / 60_000);
}

function readRssItem(entry: unknown): WireItem {
  if (!isObj(entry)) throw new Unusable('not an item');
  const updated = feedDate(textOf(entry.updated) ?? textOf(entry.pubDate));
  if (updated === undefined) throw new Unusable('the date is not a date');
  const encoded = textOf(entry.encoded);
  const description = textOf(list(entry.description)[0]);
  return finish({
    guid: textOf(list(entry.guid)[0]) ?? textOf(list(entry.link)[0]),
    version: versionFromDate(updated),
    pubStatus: null,
    headline: textOf(entry.title),
    standfirst: encoded ? description : null,
    body: htmlToMarkdown(encoded ?? description ?? ''),
    subjects: [],
    keywords: list(entry.category)
      .map(textOf)
      .filter((k): k is string => k !== null),
    byline: textOf(entry.creator) ?? textOf(entry.author),
    dateline: null,
    embargo: null,
    correction: null,
  });
}

function readAtomEntry(entry: unknown): WireItem {
  if (!isObj(entry)) throw new Unusable('not an entry');
  const updated = feedDate(textOf(entry.updated) ?? textOf(entry.published));
  if (updated === undefined) throw new Unusable('the updated date is not a date');
  const author = isObj(entry.author) ? textOf(entry.author.name) : null;
  return finish({
    guid: textOf(entry.id),
    version: versionFromDate(updated),
    pubStatus: null,
    headline: textOf(entry.title),
    standfirst: textOf(entry.summary),
    body: htmlToMarkdown(textOf(entry.content) ?? textOf(entry.summary) ?? ''),
    subjects: [],
    keywords: list(entry.category)
      .filter(isObj)
      .map((c) => str(c['@_term']))
      .filter((k): k is string => k !== null),
    byline: author,
    dateline: null,
    embargo: null,
    correction: null,
  });
}
