import { sql } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { SectionFields } from './rules.js';

/** One section change at a time, across instances; the lock ends with the transaction. */
export async function lockSections(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(8153)`.execute(tx);
}

/** The slugs of the sections in their order. */
export async function sectionOrder(db: Db | Tx): Promise<string[]> {
  const rows = await db.selectFrom('sections').select('slug').orderBy('position').orderBy('slug').execute();
  return rows.map((r) => r.slug);
}

export async function findSectionRow(db: Db | Tx, slug: string) {
  return db.selectFrom('sections').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Adds a section at the end of the order. */
export async function insertSection(tx: Tx, fields: SectionFields): Promise<void> {
  const last = await tx
    .selectFrom('sections')
    .select((eb) => eb.fn.max('position').as('position'))
    .executeTakeFirst();
  await tx
    .insertInto('sections')
    .values({
      slug: fields.slug,
      name: fields.name,
      description: fields.description,
      premium_entitlement: fields.premiumEntitlement,
      position: (last?.position ?? 0) + 1,
    })
    .execute();
  // A new section at an address a renamed one left behind takes the address over.
  await tx.deleteFrom('section_redirects').where('slug', '=', fields.slug).execute();
}

/**
 * Saves a section's fields. A new slug carries its articles, pins and old addresses with it (the foreign keys
 * cascade), and the old slug answers 301 to the new one.
 */
export async function updateSection(tx: Tx, slug: string, fields: SectionFields, at: Date): Promise<void> {
  await tx
    .updateTable('sections')
    .set({ slug: fields.slug, name: fields.name, description: fields.description, premium_entitlement: fields.premiumEntitlement })
    .where('slug', '=', slug)
    .execute();
  if (fields.slug === slug) return;
  await tx.deleteFrom('section_redirects').where('slug', '=', fields.slug).execute();
  await tx
    .insertInto('section_redirects')
    .values({ slug, section: fields.slug, created_at: at })
    .onConflict((oc) => oc.column('slug').doUpdateSet({ section: fields.slug, created_at: at }))
    .execute();
}

/** Numbers the sections 1, 2, 3… in `order`. */
export async function writeSectionOrder(tx: Tx, order: readonly string[]): Promise<void> {
  for (const [i, slug] of order.entries())
    await tx
      .updateTable('sections')
      .set({ position: i + 1 })
      .where('slug', '=', slug)
      .execute();
}

/** Whether any article, in any status, is filed under `slug`. */
export async function sectionHasArticles(db: Db | Tx, slug: string): Promise<boolean> {
  const row = await db.selectFrom('articles').select('id').where('section', '=', slug).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function deleteSection(tx: Tx, slug: string): Promise<void> {
  await tx.deleteFrom('sections').where('slug', '=', slug).execute();
}

/** The current slug of the section that once lived at `slug`, or null. */
export async function redirectedSectionSlug(db: Db, slug: string): Promise<string | null> {
  const row = await db.selectFrom('section_redirects').select('section').where('slug', '=', slug).executeTakeFirst();
  return row?.section ?? null;
}
