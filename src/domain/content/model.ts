import type { ImageView } from '../media/model.js';

/**
 * Content model. An article's `visibility` says how it is gated; its `provenance` says where it came from
 * (`staff`, `wire:<agency>`, `partner:<name>`) and access rules may use it.
 */

export const VISIBILITIES = ['free', 'metered', 'premium'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** `staff`, `wire:<agency>` or `partner:<name>`. */
export type Provenance = string;

const PROVENANCE_PATTERN = /^(staff|wire:[A-Za-z0-9][\w .&-]{0,59}|partner:[A-Za-z0-9][\w .&-]{0,59})$/;

/** True when `value` is a well-formed provenance string. */
export function isProvenance(value: string): boolean {
  return PROVENANCE_PATTERN.test(value);
}

/** The kind and source named by a provenance: `wire:PTI` → { kind: 'wire', source: 'PTI' }. */
export function parseProvenance(value: Provenance): { kind: 'staff' | 'wire' | 'partner'; source: string | null } {
  if (value === 'staff') return { kind: 'staff', source: null };
  const [kind, ...rest] = value.split(':');
  if ((kind === 'wire' || kind === 'partner') && rest.length > 0) return { kind, source: rest.join(':') };
  throw new Error(`not a provenance: ${value}`);
}

export interface Section {
  slug: string;
  name: string;
  /** Position on the home page and in navigation. */
  position: number;
  /** Entitlement a reader needs for this section's premium articles; `premium` unless the section says otherwise. */
  premiumEntitlement: string;
  /** Shown on the section's page; may be empty. */
  description: string;
}

/** An author as a byline names them, linking to their page `/author/<slug>`. */
export interface Byline {
  name: string;
  slug: string;
}

/** What search engines and social cards show, when it should differ from the headline and standfirst. */
export interface ArticleSeo {
  title: string | null;
  description: string | null;
  /** Overrides the article's own address in `<link rel="canonical">`: a path on this site or an https:// address. */
  canonicalUrl: string | null;
  /** The image of social cards; the lead image otherwise. */
  socialImageUrl: string | null;
}

export interface Article {
  id: number;
  slug: string;
  headline: string;
  standfirst: string;
  /** Markdown source. Never sent to a reader who may not read it: render through `renderBody`. */
  body: string;
  section: string;
  tags: string[];
  /** The byline's names, in order (kept in step with `bylines`). */
  authors: string[];
  /** The byline's authors with their pages' slugs. */
  bylines: Byline[];
  dateline: string | null;
  visibility: Visibility;
  provenance: Provenance;
  publishedAt: Date;
  updatedAt: Date;
  /** The "Updated" time readers see, set when an editor marks a substantive update; null when never. */
  shownUpdatedAt: Date | null;
  seo: ArticleSeo;
  leadImage: LeadImage | null;
}

/**
 * An article's lead image: an address and its description. When the address names an uploaded image
 * (`/media/image/<id>`), readers' reads carry that image's renditions, caption and credit in `image`.
 */
export interface LeadImage {
  url: string;
  alt: string;
  image?: ImageView | undefined;
  /**
   * True when this is not the article's own image but the site's default (site settings `defaultImageId`), put
   * in by readers' reads for an article without one: cards and the social image show it, the article page does
   * not show it as a figure, and the API does not report it as the article's.
   */
  standIn?: true | undefined;
}

/** An article without its body: what lists, feeds and sitemaps need. */
export type ArticleSummary = Omit<Article, 'body'>;

/** Where a list of articles continues: after the article published at `publishedAt` with `id`. */
export interface ListCursor {
  publishedAt: Date;
  id: number;
}

/** Which articles a list shows, newest first. */
export interface ListOptions {
  section?: string | undefined;
  limit: number;
  before?: ListCursor | undefined;
  offset?: number | undefined;
  since?: Date | undefined;
  /** Only articles published before this instant (a day's list ends where the next day begins). */
  until?: Date | undefined;
  /** Only articles of this visibility (the premium stories). */
  visibility?: Visibility | undefined;
  /** Articles left out (a section's pinned stories, shown above the list). */
  excludeIds?: readonly number[] | undefined;
  /** Only articles carrying this tag (a tag page). */
  tag?: string | undefined;
}

/** The cursor that continues a list after `article`, as text for a URL: `<epoch ms>.<id>`. */
export function cursorAfter(article: Pick<Article, 'publishedAt' | 'id'>): string {
  return `${article.publishedAt.getTime()}.${article.id}`;
}

/** Reads a cursor made by `cursorAfter`; null for anything else. */
export function parseCursor(text: string): ListCursor | null {
  const match = /^(\d{1,15})\.([1-9]\d{0,9})$/.exec(text);
  if (!match) return null;
  const publishedAt = new Date(Number(match[1]));
  const id = Number(match[2]);
  return Number.isNaN(publishedAt.getTime()) || id > 2_147_483_647 ? null : { publishedAt, id };
}

/** What an article is for the access decision: no text, only the facts rules look at. */
export interface AccessItem extends Pick<Article, 'id' | 'visibility' | 'section' | 'provenance' | 'publishedAt'> {
  /** Entitlement that unlocks the item when it is premium (or archived). */
  premiumEntitlement: string;
}

/** A correction or clarification appended to an article, with the date readers see. */
export const CORRECTION_KINDS = ['correction', 'clarification'] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];
export const CORRECTION_MAX = 2_000;

export interface Correction {
  id: number;
  articleId: number;
  kind: CorrectionKind;
  text: string;
  /** When it was appended: the date readers see. */
  createdAt: Date;
  updatedAt: Date;
}

/** What the access decision needs of a story: its own facts and the entitlement its section's premium stories require. */
export function accessItemOf(
  article: Pick<ArticleSummary, 'id' | 'visibility' | 'section' | 'provenance' | 'publishedAt'>,
  sections: readonly Section[],
): AccessItem {
  const section = sections.find((s) => s.slug === article.section);
  return {
    id: article.id,
    visibility: article.visibility,
    section: article.section,
    provenance: article.provenance,
    publishedAt: article.publishedAt,
    premiumEntitlement: section?.premiumEntitlement ?? 'premium',
  };
}
