import { AGENCY_CODE, WIRE_FORMATS, type Agency, type SectionRule, type WireFormat, type WireItem, type WireItemStatus } from './model.js';

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

/** An agency's settings as the newsroom's form gives them (text), before they are checked. */
export interface AgencyDraft {
  code: string;
  name: string;
  format: string;
  endpoint: string;
  pollMinutes: string;
  staleMinutes: string;
  defaultSection: string;
  sectionMap: string;
  visibility: string;
  autoPublish: boolean;
  enabled: boolean;
}

/** Checks an agency's settings: the fields to store, or a message for each field that is wrong. */
export function checkAgency(
  draft: AgencyDraft,
  sections: ReadonlySet<string>,
):
  | {
      ok: true;
      fields: Omit<Agency, 'id' | 'lastPollAt' | 'lastPollOk' | 'lastPollMessage' | 'lastDeliveryAt' | 'staleAlertedAt' | 'createdAt'>;
    }
  | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!AGENCY_CODE.test(draft.code)) errors.code = 'Two to sixteen capital letters and digits, starting with a letter (PTI, ANI, REUTERS).';
  if (draft.name.trim() === '' || draft.name.length > 100) errors.name = 'Name the agency (at most 100 characters).';
  if (!(WIRE_FORMATS as readonly string[]).includes(draft.format)) errors.format = 'Choose ninjs, NewsML-G2 or RSS/Atom.';
  const endpoint = draft.endpoint.trim();
  if (endpoint !== '') {
    const url = URL.canParse(endpoint) ? new URL(endpoint) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || endpoint.length > 2_000)
      errors.endpoint = 'Give the feed’s http(s) address, or leave it empty for an agency that pushes to the webhook.';
    else if (url.username || url.password)
      errors.endpoint = 'Credentials go in the environment (MASTHEAD_WIRE_<CODE>_TOKEN), not in the address.';
  }
  const whole = (text: string, min: number, max: number) => (/^\d{1,6}$/.test(text.trim()) && +text >= min && +text <= max ? +text : null);
  const pollMinutes = whole(draft.pollMinutes, 1, 1440);
  if (pollMinutes === null) errors.pollMinutes = 'Whole minutes from 1 to 1440.';
  const staleMinutes = whole(draft.staleMinutes, 5, 100_000);
  if (staleMinutes === null) errors.staleMinutes = 'Whole minutes from 5 to 100000.';
  if (!sections.has(draft.defaultSection)) errors.defaultSection = 'Choose a section.';
  const map = parseSectionMap(draft.sectionMap, sections);
  if (!map.ok) errors.sectionMap = map.error;
  if (draft.visibility !== 'free' && draft.visibility !== 'metered' && draft.visibility !== 'premium')
    errors.visibility = 'Choose free, metered or premium.';
  if (Object.keys(errors).length > 0 || !map.ok || pollMinutes === null || staleMinutes === null) return { ok: false, errors };
  return {
    ok: true,
    fields: {
      code: draft.code,
      name: draft.name.trim(),
      format: draft.format as WireFormat,
      endpoint: endpoint || null,
      pollMinutes,
      staleMinutes,
      defaultSection: draft.defaultSection,
      sectionMap: map.rules,
      visibility: draft.visibility as Agency['visibility'],
      autoPublish: draft.autoPublish,
      enabled: draft.enabled,
    },
  };
}
