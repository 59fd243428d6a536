import type { Db } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { recordChange } from '../audit/audit.js';
import { announceChange } from '../site/changes.js';
import { authorClashes, bylinesOf, findAuthorById, insertAuthor, listAuthors, updateAuthor } from './author-queries.js';
import { checkAuthorFields, type Author, type AuthorFields } from './authors.js';

export type AuthorSaveResult = { ok: true; id: number } | { ok: false; errors: Record<string, string> } | { ok: false; notFound: true };

/** What the audit log keeps of an author: the fields that matter. */
const audited = (a: AuthorFields) => ({ slug: a.slug, name: a.name, bio: a.bio, photoUrl: a.photoUrl, links: a.links });

/** Unique violation (SQLSTATE 23505), as both engines report it. */
const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

/**
 * The newsroom's authors (policy `editContent` on every call). A change of name is carried into the bylines
 * of the author's articles; each change is recorded in the audit log inside its transaction.
 */
export function createAuthorService(deps: { db: Db; now: () => Date; onChange: () => void | Promise<void> }) {
  const { db, now } = deps;

  async function clashErrors(db: Db, fields: AuthorFields, exceptId: number | null): Promise<Record<string, string>> {
    const clash = await authorClashes(db, fields, exceptId);
    return {
      ...(clash.slug ? { slug: 'Another author has this slug: choose another.' } : {}),
      ...(clash.name ? { name: 'Another author has this name: add an initial to tell them apart.' } : {}),
    };
  }

  async function guarded(work: () => Promise<AuthorSaveResult>): Promise<AuthorSaveResult> {
    try {
      const result = await work();
      if (result.ok) await deps.onChange();
      return result;
    } catch (error) {
      // Someone took the name or slug between our check and the write.
      if (isUniqueViolation(error)) return { ok: false, errors: { slug: 'Another author has this slug or name: choose another.' } };
      throw error;
    }
  }

  return {
    async list(actor: Actor, options: { search?: string | undefined; after?: { name: string; id: number } | undefined; limit: number }) {
      authorize(actor, 'editContent');
      return listAuthors(db, options);
    },
    /** The bylines (name and page) of these names, for a preview. */
    async bylines(actor: Actor, names: readonly string[]) {
      authorize(actor, 'editContent');
      return bylinesOf(db, names);
    },
    async author(actor: Actor, id: number): Promise<Author | null> {
      authorize(actor, 'editContent');
      return findAuthorById(db, id);
    },
    async create(actor: Actor, fields: AuthorFields): Promise<AuthorSaveResult> {
      authorize(actor, 'editContent');
      const errors = checkAuthorFields(fields);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      return guarded(() =>
        db.transaction().execute(async (tx): Promise<AuthorSaveResult> => {
          const clashes = await clashErrors(tx, fields, null);
          if (Object.keys(clashes).length > 0) return { ok: false, errors: clashes };
          const id = await insertAuthor(tx, fields, now());
          await recordChange(tx, {
            actor,
            area: 'authors',
            subject: `author:${id}`,
            action: 'create',
            before: null,
            after: audited(fields),
          });
          await announceChange(tx);
          return { ok: true, id };
        }),
      );
    },
    async update(actor: Actor, id: number, fields: AuthorFields): Promise<AuthorSaveResult> {
      authorize(actor, 'editContent');
      const errors = checkAuthorFields(fields);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      return guarded(() =>
        db.transaction().execute(async (tx): Promise<AuthorSaveResult> => {
          const before = await findAuthorById(tx, id);
          if (!before) return { ok: false, notFound: true };
          const clashes = await clashErrors(tx, fields, id);
          if (Object.keys(clashes).length > 0) return { ok: false, errors: clashes };
          await updateAuthor(tx, before, fields, now());
          await recordChange(tx, {
            actor,
            area: 'authors',
            subject: `author:${id}`,
            action: 'update',
            before: audited(before),
            after: audited(fields),
          });
          await announceChange(tx);
          return { ok: true, id };
        }),
      );
    },
  };
}

export type AuthorService = ReturnType<typeof createAuthorService>;
