import type { Db } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { auditAreas, insertChange, listChanges } from './queries.js';

/**
 * The audit log: who changed what, when, before → after. Use cases call `recordChange` inside the transaction
 * of the change they make, so a change and its entry are written together or not at all.
 */

/** What part of the publication a change touched (a lowercase word: `article`, `section`, `settings`, `plan`…). */
export type AuditArea = string;

export interface ChangeEntry {
  actor: Actor;
  area: AuditArea;
  /** What was changed, as staff would name it: an article's slug, a plan's name, a setting's group. */
  subject: string;
  /** `create`, `update`, `delete`, `publish`… */
  action: string;
  /** The fields that matter before the change (null when it created the thing). */
  before: Record<string, unknown> | null;
  /** …and after it (null when it deleted the thing). */
  after: Record<string, unknown> | null;
}

export interface AuditRecord {
  id: number;
  at: Date;
  /** Who made it: null for no account (the command line, the wire), or an account since deleted. */
  user: { id: number; name: string; email: string; role: string } | null;
  area: AuditArea;
  subject: string;
  action: string;
  /** Each field that changed, with its value before and after (null where there was none). */
  changes: { field: string; before: unknown; after: unknown }[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Of two versions of a thing, only the fields that differ (both sides), so the log shows the change and not
 * the whole record. A field absent on one side is null there.
 */
export function changedFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): { field: string; before: unknown; after: unknown }[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return fields
    .map((field) => ({ field, before: before?.[field] ?? null, after: after?.[field] ?? null }))
    .filter((change) => !same(change.before, change.after));
}

/** Writes one entry of the audit log (call it on the change's own transaction). Only the changed fields are kept. */
export async function recordChange(db: Db, entry: ChangeEntry, at = new Date()): Promise<void> {
  const changes = changedFields(entry.before, entry.after);
  const side = (which: 'before' | 'after', present: boolean) =>
    present ? Object.fromEntries(changes.map((c) => [c.field, c[which]])) : null;
  await insertChange(db, {
    at,
    userId: entry.actor.kind === 'user' ? entry.actor.id : null,
    area: entry.area,
    subject: entry.subject,
    action: entry.action,
    before: side('before', entry.before !== null),
    after: side('after', entry.after !== null),
  });
}

export const AUDIT_PAGE = 50;

/** The audit log as admins read it (policy `viewAuditLog` on every call). */
export interface AuditLog {
  /** The newest entries (all areas, or one), before the entry with id `before` when given: a keyset page. */
  list(actor: Actor, options: { area?: AuditArea | undefined; before?: number | undefined; limit?: number }): Promise<AuditRecord[]>;
  /** The areas that have entries, for the log's filter. */
  areas(actor: Actor): Promise<string[]>;
}

export function createAuditLog(db: Db): AuditLog {
  return {
    async list(actor, options) {
      authorize(actor, 'viewAuditLog');
      const stored = await listChanges(db, { ...options, limit: options.limit ?? AUDIT_PAGE });
      return stored.map(({ before, after, ...entry }) => ({ ...entry, changes: changedFields(before, after) }));
    },
    areas(actor) {
      authorize(actor, 'viewAuditLog');
      return auditAreas(db);
    },
  };
}
