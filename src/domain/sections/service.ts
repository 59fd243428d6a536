import type { Section } from '../content/model.js';
import type { Catalogue } from '../entitlements/catalogue.js';
import { listSections } from '../content/queries.js';
import { recordChange } from '../audit/audit.js';
import { announceChange } from '../site/changes.js';
import type { Db } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import {
  deleteSection,
  findSectionRow,
  insertSection,
  lockSections,
  sectionHasArticles,
  sectionOrder,
  updateSection,
  writeSectionOrder,
} from './queries.js';
import { checkSectionFields, moveSlug, type SectionFields } from './rules.js';

/** A save's outcome: the section's slug, or messages by field (nothing was written then). */
export type SectionSaveResult = { ok: true; slug: string } | { ok: false; errors: Record<string, string> };
/** A deletion's outcome: done, or why not (nothing was deleted). */
export type SectionDeleteResult = { ok: true } | { ok: false; message: string };

export interface SectionsService {
  /** Every section, in order (the home page's and the navigation's: one order). */
  list(actor: Actor): Promise<Section[]>;
  section(actor: Actor, slug: string): Promise<Section | null>;
  create(actor: Actor, fields: SectionFields): Promise<SectionSaveResult>;
  /** Saves the section now at `slug`; null when there is none. */
  update(actor: Actor, slug: string, fields: SectionFields): Promise<SectionSaveResult | null>;
  /** Moves a section one place up (-1) or down (1); null when there is none. */
  move(actor: Actor, slug: string, by: -1 | 1): Promise<true | null>;
  /** Deletes an empty section; one with articles (in any status) stays. Null when there is none. */
  remove(actor: Actor, slug: string): Promise<SectionDeleteResult | null>;
}

const SLUG_TAKEN = 'Another section has this address: choose another.';
const isViolation = (error: unknown, code: string) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

const audited = (s: SectionFields & { position?: number }) => ({
  name: s.name,
  slug: s.slug,
  description: s.description,
  premiumEntitlement: s.premiumEntitlement,
});

/**
 * Managing sections (policy `editContent` on every call; refusals read as not found). Each change is written
 * with its audit entry and announced to the other instances in one transaction; this process's caches are
 * dropped after it commits (`onChange`).
 */
export function createSectionsService(deps: {
  db: Db;
  now: () => Date;
  onChange: () => Promise<void>;
  /** The entitlement catalogue as it is now: a section's premium entitlement must be one of its access entries. */
  catalogue: Pick<Catalogue, 'find'>;
}): SectionsService {
  const { db, now } = deps;

  async function save(actor: Actor, slug: string | null, fields: SectionFields): Promise<SectionSaveResult | null> {
    authorize(actor, 'editContent');
    const errors = checkSectionFields(fields);
    if (!errors.premiumEntitlement) {
      const entry = deps.catalogue.find(fields.premiumEntitlement);
      if (!entry || entry.kind !== 'access')
        errors.premiumEntitlement = `“${fields.premiumEntitlement}” is not an access entitlement in the catalogue: use premium, or add it in Entitlements first.`;
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    let result: SectionSaveResult | null;
    try {
      result = await db.transaction().execute(async (tx): Promise<SectionSaveResult | null> => {
        await lockSections(tx);
        const current = slug === null ? null : await findSectionRow(tx, slug);
        if (slug !== null && !current) return null;
        if (fields.slug !== slug && (await findSectionRow(tx, fields.slug))) return { ok: false, errors: { slug: SLUG_TAKEN } };
        if (current && slug !== null) await updateSection(tx, slug, fields, now());
        else await insertSection(tx, fields);
        const before = current ? audited({ ...current, premiumEntitlement: current.premium_entitlement }) : null;
        await recordChange(tx, {
          actor,
          area: 'section',
          subject: fields.slug,
          action: current ? 'update' : 'create',
          before,
          after: audited(fields),
        });
        await announceChange(tx);
        return { ok: true, slug: fields.slug };
      });
    } catch (error) {
      if (isViolation(error, '23505')) return { ok: false, errors: { slug: SLUG_TAKEN } };
      throw error;
    }
    if (result?.ok) await deps.onChange();
    return result;
  }

  return {
    async list(actor) {
      authorize(actor, 'editContent');
      return listSections(db);
    },
    async section(actor, slug) {
      authorize(actor, 'editContent');
      return (await listSections(db)).find((s) => s.slug === slug) ?? null;
    },
    create: async (actor, fields) => (await save(actor, null, fields)) ?? { ok: false, errors: {} },
    update: (actor, slug, fields) => save(actor, slug, fields),
    async move(actor, slug, by) {
      authorize(actor, 'editContent');
      const moved = await db.transaction().execute(async (tx) => {
        await lockSections(tx);
        const order = await sectionOrder(tx);
        if (!order.includes(slug)) return null;
        const next = moveSlug(order, slug, by);
        await writeSectionOrder(tx, next);
        await recordChange(tx, { actor, area: 'section', subject: slug, action: 'reorder', before: { order }, after: { order: next } });
        await announceChange(tx);
        return true as const;
      });
      if (moved) await deps.onChange();
      return moved;
    },
    async remove(actor, slug) {
      authorize(actor, 'editContent');
      const refused = {
        ok: false,
        message: 'This section still has articles (drafts and unpublished ones count): move them to another section first.',
      } as const;
      let result: SectionDeleteResult | null;
      try {
        result = await db.transaction().execute(async (tx): Promise<SectionDeleteResult | null> => {
          await lockSections(tx);
          const current = await findSectionRow(tx, slug);
          if (!current) return null;
          if (await sectionHasArticles(tx, slug)) return refused;
          await deleteSection(tx, slug);
          await recordChange(tx, {
            actor,
            area: 'section',
            subject: slug,
            action: 'delete',
            before: audited({ ...current, premiumEntitlement: current.premium_entitlement }),
            after: null,
          });
          await announceChange(tx);
          return { ok: true };
        });
      } catch (error) {
        // An article filed under it between the check and the delete.
        if (isViolation(error, '23503')) return refused;
        throw error;
      }
      if (result?.ok) await deps.onChange();
      return result;
    },
  };
}
