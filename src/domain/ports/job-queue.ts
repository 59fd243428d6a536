import type { Db } from './database.js';

/**
 * The durable job queue as the domain uses it: work to run after the caller's transaction commits, and
 * again after a crash until it succeeds. A job with a `uniqueKey` that was ever queued is not queued
 * again, which makes queuing idempotent.
 */
export interface JobQueue {
  /** Queues a job in `db`'s transaction (it runs once that commits); false when `uniqueKey` was queued before. */
  enqueue(db: Db, job: { kind: string; payload: object; uniqueKey?: string | undefined; runAt?: Date | undefined }): Promise<boolean>;
}
