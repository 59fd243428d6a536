import { ARTICLE_INPUT_LIMITS, parseArticleInput } from './article-input.js';
import type { ArticleSeo, Visibility } from './model.js';

/**
 * The newsroom's view of an article. Glossary: a *draft* has never gone out (or was saved without
 * publishing); a *published* article is on the site from its publication time, and is *scheduled* while that
 * time is ahead; an *unpublished* one was taken down. Only the stored status and the publication time decide,
 * so a scheduled article needs no job to go live.
 */

export type StoredStatus = 'draft' | 'published' | 'unpublished';
export type ArticleStatus = 'draft' | 'scheduled' | 'published' | 'unpublished';
export const ARTICLE_STATUSES: readonly ArticleStatus[] = ['draft', 'scheduled', 'published', 'unpublished'];

/** What an editor writes: every field of the form, as stored. */
export interface ArticleFields {
  slug: string;
  headline: string;
  standfirst: string;
  body: string;
  section: string;
  tags: string[];
  authors: string[];
  dateline: string | null;
  visibility: Visibility;
  provenance: string;
  leadImage: { url: string; alt: string } | null;
  /** Not to be published before this time (publish refuses, a schedule must be at or after it). */
  embargoUntil: Date | null;
  seo: ArticleSeo;
}

/** What an article had before these fields existed (older revisions), and a new article. */
export const NO_SEO: ArticleSeo = { title: null, description: null, canonicalUrl: null, socialImageUrl: null };

export const FIELD_NAMES = [
  'headline',
  'standfirst',
  'body',
  'section',
  'tags',
  'authors',
  'dateline',
  'visibility',
  'provenance',
  'slug',
  'leadImage',
  'embargoUntil',
  'seo',
] as const satisfies readonly (keyof ArticleFields)[];

/** Whether two versions of an article differ in any field a revision keeps. */
export function fieldsDiffer(a: ArticleFields, b: ArticleFields): boolean {
  return FIELD_NAMES.some((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name]));
}

export interface NewsroomArticle extends ArticleFields {
  id: number;
  status: StoredStatus;
  /** Null for a draft never published or scheduled. */
  publishedAt: Date | null;
  updatedAt: Date;
  /** The "Updated" time readers see (set by saving with "Show as updated"), or null. */
  shownUpdatedAt: Date | null;
  /** Goes up by one with every save: a form carries it, and a save over a newer one is refused. */
  version: number;
}

/** The status an editor sees: a published article whose time is ahead is scheduled. */
export function shownStatus(article: Pick<NewsroomArticle, 'status' | 'publishedAt'>, now: Date): ArticleStatus {
  if (article.status !== 'published') return article.status;
  return article.publishedAt && article.publishedAt > now ? 'scheduled' : 'published';
}

/** What a save does beside keeping the fields. */
export type SaveAction =
  { kind: 'save' } | { kind: 'publish' } | { kind: 'schedule'; at: Date } | { kind: 'unpublish' } | { kind: 'restore' };

export type ActionOutcome =
  | { ok: true; status: StoredStatus; publishedAt: Date | null; updatedAt: Date }
  | { ok: false; field: 'publishAt' | 'embargoUntil'; message: string };

/**
 * The status and times an article has after `action` at `now`, or why the action cannot be done. An embargo
 * (`embargoUntil`, from the fields being saved) keeps the article off the site until it ends: publishing
 * before then is refused, and a schedule must be at or after it.
 */
export function applyAction(
  current: Pick<NewsroomArticle, 'status' | 'publishedAt'> | null,
  action: SaveAction,
  now: Date,
  embargoUntil: Date | null = null,
): ActionOutcome {
  const outcome = applyStatus(current, action, now);
  if (!outcome.ok || !embargoUntil || outcome.status !== 'published' || !outcome.publishedAt || outcome.publishedAt >= embargoUntil)
    return outcome;
  if (action.kind === 'publish')
    return {
      ok: false,
      field: 'embargoUntil',
      message: 'This story is under embargo: it cannot be published before the embargo ends. Schedule it for then or later.',
    };
  if (action.kind === 'schedule') return { ok: false, field: 'publishAt', message: 'Schedule it at or after the embargo ends.' };
  return {
    ok: false,
    field: 'embargoUntil',
    message: 'This article is already on the site before that time: unpublish it first to embargo it.',
  };
}

function applyStatus(current: Pick<NewsroomArticle, 'status' | 'publishedAt'> | null, action: SaveAction, now: Date): ActionOutcome {
  const status = current?.status ?? 'draft';
  const publishedAt = current?.publishedAt ?? null;
  // Readers see the later of the two as "updated": a scheduled story is not updated before it appears.
  const stamp = (at: Date | null) => (at && at > now ? at : now);
  switch (action.kind) {
    case 'save':
    case 'restore':
      return { ok: true, status, publishedAt, updatedAt: stamp(publishedAt) };
    case 'publish': {
      // An article taken down and put back keeps its first publication time; a scheduled or new one goes out now.
      const keep = status !== 'draft' && publishedAt !== null && publishedAt <= now;
      const at = keep ? publishedAt : now;
      return { ok: true, status: 'published', publishedAt: at, updatedAt: now };
    }
    case 'schedule':
      if (action.at <= now) return { ok: false, field: 'publishAt', message: 'Choose a time ahead of now, or publish now.' };
      if (current && shownStatus(current, now) === 'published') {
        return { ok: false, field: 'publishAt', message: 'This article is already on the site: unpublish it first to schedule it.' };
      }
      return { ok: true, status: 'published', publishedAt: action.at, updatedAt: action.at };
    case 'unpublish':
      return { ok: true, status: 'unpublished', publishedAt, updatedAt: stamp(publishedAt) };
  }
}

/** A slug made from a headline: "Rates rise, again!" → "rates-rise-again". */
export function slugFrom(headline: string): string {
  return headline
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ARTICLE_INPUT_LIMITS.slug)
    .replace(/-+$/, '');
}

/** The form's field name for each field of the import format, to put its message beside the right input. */
const FORM_FIELD: Record<string, keyof ArticleFields | 'imageUrl' | 'imageAlt'> = {
  slug: 'slug',
  headline: 'headline',
  standfirst: 'standfirst',
  body: 'body',
  section: 'section',
  visibility: 'visibility',
  provenance: 'provenance',
  tags: 'tags',
  authors: 'authors',
  dateline: 'dateline',
  'lead_image.url': 'imageUrl',
  'lead_image.alt': 'imageAlt',
  lead_image: 'imageUrl',
};

/**
 * Checks an article's fields with the import's own validation (`parseArticleInput`), one field at a time so
 * every field gets its message. A draft may still lack its standfirst and body; a published article may not.
 */
export function checkArticleFields(
  fields: ArticleFields,
  sections: ReadonlySet<string>,
  options: { draft: boolean },
): { ok: true } | { ok: false; errors: Record<string, string> } {
  const [aSection = ''] = sections;
  const record = (f: ArticleFields) => ({
    slug: f.slug,
    headline: f.headline,
    standfirst: f.standfirst,
    body: f.body,
    section: f.section,
    visibility: f.visibility,
    provenance: f.provenance,
    published_at: '2000-01-01T00:00:00Z',
    authors: f.authors,
    tags: f.tags,
    dateline: f.dateline,
    lead_image: f.leadImage,
  });
  const baseline: ArticleFields = {
    slug: 'a',
    headline: 'a',
    standfirst: 'a',
    body: 'a',
    section: aSection,
    tags: [],
    authors: [],
    dateline: null,
    visibility: 'free',
    provenance: 'staff',
    leadImage: null,
    embargoUntil: null,
    seo: NO_SEO,
  };
  const errors: Record<string, string> = checkSeo(fields.seo);
  for (const name of FIELD_NAMES) {
    const value = fields[name];
    if (name === 'embargoUntil' || name === 'seo') continue;
    if (options.draft && (name === 'standfirst' || name === 'body') && value === '') continue;
    const checked = parseArticleInput(record({ ...baseline, [name]: value }), sections);
    if (checked.ok) continue;
    const match = /^"([^"[]+)(?:\[\d+\])?"\s*(.*)$/.exec(checked.reason);
    const field = FORM_FIELD[match?.[1] ?? ''] ?? name;
    const rest = match?.[2] ?? checked.reason;
    errors[field] ??= `${rest.charAt(0).toUpperCase()}${rest.slice(1)}.`;
  }
  return Object.keys(errors).length === 0 ? { ok: true } : { ok: false, errors };
}

export const SEO_LIMITS = { title: 120, description: 300, url: 2_000 } as const;

const isSitePath = (url: string) => url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') && !/\s/.test(url);
const isHttpsUrl = (url: string) => /^https:\/\/[^/\s]+/.test(url) && !/\s/.test(url);

/** The SEO fields' messages, by form field: the canonical address and social image must be on this site or https. */
export function checkSeo(seo: ArticleSeo): Record<string, string> {
  const errors: Record<string, string> = {};
  if (seo.title && seo.title.length > SEO_LIMITS.title) errors.seoTitle = `Use at most ${SEO_LIMITS.title} characters.`;
  if (seo.description && seo.description.length > SEO_LIMITS.description)
    errors.metaDescription = `Use at most ${SEO_LIMITS.description} characters.`;
  for (const [field, url] of [
    ['canonicalUrl', seo.canonicalUrl],
    ['socialImageUrl', seo.socialImageUrl],
  ] as const) {
    if (url && (url.length > SEO_LIMITS.url || !(isSitePath(url) || isHttpsUrl(url))))
      errors[field] = 'Give a path on this site starting with "/" or an address starting with https://.';
  }
  return errors;
}

/** Fields as a revision kept them (JSON): dates revived, fields added since filled with their defaults. */
export function revivedFields(stored: unknown): ArticleFields {
  const fields = stored as Omit<ArticleFields, 'embargoUntil' | 'seo'> & { embargoUntil?: string | null; seo?: ArticleSeo };
  return { ...fields, embargoUntil: fields.embargoUntil ? new Date(fields.embargoUntil) : null, seo: { ...NO_SEO, ...fields.seo } };
}
