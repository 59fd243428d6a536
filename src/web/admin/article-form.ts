import type { Static } from 'typebox';
import { ARTICLE_INPUT_LIMITS as LIMITS } from '../../domain/content/article-input.js';
import { VISIBILITIES, type ArticleSeo, type Visibility } from '../../domain/content/model.js';
import { imageIdOf, imagePath } from '../../domain/media/model.js';
import { SEO_LIMITS, slugFrom, type ArticleFields, type NewsroomArticle, type SaveAction } from '../../domain/content/newsroom.js';
import { instantOfWallClock, wallClockAsUtc } from '../../domain/time/zoned.js';
import { form, id, keyword, text, type FormRead, type FormState } from '../http/forms.js';

/**
 * The newsroom's article form, read by the form helper. The schema checks sizes and shapes; the article's
 * own rules (known section, provenance, slug, image address) are the import's, applied by the newsroom service.
 */

const tooLong = (max: number) => ({ maxLength: `Use at most ${max.toLocaleString('en-IN')} characters.` });
const LIST_MAX = 1_400;
const WALL_CLOCK = '^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2})$';

export const ARTICLE_ACTIONS = ['save', 'publish', 'schedule', 'unpublish'] as const;

// --- News conventions (authors brief): the form's embargo, SEO and "Show as updated" fields ---
const NEWS_FIELDS = {
  embargoUntil: text({
    maxLength: 16,
    normalise: ['trim'],
    pattern: `^$|${WALL_CLOCK}`,
    messages: { invalid: 'Enter a date and time like 2026-03-01T09:30.' },
  }),
  seoTitle: text({ maxLength: SEO_LIMITS.title, normalise: ['trim'], messages: tooLong(SEO_LIMITS.title) }),
  metaDescription: text({ maxLength: SEO_LIMITS.description, normalise: ['trim'], messages: tooLong(SEO_LIMITS.description) }),
  canonicalUrl: text({ maxLength: SEO_LIMITS.url, normalise: ['trim'], messages: tooLong(SEO_LIMITS.url) }),
  socialImageUrl: text({ maxLength: SEO_LIMITS.url, normalise: ['trim'], messages: tooLong(SEO_LIMITS.url) }),
  showUpdated: keyword(['on']),
};

/** The embargo and SEO fields as stored, or the embargo's message. */
function readNewsFields(
  values: Record<keyof typeof NEWS_FIELDS, string>,
  timeZone: string,
): { ok: true; embargoUntil: Date | null; seo: ArticleSeo } | { ok: false; errors: Record<string, string> } {
  const embargoUntil = values.embargoUntil ? parseWallClock(values.embargoUntil, timeZone) : null;
  if (values.embargoUntil && !embargoUntil) return { ok: false, errors: { embargoUntil: 'That date does not exist.' } };
  const seo: ArticleSeo = {
    title: values.seoTitle || null,
    description: values.metaDescription || null,
    canonicalUrl: values.canonicalUrl || null,
    socialImageUrl: values.socialImageUrl || null,
  };
  return { ok: true, embargoUntil, seo };
}

/** The embargo and SEO fields of the form, filled from an article. */
function newsFormValues(fields: ArticleFields, timeZone: string): Record<string, string> {
  return {
    embargoUntil: fields.embargoUntil ? wallClockInput(fields.embargoUntil, timeZone) : '',
    seoTitle: fields.seo.title ?? '',
    metaDescription: fields.seo.description ?? '',
    canonicalUrl: fields.seo.canonicalUrl ?? '',
    socialImageUrl: fields.seo.socialImageUrl ?? '',
  };
}
// --- end news conventions ---

export const ArticleForm = form({
  headline: text({
    minLength: 1,
    maxLength: LIMITS.headline,
    normalise: ['trim'],
    messages: { minLength: 'Write a headline.', ...tooLong(LIMITS.headline) },
  }),
  standfirst: text({ maxLength: LIMITS.standfirst, normalise: ['trim'], messages: tooLong(LIMITS.standfirst) }),
  body: text({ maxLength: LIMITS.body, normalise: ['trim'], messages: tooLong(LIMITS.body) }),
  section: text({ maxLength: 60, normalise: ['trim'], messages: { maxLength: 'Choose a section.' } }),
  tags: text({ maxLength: LIST_MAX, messages: tooLong(LIST_MAX) }),
  authors: text({ maxLength: LIST_MAX, messages: tooLong(LIST_MAX) }),
  dateline: text({ maxLength: LIMITS.dateline, normalise: ['trim'], messages: tooLong(LIMITS.dateline) }),
  visibility: text({ maxLength: 10, pattern: `^(${VISIBILITIES.join('|')})$`, messages: { invalid: 'Choose who may read it.' } }),
  provenance: text({ maxLength: 70, normalise: ['trim'], messages: tooLong(70) }),
  slug: text({ maxLength: LIMITS.slug, normalise: ['trim', 'lower'], messages: tooLong(LIMITS.slug) }),
  imageUrl: text({ maxLength: LIMITS.imageUrl, normalise: ['trim'], messages: tooLong(LIMITS.imageUrl) }),
  imageAlt: text({ maxLength: LIMITS.imageAlt, normalise: ['trim'], messages: tooLong(LIMITS.imageAlt) }),
  /** An uploaded image (its number in /admin/images), instead of an address. */
  leadImageId: text({
    maxLength: 10,
    normalise: ['trim'],
    pattern: '^$|^[1-9]\\d{0,9}$',
    messages: { invalid: 'Enter the number of an image in the library (/admin/images).' },
  }),
  publishAt: text({
    maxLength: 16,
    normalise: ['trim'],
    pattern: `^$|${WALL_CLOCK}`,
    messages: { invalid: 'Enter a date and time like 2026-03-01T09:30.' },
  }),
  version: text({ maxLength: 10, pattern: '^\\d{0,10}$', messages: { invalid: 'Open the article again and redo your change.' } }),
  action: keyword(ARTICLE_ACTIONS),
  // --- News conventions (authors brief): embargo, SEO, "Show as updated" ---
  ...NEWS_FIELDS,
  // --- end news conventions ---
});
export type ArticleFormValues = Static<typeof ArticleForm>;

export const ArticleParams = form({ id: id({ invalid: 'There is no such article.' }) });
export const RevisionParams = form({
  id: id({ invalid: 'There is no such article.' }),
  revision: id({ invalid: 'There is no such revision.' }),
});
export const RestoreForm = form({
  version: text({ maxLength: 10, pattern: '^\\d{1,10}$', messages: { invalid: 'Open the article again.' } }),
});

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** "2026-03-01T09:30" in `timeZone` → the instant; null for an impossible date. */
export function parseWallClock(value: string, timeZone: string): Date | null {
  const match = new RegExp(WALL_CLOCK).exec(value);
  if (!match) return null;
  const [y, mo, d, h, mi] = match.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59) return null;
  return new Date(instantOfWallClock(wall, timeZone));
}

/** An instant as a `datetime-local` value in `timeZone`. */
export function wallClockInput(at: Date, timeZone: string): string {
  return new Date(wallClockAsUtc(at.getTime(), timeZone)).toISOString().slice(0, 16);
}

/**
 * What the editor asked for, from a form the schema passed: the article's fields, the action and the version
 * the form was opened at; or the messages (beside their fields) for what cannot be an article at all.
 */
export function readArticleForm(
  values: ArticleFormValues,
  timeZone: string,
):
  | { ok: true; fields: ArticleFields; action: SaveAction; version: number | null; showUpdated: boolean }
  | { ok: false; errors: Record<string, string> } {
  const news = readNewsFields(values, timeZone);
  const errors: Record<string, string> = news.ok ? {} : { ...news.errors };
  let leadImage: ArticleFields['leadImage'] = null;
  if (values.leadImageId) {
    // An uploaded image has its own alt text: the description here, when given, replaces it for this article.
    if (values.imageUrl) errors.leadImageId = 'Choose an uploaded image or give an address, not both.';
    leadImage = { url: imagePath(Number(values.leadImageId)), alt: values.imageAlt };
  } else if (values.imageUrl) {
    if (!values.imageAlt) errors.imageAlt = 'Describe the image for readers who cannot see it.';
    leadImage = { url: values.imageUrl, alt: values.imageAlt };
  } else if (values.imageAlt) errors.imageUrl = 'Add the image’s address, or clear its description.';
  let action: SaveAction = { kind: values.action === '' ? 'save' : values.action } as SaveAction;
  if (values.action === 'schedule') {
    const at = values.publishAt ? parseWallClock(values.publishAt, timeZone) : null;
    if (!values.publishAt) errors.publishAt = 'Choose when it goes out.';
    else if (!at) errors.publishAt = 'That date does not exist.';
    else action = { kind: 'schedule', at };
  }
  if (Object.keys(errors).length > 0 || !news.ok) return { ok: false, errors };
  const fields: ArticleFields = {
    slug: values.slug || slugFrom(values.headline),
    headline: values.headline,
    standfirst: values.standfirst,
    body: values.body,
    section: values.section,
    tags: list(values.tags),
    authors: list(values.authors),
    dateline: values.dateline || null,
    visibility: values.visibility as Visibility,
    provenance: values.provenance,
    leadImage,
    embargoUntil: news.embargoUntil,
    seo: news.seo,
  };
  return { ok: true, fields, action, version: values.version ? Number(values.version) : null, showUpdated: values.showUpdated === 'on' };
}

/** The form filled with an article as stored (or as a revision kept it). */
export function formOf(
  fields: ArticleFields,
  article: Pick<NewsroomArticle, 'version' | 'publishedAt'> | null,
  timeZone: string,
): FormState {
  const uploaded = fields.leadImage ? imageIdOf(fields.leadImage.url) : null;
  return {
    values: {
      headline: fields.headline,
      standfirst: fields.standfirst,
      body: fields.body,
      section: fields.section,
      tags: fields.tags.join(', '),
      authors: fields.authors.join(', '),
      dateline: fields.dateline ?? '',
      visibility: fields.visibility,
      provenance: fields.provenance,
      slug: fields.slug,
      imageUrl: uploaded === null ? (fields.leadImage?.url ?? '') : '',
      leadImageId: uploaded === null ? '' : String(uploaded),
      imageAlt: fields.leadImage?.alt ?? '',
      publishAt: article?.publishedAt ? wallClockInput(article.publishedAt, timeZone) : '',
      version: article ? String(article.version) : '',
      ...newsFormValues(fields, timeZone),
    },
    errors: {},
  };
}

/** The form as typed, whatever the checks said: nothing typed is lost on a failed save. */
export function typedForm(read: FormRead<ArticleFormValues>, errors: Record<string, string> = {}): FormState {
  const values = read.ok ? Object.fromEntries(Object.entries(read.values).map(([k, v]) => [k, v])) : read.form.values;
  return { values, errors: { ...(read.ok ? {} : read.form.errors), ...errors } };
}
