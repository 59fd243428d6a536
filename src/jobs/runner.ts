/**
 * A durable job runner on the `jobs` table. Jobs are rows, so they survive restarts; any number of
 * processes may run a runner on the same database. Delivery is at-least-once: a handler may run again
 * after a crash or an expired lease, so handlers must be idempotent.
 *
 * Lifecycle of a job: claimed (lease taken, `attempts + 1`) in a short transaction → handler runs outside
 * it → on success `done_at` is set; on failure `last_error` is recorded and it is retried after
 * 30 s × 2^(attempt − 1), capped at 1 h; after `maxAttempts` it is left failed: `done_at` null and
 * `run_at = 'infinity'` (see `queries.ts`). A job whose kind this runner does not know counts as a failure
 * (so a newer instance that knows the kind can still pick it up on a retry); a payload that does not match
 * its kind's schema fails for good at once, since running it again cannot change it.
 */
import type { Db } from '../domain/ports/database.js';
import { claimDueJobs, enqueueJob, markJobDone, markJobFailed, type ClaimedJob } from './queries.js';
import { jobRegistry, payloadProblem, type JobKind } from './registry.js';

export { enqueueJob, pendingJobs, failedJobs } from './queries.js';

export interface JobRunnerOptions {
  db: Db;
  kinds: readonly JobKind[];
  now?: () => Date;
  /** Delay between polls in `start()` mode (default 5000 ms). */
  pollMs?: number;
  /** Jobs claimed (and run concurrently) per round (default 10). */
  batch?: number;
  /** How long a claim holds a job before another worker may take it over (default 5 min). */
  leaseMs?: number;
  /** Attempts before a job is left failed (default 8). */
  maxAttempts?: number;
  log?: (msg: string, fields?: object) => void;
}

export interface JobRunner {
  /** Runs every job due now, batch by batch, once each; returns how many were attempted (succeeded or failed). */
  runDue(): Promise<number>;
  /** Polls every `pollMs` on an unref'd timer (first poll at once); runs never overlap; errors are logged. */
  start(): void;
  /** Stops polling and resolves when the run in progress (if any) has finished. */
  stop(): Promise<void>;
  /** Runs at once instead of at the next poll (a job was just queued); a run in progress goes round once more. */
  wake(): void;
}

const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;

/** Delay before retry number `attempt + 1`: 30 s × 2^(attempt − 1), at most 1 h. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
}

/** Creates a runner for `handlers` (keyed by job kind). */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db } = options;
  const registry = jobRegistry(options.kinds);
  const now = options.now ?? (() => new Date());
  const pollMs = options.pollMs ?? 5000;
  const batch = options.batch ?? 10;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const log = options.log ?? (() => undefined);

  async function runOne(job: ClaimedJob): Promise<void> {
    const kind = registry.get(job.kind);
    const problem = kind ? payloadProblem(kind, job.payload) : null;
    try {
      if (!kind) throw new Error(`no handler for job kind "${job.kind}"`);
      if (problem) throw new Error(problem);
      await kind.run(job.payload, { db, now, attempt: job.attempt });
      await markJobDone(db, job.id, now(), { erasePayload: kind.erasePayloadWhenDone?.(job.payload) === true });
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000) || 'error';
      const giveUp = job.attempt >= maxAttempts || problem !== null;
      const retryAt = giveUp ? null : new Date(now().getTime() + backoffMs(job.attempt));
      const current = await markJobFailed(db, job, message, retryAt);
      const fields = { id: job.id, kind: job.kind, attempt: job.attempt, error: message, retryAt: retryAt?.toISOString() };
      if (!current) log('job failed after its lease was taken over; left to the newer run', fields);
      else log(giveUp ? 'job failed for good' : 'job failed; will retry', fields);
    }
  }

  async function run(keepGoing: () => boolean): Promise<number> {
    let ran = 0;
    for (;;) {
      const at = now();
      const claimed = await db.transaction().execute((tx) => claimDueJobs(tx, at, new Date(at.getTime() + leaseMs), batch));
      await Promise.all(
        claimed.map((job) => runOne(job).catch((e: unknown) => log('job bookkeeping failed', { id: job.id, error: String(e) }))),
      );
      ran += claimed.length;
      // A full batch means more may be due. Failed jobs move ≥ 30 s ahead, so this ends.
      if (claimed.length < batch || !keepGoing()) return ran;
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let again = false;

  function tick(): void {
    timer = undefined;
    again = false;
    running = run(() => !stopped)
      .catch((error: unknown) => {
        log('job runner poll failed', { error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        running = undefined;
        if (!stopped) {
          timer = setTimeout(tick, again ? 0 : pollMs);
          timer.unref();
        }
      });
  }

  return {
    runDue: () => run(() => true),
    start() {
      if (!stopped) return;
      stopped = false;
      if (!running) tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
    wake() {
      if (stopped) return;
      if (running) again = true;
      else {
        if (timer) clearTimeout(timer);
        tick();
      }
    },
  };
}

/**
 * Enqueues the next occurrence of a recurring job: the first multiple of `everyMs` (since the epoch) strictly
 * after `now`, with unique key `${kind}@${ISO time of that slot}`, so several instances (or a handler re-arming
 * itself while startup also arms it) create it once. Call at startup and at the end of the job's handler.
 * Returns whether this call created it.
 */
export async function scheduleRecurring(db: Db, kind: string, everyMs: number, now: Date, payload?: object): Promise<boolean> {
  if (!(everyMs > 0)) throw new Error('everyMs must be positive');
  const runAt = new Date((Math.floor(now.getTime() / everyMs) + 1) * everyMs);
  return enqueueJob(db, { kind, payload, runAt, uniqueKey: `${kind}@${runAt.toISOString()}`, now });
}
