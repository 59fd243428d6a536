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
import type { Queryable } from '../adapters/db/database.js';

/** A job claimed by a worker: `attempt` is this run's attempt number (1 on the first run). */
export interface ClaimedJob {
  id: number;
  kind: string;
  payload: unknown;
  attempt: number;
}

/**
 * Adds a job. Returns false (and changes nothing) when a job with the same `uniqueKey` already exists,
 * whether it is pending, done or failed: unique keys are never reused, which makes enqueue idempotent.
 */
export async function enqueueJob(
  db: Queryable,
  job: { kind: string; payload?: object; runAt: Date; uniqueKey?: string; now: Date },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into jobs (kind, payload, unique_key, run_at, created_at)
     values ($1, $2::jsonb, $3, $4, $5)
     on conflict (unique_key) do nothing`,
    [job.kind, JSON.stringify(job.payload ?? {}), job.uniqueKey ?? null, job.runAt, job.now],
  );
  return rowCount > 0;
}

/**
 * Claims up to `limit` due, unleased jobs: takes a lease until `leaseUntil` and counts the attempt.
 * `for update skip locked` lets concurrent workers claim disjoint jobs without waiting on each other.
 * Call inside a short transaction; run the handlers after it commits.
 */
export async function claimDueJobs(tx: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedJob[]> {
  const { rows } = await tx.query<{ id: number; kind: string; payload: unknown; attempts: number }>(
    `update jobs set locked_until = $2, attempts = attempts + 1
     where id in (
       select id from jobs
       where done_at is null and run_at <= $1 and (locked_until is null or locked_until < $1)
       order by run_at, id
       limit $3
       for update skip locked)
     returning id, kind, payload, attempts`,
    [now, leaseUntil, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, payload: r.payload, attempt: Number(r.attempts) })).sort((a, b) => a.id - b.id);
}

/** Marks a job done and releases its lease. */
export async function markJobDone(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query(`update jobs set done_at = $2, locked_until = null where id = $1 and done_at is null`, [id, now]);
}

/**
 * Records a failed attempt: retried at `retryAt`, or given up for good when `retryAt` is null (run_at = 'infinity').
 * Only the holder of the latest claim (same attempt number) may write, so a worker whose lease expired and was
 * re-claimed elsewhere cannot reschedule over the newer run. Returns false when the claim was stale.
 */
export async function markJobFailed(db: Queryable, job: ClaimedJob, error: string, retryAt: Date | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `update jobs set last_error = $3, locked_until = null, run_at = coalesce($4::timestamptz, 'infinity'::timestamptz)
     where id = $1 and attempts = $2 and done_at is null`,
    [job.id, job.attempt, error, retryAt],
  );
  return rowCount > 0;
}

/** Number of jobs still to run (pending or running, not done, not failed): for the admin dashboard. */
export async function pendingJobs(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>(
    `select count(*) as n from jobs where done_at is null and run_at <> 'infinity'::timestamptz`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Number of jobs that gave up after maxAttempts (see `last_error`): for the admin dashboard. */
export async function failedJobs(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>(
    `select count(*) as n from jobs where done_at is null and run_at = 'infinity'::timestamptz`,
  );
  return Number(rows[0]?.n ?? 0);
}
