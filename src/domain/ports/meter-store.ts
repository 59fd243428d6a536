/**
 * Where anonymous readers' meters live: on the server, keyed by the reader id the server issued, never in
 * the cookie itself (so an edited, replayed or raced cookie buys nothing). In process for one instance,
 * in Redis or the database when several instances must see the same count.
 */
export interface MeterStore {
  /** The metered articles `readerId` read in `period`, oldest first; empty when none. */
  read(readerId: string, period: string): Promise<readonly number[]>;
  /**
   * Records a read of `articleId` atomically: a reread leaves the meter as it is; a new article is added
   * only while fewer than `limit` are recorded. Returns the meter after the call, or null when the meter
   * was full and the article new (the read must be denied). Concurrent calls never exceed `limit`.
   */
  charge(readerId: string, period: string, articleId: number, limit: number): Promise<readonly number[] | null>;
  close(): Promise<void>;
}

/** How long a meter is kept after its last read: the month it counts, plus the few days late requests may take. */
export const METER_TTL_SECONDS = 40 * 24 * 3600;
