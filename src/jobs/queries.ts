/**
 * SQL for the durable job queue (table `jobs`, migration 004).
 *
 * Row states:
 * - pending:   `done_at is null and run_at <> 'infinity'` (due when `run_at <= now`)
 * - running:   pending with `locked_until >= now` (a worker holds the lease)
 * - done:      `done_at is not null`
 * - failed:    `done_at is null and run_at = 'infinity'`: gave up after maxAttempts; `last_error` says why.
 *              Retry by hand with `update jobs set run_at = now(), attempts = 0 where id = …`.
 *
 * All times come from the caller's clock (never SQL `now()`), so tests can drive them.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../domain/ports/database.js';
import type { JobQueue } from '../domain/ports/job-queue.js';

/** A job claimed by a worker: `attempt` is this run's attempt number (1 on the first run). */
export interface ClaimedJob {
  id: number;
  kind: string;
  payload: unknown;
  attempt: number;
}

const GAVE_UP = sql<Date>`'infinity'::timestamptz`;

/** The channel a queued job is announced on (NOTIFY, delivered when its transaction commits) to wake runners. */
export const JOBS_CHANNEL = 'masthead_jobs';

/** The queue as the domain's JobQueue port: jobs due now unless they say otherwise, on the given clock. */
export function jobQueue(now: () => Date): JobQueue {
  return {
    enqueue: (db, job) => enqueueJob(db, { ...job, runAt: job.runAt ?? now(), now: now() }),
  };
}

/**
 * Adds a job. Returns false (and changes nothing) when a job with the same `uniqueKey` already exists,
 * whether it is pending, done or failed: unique keys are never reused, which makes enqueue idempotent.
 */
export async function enqueueJob(
  db: Db,
  job: { kind: string; payload?: object | undefined; runAt: Date; uniqueKey?: string | undefined; now: Date },
): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values({
      kind: job.kind,
      payload: JSON.stringify(job.payload ?? {}),
      unique_key: job.uniqueKey ?? null,
      run_at: job.runAt,
      created_at: job.now,
    })
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .executeTakeFirst();
  const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  // Delivered to listening runners when the transaction commits, so they run it at once rather than at the next poll.
  if (added) await sql`select pg_notify(${JOBS_CHANNEL}, ${job.kind})`.execute(db);
  return added;
}

/**
 * Claims up to `limit` due, unleased jobs: takes a lease until `leaseUntil` and counts the attempt.
 * `for update skip locked` lets concurrent workers claim disjoint jobs without waiting on each other.
 * Call inside a short transaction; run the handlers after it commits.
 */
export async function claimDueJobs(tx: Tx, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedJob[]> {
  const rows = await tx
    .updateTable('jobs')
    .set((eb) => ({ locked_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where('done_at', 'is', null)
        .where('run_at', '<=', now)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', now)]))
        .orderBy('run_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'kind', 'payload', 'attempts'])
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, payload: r.payload, attempt: r.attempts })).sort((a, b) => a.id - b.id);
}

/** Marks a job done and releases its lease; `erasePayload` blanks a payload that must not be kept. */
export async function markJobDone(db: Db, id: number, now: Date, options: { erasePayload?: boolean } = {}): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ done_at: now, locked_until: null, ...(options.erasePayload ? { payload: '{}' } : {}) })
    .where('id', '=', id)
    .where('done_at', 'is', null)
    .execute();
}

/**
 * Records a failed attempt: retried at `retryAt`, or given up for good when `retryAt` is null (run_at = 'infinity').
 * Only the holder of the latest claim (same attempt number) may write, so a worker whose lease expired and was
 * re-claimed elsewhere cannot reschedule over the newer run. Returns false when the claim was stale.
 */
export async function markJobFailed(db: Db, job: ClaimedJob, error: string, retryAt: Date | null): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ last_error: error, locked_until: null, run_at: retryAt ?? GAVE_UP })
    .where('id', '=', job.id)
    .where('attempts', '=', job.attempt)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Number of jobs still to run (pending or running, not done, not failed): for the admin dashboard. */
export async function pendingJobs(db: Db): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('done_at', 'is', null)
    .where('run_at', '<>', GAVE_UP)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Number of jobs that gave up after maxAttempts (see `last_error`): for the admin dashboard. */
export async function failedJobs(db: Db): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('done_at', 'is', null)
    .where('run_at', '=', GAVE_UP)
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Deletes jobs finished before `before`. A job with a unique key stays (the key keeps a later enqueue of
 * the same work from running it twice), except a recurring job's slot (`kind@time`): that slot is past.
 */
export async function deleteFinishedJobsBefore(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where('done_at', '<', before)
    .where((eb) =>
      eb.or([
        eb('unique_key', 'is', null),
        // The key scheduleRecurring gives a slot: `${kind}@${runAt.toISOString()}`.
        eb('unique_key', '=', sql<string>`kind || '@' || to_char(run_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
