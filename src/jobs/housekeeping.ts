import { deleteSpentRefreshTokens } from '../domain/accounts/session-queries.js';
import { deleteMetersBefore } from '../domain/metering/anonymous-meter-queries.js';
import { METER_TTL_SECONDS } from '../domain/ports/meter-store.js';
import type { Db } from '../domain/ports/database.js';
import { deleteFinishedJobsBefore } from './queries.js';

/** How long a finished job is kept for anyone looking into what ran. */
const FINISHED_JOBS_KEPT_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Deletes rows that no longer do anything, so tables that grow with traffic stay the size of what is
 * live: anonymous meters of months over (a meter lives as long as in Redis: its month plus a few days;
 * the month is taken in UTC, which a publisher's own month boundary is never more than a day from),
 * refresh tokens of sessions that ended, and finished jobs past their keeping time.
 */
export async function housekeeping(db: Db, now: Date): Promise<{ meters: number; refreshTokens: number; jobs: number }> {
  const metersFrom = new Date(now.getTime() - METER_TTL_SECONDS * 1000).toISOString().slice(0, 7);
  return {
    meters: await deleteMetersBefore(db, metersFrom),
    refreshTokens: await deleteSpentRefreshTokens(db, now),
    jobs: await deleteFinishedJobsBefore(db, new Date(now.getTime() - FINISHED_JOBS_KEPT_DAYS * DAY_MS)),
  };
}
