import type { BillingEmailJob } from '../domain/billing/billing-emails.js';
import type { BillingService } from '../domain/billing/service.js';
import type { Clock } from '../domain/ports/clock.js';
import type { Db } from '../domain/ports/database.js';
import { createJobRunner, scheduleRecurring, type JobHandler } from './runner.js';

const SWEEP_EVERY_MS = 5 * 60 * 1000;

/** What Masthead's jobs run against: the database the runner claims from, the clock, and the services. */
export interface JobServices {
  db: Db;
  now: Clock;
  billing: { service: BillingService };
}

/** The handlers of every job kind, for the runner (and for tests that run jobs by hand). */
export function jobHandlers(services: JobServices): Record<string, JobHandler> {
  const billing = services.billing.service;
  return {
    // Stored webhooks whose processing failed first (they are idempotent), then the sweep; then the next run.
    'billing-sweep': async () => {
      await billing.applyStoredWebhooks();
      await billing.runSweep();
      await scheduleRecurring(services.db, 'billing-sweep', SWEEP_EVERY_MS, services.now());
    },
    'billing-email': (payload: BillingEmailJob) => billing.sendEmail(payload),
  };
}

/** The durable job runner with Masthead's jobs: renewals, notices, dunning, reconciliation, emails. */
export function createJobs(services: JobServices) {
  const runner = createJobRunner({
    db: services.db,
    handlers: jobHandlers(services),
    now: services.now,
    log: (message, fields) => console.error(`jobs: ${message}`, fields ?? ''),
  });
  return {
    async start() {
      await scheduleRecurring(services.db, 'billing-sweep', SWEEP_EVERY_MS, services.now());
      runner.start();
    },
    stop: () => runner.stop(),
    runDue: () => runner.runDue(),
  };
}
