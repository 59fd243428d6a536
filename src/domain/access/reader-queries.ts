import { sql } from 'kysely';
import { activeEntitlementsQuery } from '../entitlements/queries.js';
import type { MeterState } from '../metering/model.js';
import { readerMeterQuery } from '../metering/reader-meter-queries.js';
import type { Db } from '../ports/database.js';

/** A signed-in reader's entitlements now and meter for `period`, in one statement: every signed-in page asks this. */
export async function loadRegisteredReader(
  db: Db,
  userId: number,
  now: Date,
  period: string,
): Promise<{ entitlements: Set<string>; meter: MeterState }> {
  const row = await db
    .selectNoFrom([
      sql<string[]>`array(${activeEntitlementsQuery(db, userId, now)})`.as('entitlements'),
      readerMeterQuery(db, userId, period).as('read'),
    ])
    .executeTakeFirstOrThrow();
  return { entitlements: new Set(row.entitlements), meter: { period, read: row.read ?? [] } };
}
