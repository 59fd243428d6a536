import type { Db } from '../ports/database.js';
import { notify } from './queries.js';

/**
 * Announces that something readers see has changed (an article published, a setting saved): a NOTIFY on this
 * channel, delivered when the caller's transaction commits, tells every instance to drop its caches and reload
 * its settings (`AppContext.refresh`). Changes are rare; every instance refreshes everything.
 */
export const CHANGES_CHANNEL = 'masthead_changes';

export async function announceChange(db: Db): Promise<void> {
  await notify(db, CHANGES_CHANNEL);
}
