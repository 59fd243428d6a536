import { recordChange } from '../audit/audit.js';
import { DomainError } from '../errors.js';
import { announceChange } from '../site/changes.js';
import type { Db, Tx } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { applyAction, checkArticleFields, FIELD_NAMES, type ArticleFields, type NewsroomArticle, type SaveAction } from './newsroom.js';
import {
  articleIdWithSlug,
  findNewsroomArticle,
  findRevision,
  insertArticle,
  insertRevision,
  listNewsroomArticles,
  listRevisions,
  countPublishedBetween,
  moveSlug,
  updateArticleAt,
  type NewsroomFilters,
  type NewsroomSummary,
  type Revision,
} from './newsroom-queries.js';
import { listSections } from './queries.js';
import { setBylines } from './author-queries.js';
import { deleteAutosave } from './autosave-queries.js';
import { createAuthorService, type AuthorService } from './author-service.js';
import { createAutosaves, type AutosaveService } from './autosave.js';
import { createCorrections, type CorrectionsService } from './corrections.js';

/** The outcome of a save: the article's id and new version, or what stopped it (nothing was written then). */
export type SaveResult =
  | { ok: true; id: number; version: number }
  | { ok: false; kind: 'invalid'; errors: Record<string, string> }
  /** Someone saved the article since the editor opened it: `current` is what they saved. */
  | { ok: false; kind: 'conflict'; current: NewsroomArticle };

export interface SaveInput {
  id: number | null;
  version: number | null;
  fields: ArticleFields;
  action: SaveAction;
  /** "Show as updated": a substantive update of a published article; readers see "Updated <now>". */
  showUpdated?: boolean | undefined;
}

export interface NewsroomService {
  list(actor: Actor, filters: Omit<NewsroomFilters, 'now'>): Promise<NewsroomSummary[]>;
  article(actor: Actor, id: number): Promise<NewsroomArticle | null>;
  revisions(actor: Actor, id: number): Promise<Revision[]>;
  revision(actor: Actor, id: number, revisionId: number): Promise<Revision | null>;
  /** Creates (`id` null) or saves an article over `version`, then does `action`; every save keeps a revision. */
  save(actor: Actor, input: SaveInput): Promise<SaveResult>;
  /** Puts a revision's fields back over `version` (a new revision; the status and publication time stay). */
  restore(actor: Actor, id: number, revisionId: number, version: number): Promise<SaveResult | null>;
  /** The premium stories of a day ([start, end)): out by now, and scheduled for later in it. */
  premiumCount(actor: Actor, day: { start: Date; end: Date }): Promise<{ out: number; scheduled: number }>;
  /** The people in bylines. */
  authors: AuthorService;
  /** Corrections and clarifications appended to articles. */
  corrections: CorrectionsService;
  /** Each editor's autosaved copy of the form. */
  autosaves: AutosaveService;
}

const REVISIONS_SHOWN = 50;
const SLUG_TAKEN = 'Another article has this slug: choose another.';

/** Unique violation (SQLSTATE 23505), as both engines report it. */
const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

/**
 * Writing, scheduling, publishing and unpublishing articles (policy `editContent` on every call; refusals read
 * as not found). Every write is audit-logged and announced: readers' caches in this process are dropped at once
 * (`onChange`), other instances' when the announcement reaches them.
 */
export function createNewsroomService(deps: WriterDeps): NewsroomService {
  const { db, now } = deps;
  const writer = createArticleWriter(deps);
  const save = (actor: Actor, input: SaveInput): Promise<SaveResult> => {
    authorize(actor, 'editContent');
    return writer.save(actor, input);
  };

  return {
    async list(actor, filters) {
      authorize(actor, 'editContent');
      return listNewsroomArticles(db, { ...filters, now: now() });
    },
    async article(actor, id) {
      authorize(actor, 'editContent');
      return findNewsroomArticle(db, id);
    },
    async revisions(actor, id) {
      authorize(actor, 'editContent');
      return listRevisions(db, id, REVISIONS_SHOWN);
    },
    async revision(actor, id, revisionId) {
      authorize(actor, 'editContent');
      return findRevision(db, id, revisionId);
    },
    async premiumCount(actor, day) {
      authorize(actor, 'editContent');
      return countPublishedBetween(db, { visibility: 'premium', from: day.start, to: day.end, now: now() });
    },
    save,
    async restore(actor, id, revisionId, version) {
      authorize(actor, 'editContent');
      const revision = await findRevision(db, id, revisionId);
      if (!revision) return null;
      return save(actor, { id, version, fields: revision.fields, action: { kind: 'restore' } });
    },
    authors: createAuthorService(deps),
    corrections: createCorrections(deps),
    autosaves: createAutosaves(deps),
  };
}

/**
 * Saves articles for a caller that has already decided it may: the newsroom service (after `editContent`) and the
 * wire desk's ingest (the agency's settings decide). Every save keeps a revision, is audit-logged as `actor`, and
 * is announced, exactly as an editor's.
 */
export interface WriterDeps {
  db: Db;
  now: () => Date;
  onChange: () => Promise<void>;
  /** Runs in the save's transaction with the article's new stored status (the wire desk follows an editor's publishing). */
  afterSave?: (tx: Tx, saved: { id: number; status: NewsroomArticle['status'] }) => Promise<void>;
}

export function createArticleWriter(deps: WriterDeps): {
  save(actor: Actor, input: SaveInput): Promise<SaveResult>;
} {
  const { db, now } = deps;

  async function save(actor: Actor, input: SaveInput): Promise<SaveResult> {
    const userId = actor.kind === 'user' ? actor.id : null;
    const at = now();
    let result: SaveResult;
    try {
      result = await db.transaction().execute(async (tx): Promise<SaveResult> => {
        const current = input.id === null ? null : await findNewsroomArticle(tx, input.id);
        if (input.id !== null && !current) throw new DomainError('not-found', 'There is no such article.');
        if (current && current.version !== input.version) return { ok: false, kind: 'conflict', current };
        const state = applyAction(current, input.action, at, input.fields.embargoUntil);
        const sections = new Set((await listSections(tx)).map((s) => s.slug));
        const checked = checkArticleFields(input.fields, sections, { draft: !state.ok || state.status !== 'published' });
        const errors: Record<string, string> = {
          ...(checked.ok ? {} : checked.errors),
          ...(state.ok ? {} : { [state.field]: state.message }),
        };
        if (!errors.slug && (await articleIdWithSlug(tx, input.fields.slug, current?.id ?? null)) !== null) errors.slug = SLUG_TAKEN;
        if (Object.keys(errors).length > 0 || !state.ok) return { ok: false, kind: 'invalid', errors };

        // "Updated" is shown only for an article readers already had at its publication time.
        const onSite = state.status === 'published' && state.publishedAt !== null && state.publishedAt <= at;
        const change = { ...state, shownUpdatedAt: input.showUpdated && onSite && current?.status === 'published' ? at : undefined };
        let id: number;
        let version: number;
        if (current) {
          const next = await updateArticleAt(tx, current.id, current.version, input.fields, change);
          if (next === null) return { ok: false, kind: 'conflict', current: (await findNewsroomArticle(tx, current.id)) ?? current };
          id = current.id;
          version = next;
        } else {
          id = await insertArticle(tx, input.fields, change);
          version = 1;
        }
        if (!current || current.authors.join('\n') !== input.fields.authors.join('\n'))
          await setBylines(tx, [{ articleId: id, names: input.fields.authors }], at);
        // What this editor had autosaved is now saved (a new article's autosave too).
        if (userId !== null) await deleteAutosave(tx, userId, current ? id : null);
        await moveSlug(tx, id, current?.slug ?? null, input.fields.slug, at);
        const action = current === null && input.action.kind === 'save' ? 'create' : input.action.kind;
        await insertRevision(tx, { articleId: id, version, userId, action, fields: input.fields, at });
        // The text itself is kept in the article's revisions; the log names the revision that changed it.
        const bodyChanged = current !== null && current.body !== input.fields.body;
        const audited = (article: ArticleFields & { status: string; publishedAt: Date | null }, atVersion: number) => ({
          ...Object.fromEntries(FIELD_NAMES.map((field) => [field, article[field]])),
          body: bodyChanged ? `as of version ${atVersion}` : undefined,
          status: article.status,
          publishedAt: article.publishedAt?.toISOString() ?? null,
        });
        await recordChange(
          tx,
          {
            actor,
            area: 'article',
            subject: `#${id} ${input.fields.slug}`,
            action,
            before: current && audited(current, current.version),
            after: audited({ ...input.fields, status: state.status, publishedAt: state.publishedAt }, version),
          },
          at,
        );
        await deps.afterSave?.(tx, { id, status: state.status });
        await announceChange(tx);
        return { ok: true, id, version };
      });
    } catch (error) {
      // Another editor took the slug between our check and the write.
      if (isUniqueViolation(error)) return { ok: false, kind: 'invalid', errors: { slug: SLUG_TAKEN } };
      throw error;
    }
    if (result.ok) await deps.onChange();
    return result;
  }

  return { save };
}
