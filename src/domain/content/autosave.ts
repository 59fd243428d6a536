import type { Db } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { articleExists, deleteAutosave, findAutosave, upsertAutosave } from './autosave-queries.js';

/**
 * Autosaves: the article form as one editor typed it, kept per editor and article (a new article's under
 * none), without a version or a revision, so it never conflicts with anyone's save. The editor offers it when
 * it is newer than the article's last save; a save of the article (or "Discard") removes it.
 */

export interface Autosave {
  values: Record<string, string>;
  savedAt: Date;
}

/** At most this many fields, each at most this long: the article form's own limits, with room. */
const MAX_FIELDS = 40;
const MAX_VALUE = 250_000;

/** The form's values that may be kept: strings only, bounded. */
export function keepableValues(input: Record<string, unknown>): Record<string, string> | null {
  const entries = Object.entries(input).filter(([k]) => k !== '_csrf' && k !== 'article');
  if (entries.length > MAX_FIELDS) return null;
  const values: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string' || value.length > MAX_VALUE || key.length > 40) return null;
    values[key] = value;
  }
  return values;
}

export function createAutosaves(deps: { db: Db; now: () => Date }) {
  const { db } = deps;
  const userOf = (actor: Actor) => {
    authorize(actor, 'editContent');
    return actor.kind === 'user' ? actor.id : 0;
  };
  return {
    /** Keeps `values` as this editor's autosave of the article (null: a new one); false when the article is gone. */
    async save(actor: Actor, articleId: number | null, values: Record<string, string>): Promise<Date | false> {
      const userId = userOf(actor);
      const at = deps.now();
      if (articleId !== null && !(await articleExists(db, articleId))) return false;
      await upsertAutosave(db, userId, articleId, values, at);
      return at;
    },
    async find(actor: Actor, articleId: number | null): Promise<Autosave | null> {
      return findAutosave(db, userOf(actor), articleId);
    },
    async discard(actor: Actor, articleId: number | null): Promise<void> {
      await deleteAutosave(db, userOf(actor), articleId);
    },
  };
}

export type AutosaveService = ReturnType<typeof createAutosaves>;
