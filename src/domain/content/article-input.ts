import { isProvenance, VISIBILITIES, type Article, type Visibility } from './model.js';

/**
 * A validated article as it arrives from an import (NDJSON) or the demo seeder, before it has an id;
 * without `updatedAt` it was never updated after publication.
 * Produced only by `parseArticleInput` (or by code whose output passes it).
 */
export interface ArticleInput extends Omit<Article, 'id' | 'updatedAt' | 'bylines' | 'shownUpdatedAt' | 'seo'> {
  updatedAt: Date | null;
  /**
   * The import's `editors_pick`: true adds the article to the front page's picks (see `nominatePicks`); false
   * leaves the editors' curation as it is.
   */
  editorsPick: boolean;
}

/** Result of `parseArticleInput`: the article, or the first problem found, naming the field. */
export type ArticleInputResult = { ok: true; value: ArticleInput } | { ok: false; reason: string };

/** Size limits enforced by `parseArticleInput` (characters / items). */
export const ARTICLE_INPUT_LIMITS = {
  slug: 120,
  headline: 300,
  standfirst: 1_000,
  body: 200_000,
  tags: 20,
  tag: 60,
  authors: 10,
  author: 120,
  dateline: 120,
  imageUrl: 2_000,
  imageAlt: 500,
} as const;

/** Fields of the import format; anything else is rejected. */
export const ARTICLE_INPUT_FIELDS = [
  'slug',
  'headline',
  'standfirst',
  'body',
  'section',
  'visibility',
  'provenance',
  'published_at',
  'updated_at',
  'authors',
  'tags',
  'dateline',
  'lead_image',
  'editors_pick',
] as const;

const REQUIRED_FIELDS = ['slug', 'headline', 'standfirst', 'body', 'section', 'visibility', 'provenance', 'published_at'];
const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,119}$/;
const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Thrown inside the parser to stop at the first problem; never escapes it. */
class InputError extends Error {}

const fail = (reason: string): never => {
  throw new InputError(reason);
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function text(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string') return fail(`"${field}" must be a string`);
  const trimmed = value.trim();
  if (trimmed === '') return fail(`"${field}" must not be empty`);
  if (trimmed.length > max) return fail(`"${field}" is longer than ${max} characters`);
  return trimmed;
}

function textList(field: string, value: unknown, maxItems: number, maxChars: number): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail(`"${field}" must be an array of strings`);
  if (value.length > maxItems) return fail(`"${field}" has more than ${maxItems} entries`);
  const items = value.map((item, i) => text(`${field}[${i}]`, item, maxChars));
  const duplicate = items.find((item, i) => items.indexOf(item) !== i);
  if (duplicate !== undefined) fail(`"${field}" lists "${duplicate}" more than once`);
  return items;
}

/** Parses an ISO 8601 date-time with seconds optional and a `Z` or `±hh:mm` offset; rejects impossible dates. */
function dateTime(field: string, value: unknown): Date {
  const match = typeof value === 'string' ? DATE_TIME_PATTERN.exec(value) : null;
  if (!match) return fail(`"${field}" is not an ISO 8601 date-time with an offset (e.g. 2024-05-01T09:30:00+05:30)`);
  // Groups: 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7 zone, 8–9 offset hours and minutes; absent reads as 0.
  const group = (i: number) => Number(match[i] ?? 0);
  const [year, month, day, hour, minute, second, offH, offM] = [
    group(1),
    group(2),
    group(3),
    group(4),
    group(5),
    group(6),
    group(8),
    group(9),
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const valid =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offH <= 23 && offM <= 59;
  const date = new Date(value as string);
  if (!valid || Number.isNaN(date.getTime())) fail(`"${field}" is not an ISO 8601 date-time (impossible date or time)`);
  return date;
}

function leadImage(value: unknown): ArticleInput['leadImage'] {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) return fail('"lead_image" must be an object with "url" and "alt"');
  const extra = Object.keys(value).find((key) => key !== 'url' && key !== 'alt');
  if (extra !== undefined) fail(`unknown field "lead_image.${extra}"`);
  const url = text('lead_image.url', value.url, ARTICLE_INPUT_LIMITS.imageUrl);
  const siteRelative = url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\');
  if (!siteRelative && !/^https:\/\/[^/\s]+/.test(url))
    fail('"lead_image.url" must start with https:// or be a site-relative path starting with "/"');
  if (/\s/.test(url)) fail('"lead_image.url" must not contain whitespace');
  if (typeof value.alt !== 'string') fail('"lead_image.alt" must be a string');
  const alt = (value.alt as string).trim();
  if (alt.length > ARTICLE_INPUT_LIMITS.imageAlt) fail(`"lead_image.alt" is longer than ${ARTICLE_INPUT_LIMITS.imageAlt} characters`);
  return { url, alt };
}

function parseRecord(raw: Record<string, unknown>, knownSections: ReadonlySet<string>): ArticleInput {
  const known: readonly string[] = ARTICLE_INPUT_FIELDS;
  const extra = Object.keys(raw).find((key) => !known.includes(key));
  if (extra !== undefined) fail(`unknown field "${extra}"`);
  const missing = REQUIRED_FIELDS.find((key) => raw[key] === undefined || raw[key] === null);
  if (missing !== undefined) fail(`"${missing}" is required`);

  if (typeof raw.slug !== 'string' || !SLUG_PATTERN.test(raw.slug)) {
    fail(`"slug" must be lowercase letters, digits and hyphens (1-${ARTICLE_INPUT_LIMITS.slug} chars)`);
  }
  const headline = text('headline', raw.headline, ARTICLE_INPUT_LIMITS.headline);
  const standfirst = text('standfirst', raw.standfirst, ARTICLE_INPUT_LIMITS.standfirst);
  const body = text('body', raw.body, ARTICLE_INPUT_LIMITS.body);
  const section = text('section', raw.section, 100);
  if (!knownSections.has(section)) fail(`unknown section "${section}"`);
  const visibilities: readonly string[] = VISIBILITIES;
  if (typeof raw.visibility !== 'string' || !visibilities.includes(raw.visibility)) {
    fail(`"visibility" must be one of ${VISIBILITIES.join(', ')}`);
  }
  if (typeof raw.provenance !== 'string' || !isProvenance(raw.provenance)) {
    fail('"provenance" must be "staff", "wire:<agency>" or "partner:<name>"');
  }
  const publishedAt = dateTime('published_at', raw.published_at);
  const updatedAt = raw.updated_at === undefined || raw.updated_at === null ? null : dateTime('updated_at', raw.updated_at);
  if (updatedAt && updatedAt < publishedAt) fail('"updated_at" is earlier than "published_at"');
  const dateline =
    raw.dateline === undefined || raw.dateline === null ? null : text('dateline', raw.dateline, ARTICLE_INPUT_LIMITS.dateline);
  if (raw.editors_pick !== undefined && typeof raw.editors_pick !== 'boolean') fail('"editors_pick" must be true or false');

  return {
    slug: raw.slug as string,
    headline,
    standfirst,
    body,
    section,
    tags: textList('tags', raw.tags, ARTICLE_INPUT_LIMITS.tags, ARTICLE_INPUT_LIMITS.tag),
    authors: textList('authors', raw.authors, ARTICLE_INPUT_LIMITS.authors, ARTICLE_INPUT_LIMITS.author),
    dateline,
    visibility: raw.visibility as Visibility,
    provenance: raw.provenance as string,
    publishedAt,
    updatedAt,
    leadImage: leadImage(raw.lead_image),
    editorsPick: raw.editors_pick === true,
  };
}

/**
 * Validates one record of the NDJSON import format (snake_case fields, see `ARTICLE_INPUT_FIELDS`) and
 * returns it as an `ArticleInput`, or the first problem found as a reason that names the field.
 * Required: slug, headline, standfirst, body, section, visibility, provenance, published_at.
 * Optional: updated_at, authors, tags (default []), dateline, lead_image (default null), editors_pick (default false).
 * Text fields are trimmed. `knownSections` holds the section slugs an article may be filed under.
 */
export function parseArticleInput(raw: unknown, knownSections: ReadonlySet<string>): ArticleInputResult {
  if (!isRecord(raw)) return { ok: false, reason: 'an article must be a JSON object' };
  try {
    return { ok: true, value: parseRecord(raw, knownSections) };
  } catch (error) {
    if (error instanceof InputError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** The import-format record for an `ArticleInput` (inverse of `parseArticleInput`), e.g. for writing NDJSON. */
export function toImportRecord(input: ArticleInput): Record<string, unknown> {
  return {
    slug: input.slug,
    headline: input.headline,
    standfirst: input.standfirst,
    body: input.body,
    section: input.section,
    visibility: input.visibility,
    provenance: input.provenance,
    published_at: input.publishedAt.toISOString(),
    ...(input.updatedAt ? { updated_at: input.updatedAt.toISOString() } : {}),
    authors: input.authors,
    tags: input.tags,
    dateline: input.dateline,
    lead_image: input.leadImage,
    editors_pick: input.editorsPick,
  };
}
