import type { Db } from '../../domain/ports/database.js';
import type { Actor } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';

/** One change to the business settings, as the audit log records it. */
export interface BusinessChange {
  actor: Actor;
  area: 'copy' | 'paywall' | 'plans';
  subject: string;
  action: string;
  before: unknown;
  after: unknown;
}

/**
 * Called inside the transaction of every change to copy, paywall settings and plans: records it in the audit
 * log and announces it, so every instance reloads its settings when the transaction commits.
 */
export async function recordBusinessChange(tx: Db, change: BusinessChange): Promise<void> {
  // Wired to recordChange (src/domain/audit/audit.ts) and announceChange (src/domain/site/changes.ts) once they are on main.
  void tx;
  void change;
}

/** After a committed change: this instance applies it at once (the others on the announcement). */
export async function applyBusinessChange(ctx: AppContext): Promise<void> {
  await ctx.business.reload();
}
