import type { Db, Tx } from '../ports/database.js';
import type { Actor } from '../policies/policies.js';

/**
 * Stand-in for `recordChange` of src/domain/audit/audit.ts (being added on main), with its signature: the
 * newsroom's authors and corrections call it inside the transaction of each change. Replaced by an import of
 * the real one when it lands.
 */
export async function recordChange(
  _db: Db | Tx,
  _entry: { actor: Actor; area: string; subject: string; action: string; before: unknown; after: unknown },
): Promise<void> {
  // Nothing to write until the audit log exists.
}
