import type { Db } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { recordChange } from '../audit/audit.js';
import { announceChange } from '../site/changes.js';
import { CORRECTION_KINDS, CORRECTION_MAX, type Correction, type CorrectionKind } from './model.js';
import { insertCorrection, listCorrections, lockCorrection, touchArticle, updateCorrection } from './correction-queries.js';

/**
 * Corrections and clarifications: appended to an article with the date they were made, shown at its foot in
 * order. Each is a row of its own; none can be deleted, and an edit is recorded in the audit log with the text
 * before and after.
 */

type Refusal = { ok: false; errors: Record<string, string> } | { ok: false; notFound: true };
export type CorrectionResult = { ok: true } | Refusal;
/** An append's outcome: the correction as stored, or why there is none. */
export type AppendResult = { ok: true; correction: Correction } | Refusal;

function check(input: { kind: string; text: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!(CORRECTION_KINDS as readonly string[]).includes(input.kind)) errors.kind = 'Choose correction or clarification.';
  if (input.text === '') errors.text = 'Write what was wrong and what is right.';
  else if (input.text.length > CORRECTION_MAX) errors.text = `Use at most ${CORRECTION_MAX.toLocaleString('en-IN')} characters.`;
  return errors;
}

/**
 * Appending and editing corrections (policy `editContent`). The article's last change moves to now, so every
 * cached copy of its page is replaced.
 */
export function createCorrections(deps: { db: Db; now: () => Date; onChange: () => void | Promise<void> }) {
  const { db, now } = deps;
  return {
    async list(actor: Actor, articleId: number): Promise<Correction[]> {
      authorize(actor, 'editContent');
      return listCorrections(db, articleId);
    },
    async append(actor: Actor, articleId: number, input: { kind: string; text: string }): Promise<AppendResult> {
      authorize(actor, 'editContent');
      return appendCorrection(deps, actor, articleId, input);
    },
    async edit(actor: Actor, articleId: number, correctionId: number, input: { kind: string; text: string }): Promise<CorrectionResult> {
      authorize(actor, 'editContent');
      const errors = check(input);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const at = now();
      const kind = input.kind as CorrectionKind;
      const done = await db.transaction().execute(async (tx) => {
        const before = await lockCorrection(tx, articleId, correctionId);
        if (!before) return false;
        await updateCorrection(tx, correctionId, { kind, text: input.text, at });
        await touchArticle(tx, articleId, at);
        await recordChange(tx, {
          actor,
          area: 'corrections',
          subject: `article:${articleId}/correction:${correctionId}`,
          action: 'update',
          before,
          after: { kind, text: input.text },
        });
        await announceChange(tx);
        return true;
      });
      if (!done) return { ok: false, notFound: true };
      await deps.onChange();
      return { ok: true };
    },
  };
}

/**
 * Appends a correction for a caller that has already decided it may (the corrections service after `editContent`,
 * the wire desk's ingest for an agency's correction).
 */
export async function appendCorrection(
  deps: { db: Db; now: () => Date; onChange: () => void | Promise<void> },
  actor: Actor,
  articleId: number,
  input: { kind: string; text: string },
): Promise<AppendResult> {
  const { db, now } = deps;
  const errors = check(input);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const at = now();
  const kind = input.kind as CorrectionKind;
  const id = await db.transaction().execute(async (tx) => {
    if (!(await touchArticle(tx, articleId, at))) return null;
    const newId = await insertCorrection(tx, {
      articleId,
      kind,
      text: input.text,
      at,
      userId: actor.kind === 'user' ? actor.id : null,
    });
    await recordChange(tx, {
      actor,
      area: 'corrections',
      subject: `article:${articleId}/correction:${newId}`,
      action: 'create',
      before: null,
      after: { kind, text: input.text },
    });
    await announceChange(tx);
    return newId;
  });
  if (id === null) return { ok: false, notFound: true };
  await deps.onChange();
  return { ok: true, correction: { id, articleId, kind, text: input.text, createdAt: at, updatedAt: at } };
}

export type CorrectionsService = ReturnType<typeof createCorrections>;
