import type { Db } from '../ports/database.js';
import type { Catalogue } from './catalogue.js';
import { activeEntitlements } from './queries.js';

/**
 * The device allowance a reader's grants give, as sign-in asks for it: the largest among the allowance entries of the
 * catalogue they hold an active grant for, or null when they hold none. The catalogue is the live one, so a number
 * edited in /admin/entitlements applies at the next sign-in, on every instance.
 */
export function deviceAllowances(catalogue: Pick<Catalogue, 'deviceAllowance'>) {
  return {
    async devicesFor(db: Db, userId: number, now: Date): Promise<number | null> {
      return catalogue.deviceAllowance(await activeEntitlements(db, userId, now));
    },
  };
}
