import type { Queryable } from '../../adapters/db/database.js';
import type { ArticleInput } from './article-input.js';
import type { Article, Section } from './model.js';

interface ArticleRow {
  id: number;
  slug: string;
  headline: string;
  standfirst: string;
  body: string;
  section: string;
  tags: string[];
  authors: string[];
  dateline: string | null;
  visibility: Article['visibility'];
  provenance: string;
  published_at: Date;
  updated_at: Date;
  lead_image_url: string | null;
  lead_image_alt: string | null;
  editors_pick: boolean;
}

/** An article without its body: what lists, feeds and sitemaps need. */
export type ArticleSummary = Omit<Article, 'body'>;

const SUMMARY_COLUMNS = `id, slug, headline, standfirst, section, tags, authors, dateline, visibility, provenance,
  published_at, updated_at, lead_image_url, lead_image_alt, editors_pick`;

function toSummary(row: Omit<ArticleRow, 'body'>): ArticleSummary {
  return {
    id: row.id,
    slug: row.slug,
    headline: row.headline,
    standfirst: row.standfirst,
    section: row.section,
    tags: row.tags,
    authors: row.authors,
    dateline: row.dateline,
    visibility: row.visibility,
    provenance: row.provenance,
    publishedAt: new Date(row.published_at),
    updatedAt: new Date(row.updated_at),
    leadImage: row.lead_image_url ? { url: row.lead_image_url, alt: row.lead_image_alt ?? '' } : null,
    editorsPick: row.editors_pick,
  };
}

export async function listSections(db: Queryable): Promise<Section[]> {
  const { rows } = await db.query<{ slug: string; name: string; position: number; premium_entitlement: string }>(
    'select slug, name, position, premium_entitlement from sections order by position, slug',
  );
  return rows.map((r) => ({ slug: r.slug, name: r.name, position: r.position, premiumEntitlement: r.premium_entitlement }));
}

/** Adds the section unless one with its slug exists: a publisher's own names and order are never overwritten. */
export async function ensureSection(db: Queryable, section: Section): Promise<void> {
  await db.query(`insert into sections (slug, name, position, premium_entitlement) values ($1, $2, $3, $4) on conflict (slug) do nothing`, [
    section.slug,
    section.name,
    section.position,
    section.premiumEntitlement,
  ]);
}

/** Inserts the article or, when its slug exists, replaces it. Returns the id and whether it was new. */
export async function upsertArticle(db: Queryable, input: ArticleInput): Promise<{ id: number; created: boolean }> {
  const { rows } = await db.query<{ id: number; created: boolean }>(
    `insert into articles (slug, headline, standfirst, body, section, tags, authors, dateline, visibility, provenance,
       published_at, updated_at, lead_image_url, lead_image_alt, editors_pick)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     on conflict (slug) do update set headline = excluded.headline, standfirst = excluded.standfirst,
       body = excluded.body, section = excluded.section, tags = excluded.tags, authors = excluded.authors,
       dateline = excluded.dateline, visibility = excluded.visibility, provenance = excluded.provenance,
       published_at = excluded.published_at, updated_at = excluded.updated_at,
       lead_image_url = excluded.lead_image_url, lead_image_alt = excluded.lead_image_alt,
       editors_pick = excluded.editors_pick
     returning id, (xmax = 0) as created`,
    [
      input.slug,
      input.headline,
      input.standfirst,
      input.body,
      input.section,
      input.tags,
      input.authors,
      input.dateline,
      input.visibility,
      input.provenance,
      input.publishedAt,
      input.updatedAt ?? input.publishedAt,
      input.leadImage?.url ?? null,
      input.leadImage?.alt ?? null,
      input.editorsPick,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error(`upsert of ${input.slug} returned nothing`);
  return row;
}

export async function findArticleBySlug(db: Queryable, slug: string): Promise<Article | null> {
  const { rows } = await db.query<ArticleRow>(`select ${SUMMARY_COLUMNS}, body from articles where slug = $1`, [slug]);
  const row = rows[0];
  return row ? { ...toSummary(row), body: row.body } : null;
}

/** Newest first, optionally in one section; only articles already published at `now`. */
export async function listArticles(
  db: Queryable,
  options: { section?: string; limit: number; offset?: number; now: Date; since?: Date; editorsPick?: boolean },
): Promise<ArticleSummary[]> {
  const params: unknown[] = [options.now];
  const where = ['published_at <= $1'];
  if (options.section) where.push(`section = $${params.push(options.section)}`);
  if (options.since) where.push(`published_at >= $${params.push(options.since)}`);
  if (options.editorsPick) where.push('editors_pick');
  const limit = `$${params.push(options.limit)}`;
  const offset = `$${params.push(options.offset ?? 0)}`;
  const { rows } = await db.query<ArticleRow>(
    `select ${SUMMARY_COLUMNS} from articles where ${where.join(' and ')}
     order by published_at desc, id desc limit ${limit} offset ${offset}`,
    params,
  );
  return rows.map(toSummary);
}

export async function countArticles(db: Queryable, options: { section?: string; now: Date }): Promise<number> {
  const { rows } = options.section
    ? await db.query<{ n: number }>('select count(*)::int as n from articles where published_at <= $1 and section = $2', [
        options.now,
        options.section,
      ])
    : await db.query<{ n: number }>('select count(*)::int as n from articles where published_at <= $1', [options.now]);
  return rows[0]?.n ?? 0;
}
