import type { JobQueue } from '../ports/job-queue.js';
import type { BillingNotify } from './billing-emails.js';
import type { FindReaders } from './readers.js';

/** What applying billing events needs besides the transaction: grace, emails, readers, jobs, the publisher's zone. */
export interface BillingRules {
  graceDays: number;
  /** Billing emails, queued in the transaction of the change they report. */
  notify: BillingNotify;
  /** The accounts module's lookup of a reader, for the name and email on invoices. */
  findReaders: FindReaders;
  /** The durable job queue: work queued in a transaction runs after it commits (a refund asked of the gateway). */
  jobs: JobQueue;
  /** The publisher's time zone: terms are counted on its calendar (`addTerm`). IST when not given. */
  timeZone?: string;
}
