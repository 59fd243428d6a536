/**
 * Wire copy. Glossary: an *agency* is a news agency the newsroom takes copy from (its `code`, e.g. `PTI`, names it
 * in provenance `wire:PTI`, in its environment variables and in its webhook address); an *item* is one story in
 * an agency's feed, known by the agency's id (`guid`) and `version`; a *document* is what one poll or one webhook
 * delivers (a ninjs object or array, a NewsML-G2 newsItem or newsMessage, an RSS or Atom feed).
 */

export const WIRE_FORMATS = ['ninjs', 'newsml', 'rss'] as const;
export type WireFormat = (typeof WIRE_FORMATS)[number];

/** What the agency says about an item's use: `usable`, or `withheld`/`canceled` (a kill: off every route at once). */
export type PubStatus = 'usable' | 'withheld' | 'canceled';

/** One story as read from a feed, before any rule of the publication applies. */
export interface WireItem {
  guid: string;
  /** Higher is newer; an item at or below the version already taken changes nothing. */
  version: number;
  pubStatus: PubStatus;
  headline: string;
  standfirst: string;
  /** Markdown (paragraphs of plain text: the agency's markup is never passed through). */
  body: string;
  /** Subject codes (`medtop:04000000`, a URI) and names, for section mapping. */
  subjects: string[];
  keywords: string[];
  byline: string | null;
  dateline: string | null;
  /** Not to be published before this time. */
  embargoUntil: Date | null;
  /** Set when the agency marks this version as a correction: the text readers see as the correction. */
  correction: string | null;
}

/** Why one item of a document could not be taken: which item (its id, or its position) and why. */
export interface WireProblem {
  item: string;
  reason: string;
}

/** A document read: the items that could be read, and one problem for each that could not. */
export interface ParsedDocument {
  items: WireItem[];
  problems: WireProblem[];
}

/** Limits on what one item may carry (the newsroom's own article limits are checked again when it is saved). */
export const WIRE_LIMITS = { guid: 500, headline: 300, standfirst: 1_000, body: 200_000, items: 500 } as const;

/** One rule of an agency's section mapping: a subject code, subject name or keyword (case-insensitive) → a section. */
export interface SectionRule {
  match: string;
  section: string;
}

/** An agency as the newsroom configured it. Credentials are not here: they come from the environment. */
export interface Agency {
  id: number;
  code: string;
  name: string;
  format: WireFormat;
  /** Polled address; null for an agency that only pushes to the webhook. */
  endpoint: string | null;
  pollMinutes: number;
  /** The desk warns (and emails the newsroom once) when nothing has arrived for this long. */
  staleMinutes: number;
  defaultSection: string;
  sectionMap: SectionRule[];
  visibility: 'free' | 'metered' | 'premium';
  /** True: items go out as they arrive (at the embargo's end when embargoed); false: they wait for an editor. */
  autoPublish: boolean;
  enabled: boolean;
  lastPollAt: Date | null;
  lastPollOk: boolean | null;
  lastPollMessage: string | null;
  lastDeliveryAt: Date | null;
  staleAlertedAt: Date | null;
  createdAt: Date;
}

export const AGENCY_CODE = /^[A-Z][A-Z0-9]{1,15}$/;

export type WireItemStatus = 'waiting' | 'published' | 'killed';
