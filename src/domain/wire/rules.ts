import type { Agency, SectionRule, WireItem, WireItemStatus } from './model.js';

/** What is already known of an item: the version taken and what became of it. */
export interface KnownItem {
  version: number;
  status: WireItemStatus;
  /** The agency canceled it: no later version brings it back. */
  canceled: boolean;
  articleId: number | null;
}

/**
 * What to do with an item that arrived. Items are de-duplicated by the agency's id and version: a version at or
 * below the one taken changes nothing (a replayed or late delivery). A kill (`withheld`, `canceled`) takes the
 * story off at once; a canceled story stays off. An update replaces the text and keeps the address.
 */
export type IngestPlan =
  | { kind: 'ignore'; why: 'old-version' | 'canceled' | 'kill-of-unknown-item' }
  | { kind: 'create'; publish: boolean }
  | { kind: 'update'; correction: string | null }
  | { kind: 'kill'; canceled: boolean };

export function planIngest(known: KnownItem | null, item: WireItem, agency: Pick<Agency, 'autoPublish'>): IngestPlan {
  if (known && item.version <= known.version) return { kind: 'ignore', why: 'old-version' };
  if (known?.canceled) return { kind: 'ignore', why: 'canceled' };
  if (item.pubStatus !== 'usable') {
    return known ? { kind: 'kill', canceled: item.pubStatus === 'canceled' } : { kind: 'ignore', why: 'kill-of-unknown-item' };
  }
  if (!known || known.articleId === null) return { kind: 'create', publish: agency.autoPublish };
  return { kind: 'update', correction: item.correction };
}

/**
 * The section an item goes to: the first rule of the agency's mapping that one of its subject codes, subject names
 * or keywords matches (case-insensitive, whole value), else the agency's default section. A rule naming a section
 * that no longer exists is passed over.
 */
export function sectionFor(
  item: Pick<WireItem, 'subjects' | 'keywords'>,
  agency: Pick<Agency, 'sectionMap' | 'defaultSection'>,
  sections: ReadonlySet<string>,
): string {
  const values = new Set([...item.subjects, ...item.keywords].map((v) => v.trim().toLowerCase()));
  const rule = agency.sectionMap.find((r) => values.has(r.match.trim().toLowerCase()) && sections.has(r.section));
  return rule?.section ?? agency.defaultSection;
}

/** Section mapping as the newsroom writes it, one rule a line: `medtop:04000000 = business`. */
export function parseSectionMap(
  text: string,
  sections: ReadonlySet<string>,
): { ok: true; rules: SectionRule[] } | { ok: false; error: string } {
  const rules: SectionRule[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const at = line.lastIndexOf('=');
    const match = at > 0 ? line.slice(0, at).trim() : '';
    const section = at > 0 ? line.slice(at + 1).trim() : '';
    if (!match || !section) return { ok: false, error: `Line ${index + 1}: write "code or keyword = section".` };
    if (match.length > 200) return { ok: false, error: `Line ${index + 1}: the code or keyword is too long.` };
    if (!sections.has(section)) return { ok: false, error: `Line ${index + 1}: there is no section "${section}".` };
    rules.push({ match, section });
  }
  if (rules.length > 200) return { ok: false, error: 'Use at most 200 rules.' };
  return { ok: true, rules };
}

/** Whether an agency's feed has stopped delivering: nothing for `staleMinutes` since the last delivery (or since it was added). */
export function isStale(agency: Pick<Agency, 'enabled' | 'staleMinutes' | 'lastDeliveryAt' | 'createdAt'>, now: Date): boolean {
  if (!agency.enabled) return false;
  const since = agency.lastDeliveryAt ?? agency.createdAt;
  return now.getTime() - since.getTime() > agency.staleMinutes * 60_000;
}

/** Whether an agency with an endpoint is due a poll at `now`. */
export function isPollDue(agency: Pick<Agency, 'enabled' | 'endpoint' | 'pollMinutes' | 'lastPollAt'>, now: Date): boolean {
  if (!agency.enabled || !agency.endpoint) return false;
  return agency.lastPollAt === null || now.getTime() - agency.lastPollAt.getTime() >= agency.pollMinutes * 60_000 - 1_000;
}

/** The address an item's article gets: its headline's words and a short mark of the agency's id, so two stories with one headline never collide. */
export function wireSlug(headlineSlug: string, agencyCode: string, guidHash: string): string {
  const base = headlineSlug.slice(0, 90).replace(/-+$/, '') || 'wire';
  return `${base}-${agencyCode.toLowerCase()}-${guidHash.slice(0, 8)}`;
}
