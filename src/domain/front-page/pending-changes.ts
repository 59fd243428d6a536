import type { Db, Tx } from '../ports/database.js';
import type { Actor } from '../policies/policies.js';

// Stand-ins for the lead's src/domain/audit/audit.ts (recordChange) and src/domain/site/changes.ts
// (announceChange), same signatures; replaced by them once main has them.
export async function recordChange(
  _db: Db | Tx,
  _entry: {
    actor: Actor;
    area: string;
    subject: string;
    action: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  },
): Promise<void> {}
export async function announceChange(_db: Db | Tx): Promise<void> {}
