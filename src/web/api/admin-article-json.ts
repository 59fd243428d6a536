import { Type, type Static, type TSchema } from 'typebox';
import { CORRECTION_KINDS, CORRECTION_MAX, VISIBILITIES, type Correction } from '../../domain/content/model.js';
import {
  ARTICLE_STATUSES,
  NO_SEO,
  SEO_LIMITS,
  shownStatus,
  slugFrom,
  type ArticleFields,
  type NewsroomArticle,
  type SaveAction,
} from '../../domain/content/newsroom.js';
import type { NewsroomSummary } from '../../domain/content/newsroom-queries.js';
import { invalid } from './admin-api.js';

/**
 * The admin articles API's JSON: what it takes (a save, a correction) and what it gives (an article, a summary),
 * in snake_case, with the newsroom's own field names (seo_title, meta_description, canonical_url, social_image_url).
 */

export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description ? { description } : {});
const LeadImage = Type.Object(
  { url: Type.String({ maxLength: 2000 }), alt: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);
const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
export const Status = oneOf(ARTICLE_STATUSES);
export const VisibilityJson = oneOf(VISIBILITIES);

const EMBARGO = 'Not to be published before this time: publishing is refused and a schedule must be at or after it.';
const SEO = {
  seo_title: 'The title search engines and social cards show, instead of the headline.',
  meta_description: 'The description search engines and social cards show, instead of the standfirst.',
  canonical_url: 'The canonical address: a path on this site ("/…") or an https:// address.',
  social_image_url: 'The image of social cards (a path on this site or an https:// address); the lead image otherwise.',
};

const CorrectionJson = Type.Object(
  {
    id: Type.Integer(),
    kind: oneOf(CORRECTION_KINDS),
    text: Type.String(),
    created_at: Type.String({ format: 'date-time', description: 'When it was appended: the date readers see.' }),
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);
export const CorrectionResponse = Type.Object({ correction: CorrectionJson }, { additionalProperties: false });
export const CorrectionBody = Type.Object(
  {
    kind: oneOf(CORRECTION_KINDS),
    // The domain's limit is checked by the domain, so its message comes back beside the field.
    text: Type.String({
      maxLength: CORRECTION_MAX * 2,
      description: `What was wrong and what is right (at most ${CORRECTION_MAX} characters).`,
    }),
  },
  { additionalProperties: false },
);

const FieldsJson = {
  slug: Type.String(),
  headline: Type.String(),
  standfirst: Type.String(),
  body: Type.String({ description: 'Markdown.' }),
  section: Type.String(),
  tags: Type.Array(Type.String()),
  authors: Type.Array(Type.String()),
  dateline: Nullable(Type.String()),
  visibility: VisibilityJson,
  provenance: Type.String({ description: 'staff, wire:<agency> or partner:<name>' }),
  lead_image: Nullable(LeadImage),
  embargo_until: Nullable(Timestamp, EMBARGO),
  seo_title: Nullable(Type.String(), SEO.seo_title),
  meta_description: Nullable(Type.String(), SEO.meta_description),
  canonical_url: Nullable(Type.String(), SEO.canonical_url),
  social_image_url: Nullable(Type.String(), SEO.social_image_url),
};
const stateJson = {
  id: Type.Integer(),
  status: Status,
  version: Type.Integer({ description: 'Send it back with the next save.' }),
  published_at: Nullable(Timestamp),
  updated_at: Timestamp,
  url: Type.String({ description: 'The article page, relative to the site (readers see it once it is published).' }),
};
export const AdminArticleJson = Type.Object(
  {
    ...FieldsJson,
    ...stateJson,
    shown_updated_at: Nullable(Timestamp, 'The "Updated" time readers see (set by a save with show_updated), or null.'),
    corrections: Type.Array(CorrectionJson, { description: 'Corrections and clarifications at the foot of the article, oldest first.' }),
  },
  { additionalProperties: false },
);
export const AdminSummaryJson = Type.Object(
  {
    ...stateJson,
    slug: Type.String(),
    headline: Type.String(),
    section: Type.String(),
    authors: Type.Array(Type.String()),
    visibility: VisibilityJson,
    provenance: Type.String(),
    embargo_until: FieldsJson.embargo_until,
  },
  { additionalProperties: false },
);

const limits = { slug: 120, headline: 300, standfirst: 1000, body: 200_000, dateline: 120, list: 40, item: 120 };
/** A text the domain checks (SEO_LIMITS): the schema only bounds it, so a long one is named in `error.fields`. */
const SeoText = (description: string) => Type.Optional(Nullable(Type.String({ maxLength: SEO_LIMITS.url }), description));
export const ArticleBody = Type.Object(
  {
    headline: Type.String({ maxLength: limits.headline }),
    standfirst: Type.Optional(Type.String({ maxLength: limits.standfirst })),
    body: Type.Optional(Type.String({ maxLength: limits.body })),
    section: Type.String({ maxLength: 60 }),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: limits.item }), { maxItems: limits.list })),
    authors: Type.Optional(Type.Array(Type.String({ maxLength: limits.item }), { maxItems: limits.list })),
    dateline: Type.Optional(Nullable(Type.String({ maxLength: limits.dateline }))),
    visibility: VisibilityJson,
    provenance: Type.Optional(Type.String({ maxLength: 70 })),
    slug: Type.Optional(
      Type.String({ maxLength: limits.slug, description: 'Made from the headline when left out of a new article, or empty.' }),
    ),
    lead_image: Type.Optional(Nullable(LeadImage)),
    embargo_until: Type.Optional(Nullable(Timestamp, EMBARGO)),
    seo_title: SeoText(`${SEO.seo_title} At most ${SEO_LIMITS.title} characters.`),
    meta_description: SeoText(`${SEO.meta_description} At most ${SEO_LIMITS.description} characters.`),
    canonical_url: SeoText(SEO.canonical_url),
    social_image_url: SeoText(SEO.social_image_url),
    show_updated: Type.Optional(
      Type.Boolean({
        description: '"Show as updated": a substantive update of a published article; readers see "Updated" with the time of this save.',
      }),
    ),
    action: Type.Optional(
      oneOf(
        ['save', 'publish', 'schedule', 'unpublish'] as const,
        'save (the default) keeps the status; publish, schedule (with publish_at) or unpublish change it.',
      ),
    ),
    publish_at: Type.Optional(Timestamp),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Required to save over an existing article: the version you read.' })),
  },
  { additionalProperties: false },
);
export type ArticleBodyValue = Static<typeof ArticleBody>;

export function correctionJson(c: Correction): Static<typeof CorrectionJson> {
  return { id: c.id, kind: c.kind, text: c.text, created_at: c.createdAt.toISOString(), updated_at: c.updatedAt.toISOString() };
}

export function articleJson(a: NewsroomArticle, corrections: readonly Correction[], now: Date): Static<typeof AdminArticleJson> {
  return {
    id: a.id,
    slug: a.slug,
    headline: a.headline,
    standfirst: a.standfirst,
    body: a.body,
    section: a.section,
    tags: a.tags,
    authors: a.authors,
    dateline: a.dateline,
    visibility: a.visibility,
    provenance: a.provenance,
    lead_image: a.leadImage,
    embargo_until: a.embargoUntil?.toISOString() ?? null,
    seo_title: a.seo.title,
    meta_description: a.seo.description,
    canonical_url: a.seo.canonicalUrl,
    social_image_url: a.seo.socialImageUrl,
    status: shownStatus(a, now),
    version: a.version,
    published_at: a.publishedAt?.toISOString() ?? null,
    updated_at: a.updatedAt.toISOString(),
    shown_updated_at: a.shownUpdatedAt?.toISOString() ?? null,
    url: `/article/${a.slug}`,
    corrections: corrections.map(correctionJson),
  };
}

export function summaryJson(a: NewsroomSummary, now: Date): Static<typeof AdminSummaryJson> {
  return {
    id: a.id,
    slug: a.slug,
    headline: a.headline,
    section: a.section,
    authors: a.authors,
    visibility: a.visibility,
    provenance: a.provenance,
    embargo_until: a.embargoUntil?.toISOString() ?? null,
    status: shownStatus(a, now),
    version: a.version,
    published_at: a.publishedAt?.toISOString() ?? null,
    updated_at: a.updatedAt.toISOString(),
    url: `/article/${a.slug}`,
  };
}

/** The newsroom's form names its image fields imageUrl/imageAlt; the API's is lead_image. Others: snake_case. */
const apiField = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^image_url$|^image_alt$/, 'lead_image');
export function refuse(errors: Record<string, string>): never {
  return invalid(errors, apiField);
}

/** What a new article has in the fields a request leaves out. */
const NEW_ARTICLE: Omit<ArticleFields, 'slug' | 'headline' | 'section' | 'visibility'> = {
  standfirst: '',
  body: '',
  tags: [],
  authors: [],
  dateline: null,
  provenance: 'staff',
  leadImage: null,
  embargoUntil: null,
  seo: NO_SEO,
};

const names = (list: readonly string[]) => list.map((item) => item.trim()).filter(Boolean);
/** A nullable text: left out, `kept`; null or blank, none. */
const textOr = (sent: string | null | undefined, kept: string | null) => (sent === undefined ? kept : sent?.trim() || null);

/**
 * The fields, action and "Show as updated" a request asks for. A field it leaves out keeps its value in `stored`
 * (the article saved over; a new article's defaults without one); null clears a field that may be empty. A
 * missing publish time for `schedule` is refused beside the field.
 */
export function readBody(
  body: ArticleBodyValue,
  stored: ArticleFields | null,
): { fields: ArticleFields; action: SaveAction; showUpdated: boolean } {
  const action: SaveAction =
    body.action === 'schedule'
      ? body.publish_at
        ? { kind: 'schedule', at: new Date(body.publish_at) }
        : refuse({ publish_at: 'Say when it goes out (publish_at).' })
      : { kind: body.action ?? 'save' };
  const kept = stored ?? NEW_ARTICLE;
  const headline = body.headline.trim();
  const slug = body.slug === undefined ? stored?.slug : body.slug.trim().toLowerCase();
  const fields: ArticleFields = {
    slug: slug || slugFrom(headline),
    headline,
    standfirst: body.standfirst?.trim() ?? kept.standfirst,
    body: body.body?.trim() ?? kept.body,
    section: body.section.trim(),
    tags: body.tags ? names(body.tags) : kept.tags,
    authors: body.authors ? names(body.authors) : kept.authors,
    dateline: textOr(body.dateline, kept.dateline),
    visibility: body.visibility,
    provenance: body.provenance?.trim() ?? kept.provenance,
    leadImage: body.lead_image === undefined ? kept.leadImage : body.lead_image,
    embargoUntil: body.embargo_until === undefined ? kept.embargoUntil : body.embargo_until === null ? null : new Date(body.embargo_until),
    seo: {
      title: textOr(body.seo_title, kept.seo.title),
      description: textOr(body.meta_description, kept.seo.description),
      canonicalUrl: textOr(body.canonical_url, kept.seo.canonicalUrl),
      socialImageUrl: textOr(body.social_image_url, kept.seo.socialImageUrl),
    },
  };
  return { fields, action, showUpdated: body.show_updated ?? false };
}
