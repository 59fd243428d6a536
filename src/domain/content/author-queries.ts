import { sql, type Selectable } from 'kysely';
import type { Db } from '../ports/database.js';
import { containing } from '../like-patterns.js';
import type { Authors } from '../ports/schema.js';
import { authorSlugFrom, type Author, type AuthorFields, type AuthorLink } from './authors.js';
import type { StoredStatus } from './newsroom.js';

/** The authors' tables: `authors` and the bylines in `article_authors` (kept in step with `articles.authors`). */

function toAuthor(row: Selectable<Authors>): Author {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    bio: row.bio,
    photoUrl: row.photo_url,
    links: row.links as unknown as AuthorLink[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const columns = (fields: AuthorFields) => ({
  slug: fields.slug,
  name: fields.name,
  bio: fields.bio,
  photo_url: fields.photoUrl,
  links: JSON.stringify(fields.links),
});

export async function findAuthorById(db: Db, id: number): Promise<Author | null> {
  const row = await db.selectFrom('authors').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toAuthor(row) : null;
}

export async function findAuthorBySlug(db: Db, slug: string): Promise<Author | null> {
  const row = await db.selectFrom('authors').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? toAuthor(row) : null;
}

/** Which of `slug` and `name` another author (not `exceptId`) already has. */
export async function authorClashes(db: Db, fields: Pick<AuthorFields, 'slug' | 'name'>, exceptId: number | null) {
  let query = db
    .selectFrom('authors')
    .select(['slug', 'name'])
    .where((eb) => eb.or([eb('slug', '=', fields.slug), eb('name', '=', fields.name)]));
  if (exceptId !== null) query = query.where('id', '<>', exceptId);
  const rows = await query.execute();
  return { slug: rows.some((r) => r.slug === fields.slug), name: rows.some((r) => r.name === fields.name) };
}

/** Authors by name (case-insensitive), optionally only those whose name contains `search`; keyset on (lower(name), id). */
export async function listAuthors(
  db: Db,
  options: { search?: string | undefined; after?: { name: string; id: number } | undefined; limit: number },
): Promise<Author[]> {
  let query = db.selectFrom('authors').selectAll();
  if (options.search) query = query.where('name', 'ilike', containing(options.search));
  const after = options.after;
  if (after) query = query.where(sql<boolean>`(lower(name), id) > (lower(${after.name}), ${after.id})`);
  const rows = await query
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(options.limit)
    .execute();
  return rows.map(toAuthor);
}

export async function insertAuthor(db: Db, fields: AuthorFields, at: Date): Promise<number> {
  const row = await db
    .insertInto('authors')
    .values({ ...columns(fields), created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Saves an author; a new name is written into the bylines (`articles.authors`) of their articles too. */
export async function updateAuthor(db: Db, before: Author, fields: AuthorFields, at: Date): Promise<void> {
  await db
    .updateTable('authors')
    .set({ ...columns(fields), updated_at: at })
    .where('id', '=', before.id)
    .execute();
  if (before.name !== fields.name) {
    await db
      .updateTable('articles')
      .set({ authors: sql<string[]>`array_replace(authors, ${before.name}, ${fields.name})` })
      .where('id', 'in', (eb) => eb.selectFrom('article_authors').select('article_id').where('author_id', '=', before.id))
      .execute();
  }
}

/**
 * The ids of the authors with these names, creating those not known yet (with a slug made from the name,
 * made unique with -2, -3…). Run inside the transaction that writes the bylines.
 */
export async function authorIdsByName(db: Db, names: readonly string[], at: Date | null): Promise<Map<string, number>> {
  const wanted = [...new Set(names)];
  const ids = new Map<string, number>();
  if (wanted.length === 0) return ids;
  const known = await db.selectFrom('authors').select(['id', 'name']).where('name', 'in', wanted).execute();
  for (const row of known) ids.set(row.name, row.id);
  // In name order, so concurrent writers (a parallel import) take the new names' locks in one order and never deadlock.
  const missing = wanted.filter((name) => !ids.has(name)).sort();
  if (missing.length === 0) return ids;
  // Most new names get their plain slug in one statement; the few whose slug is taken go one by one.
  const inserted = await db
    .insertInto('authors')
    .values(missing.map((name) => ({ name, slug: authorSlugFrom(name), ...stamps(at) })))
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'name'])
    .execute();
  for (const row of inserted) ids.set(row.name, row.id);
  const notInserted = missing.filter((n) => !ids.has(n));
  if (notInserted.length === 0) return ids;
  // A writer that committed the same new name meanwhile made that author: use it rather than a second of that name.
  const arrived = await db.selectFrom('authors').select(['id', 'name']).where('name', 'in', notInserted).execute();
  for (const row of arrived) ids.set(row.name, row.id);
  for (const name of notInserted.filter((n) => !ids.has(n))) ids.set(name, await insertWithFreeSlug(db, name, at));
  return ids;
}

/** Creation times: the caller's clock, or the database's (an import). */
const stamps = (at: Date | null) => (at ? { created_at: at, updated_at: at } : {});

async function insertWithFreeSlug(db: Db, name: string, at: Date | null): Promise<number> {
  const base = authorSlugFrom(name).slice(0, 110);
  for (let n = 2; ; n++) {
    const row = await db
      .insertInto('authors')
      .values({ name, slug: `${base}-${n}`, ...stamps(at) })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) return row.id;
    // The name itself may have arrived meanwhile (another import): then it is that author.
    const same = await db.selectFrom('authors').select('id').where('name', '=', name).executeTakeFirst();
    if (same) return same.id;
  }
}

/**
 * Writes the bylines of these articles (names in order), creating unknown authors. Each byline carries its
 * article's status and publication time as they are now (the author pages read them from the byline).
 */
export async function setBylines(
  db: Db,
  bylines: readonly { articleId: number; names: readonly string[] }[],
  at: Date | null,
): Promise<void> {
  if (bylines.length === 0) return;
  const ids = await authorIdsByName(
    db,
    bylines.flatMap((b) => b.names),
    at,
  );
  const articleIds = bylines.map((b) => b.articleId);
  await db.deleteFrom('article_authors').where('article_id', 'in', articleIds).execute();
  const articles = await db.selectFrom('articles').select(['id', 'status', 'published_at']).where('id', 'in', articleIds).execute();
  const states = new Map(articles.map((a) => [a.id, { status: a.status, published_at: a.published_at }]));
  const rows = bylines.flatMap((b) => {
    const state = states.get(b.articleId);
    if (!state) throw new Error(`no article ${b.articleId} for its byline`);
    return [...new Set(b.names)].map((name, position) => ({ article_id: b.articleId, author_id: ids.get(name) ?? 0, position, ...state }));
  });
  if (rows.length > 0) await db.insertInto('article_authors').values(rows).execute();
}

/** Copies an article's new status and publication time onto its bylines (see `setBylines`). */
export async function setBylineState(db: Db, articleId: number, state: { status: StoredStatus; publishedAt: Date | null }): Promise<void> {
  await db
    .updateTable('article_authors')
    .set({ status: state.status, published_at: state.publishedAt })
    .where('article_id', '=', articleId)
    .execute();
}

/** The names among `names` no author has. */
export async function unknownAuthorNames(db: Db, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const known = await db.selectFrom('authors').select('name').where('name', 'in', names).execute();
  const have = new Set(known.map((r) => r.name));
  return names.filter((n) => !have.has(n));
}

/** Name and slug for each of `names` that is an author, in the order given. */
export async function bylinesOf(db: Db, names: readonly string[]): Promise<{ name: string; slug: string }[]> {
  if (names.length === 0) return [];
  const rows = await db.selectFrom('authors').select(['name', 'slug']).where('name', 'in', names).execute();
  const slugs = new Map(rows.map((r) => [r.name, r.slug]));
  return names.flatMap((name) => {
    const slug = slugs.get(name);
    return slug ? [{ name, slug }] : [];
  });
}
