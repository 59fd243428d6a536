import { sql } from 'kysely';
import { meterPeriod } from '../metering/period.js';
import type { Db, Tx } from '../ports/database.js';

/**
 * A reader's monthly allowance of one kind: how many of a thing they may make in a calendar month of the publisher's
 * time zone (`monthly_allowances`: migration 038). Each kind keeps its own count: a gift link uses none of the month's
 * e-paper shares, nor the reverse, even where one setting caps both.
 */
export type AllowanceKind = 'gift-link' | 'epaper-share';

/** Whose allowance, of which kind, in which month (`YYYY-MM`). */
export interface AllowanceMonth {
  userId: number;
  kind: AllowanceKind;
  period: string;
}

/** The reader's allowance of `kind` for the month `at` falls in, in `timeZone`. */
export const allowanceMonth = (userId: number, kind: AllowanceKind, at: Date, timeZone: string): AllowanceMonth => ({
  userId,
  kind,
  period: meterPeriod(at, timeZone),
});

/** A locked allowance: how many the reader used this month, and `take` to count one more. */
export interface LockedAllowance {
  used: number;
  take(): Promise<void>;
}

/**
 * Locks the reader's count for the month (made if missing) to the end of `tx`: a second request of the same reader
 * waits here, then sees what the first one made and counted, so concurrent requests never pass the cap.
 */
export async function lockAllowance(tx: Tx, month: AllowanceMonth): Promise<LockedAllowance> {
  const { userId, kind, period } = month;
  await tx
    .insertInto('monthly_allowances')
    .values({ user_id: userId, kind, period, used: 0 })
    .onConflict((oc) => oc.columns(['user_id', 'kind', 'period']).doNothing())
    .execute();
  const row = await tx
    .selectFrom('monthly_allowances')
    .select('used')
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('period', '=', period)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return {
    used: row.used,
    async take() {
      await tx
        .updateTable('monthly_allowances')
        .set({ used: sql<number>`used + 1` })
        .where('user_id', '=', userId)
        .where('kind', '=', kind)
        .where('period', '=', period)
        .execute();
    },
  };
}

/** How many the reader used of the month's allowance (0 when none), without a lock: for showing what is left. */
export async function allowanceUsed(db: Db, month: AllowanceMonth): Promise<number> {
  const row = await db
    .selectFrom('monthly_allowances')
    .select('used')
    .where('user_id', '=', month.userId)
    .where('kind', '=', month.kind)
    .where('period', '=', month.period)
    .executeTakeFirst();
  return row?.used ?? 0;
}

/** Erases every count of the reader's allowances (account deletion). */
export async function deleteAllowancesOf(tx: Tx, userId: number): Promise<void> {
  await tx.deleteFrom('monthly_allowances').where('user_id', '=', userId).execute();
}
