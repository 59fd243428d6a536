import { runBillingSweep } from '../domain/billing/sweep.js';
import { createJobRunner, scheduleRecurring, type JobHandler } from '../jobs/runner.js';
import type { AppContext } from '../context.js';
import { sendBillingEmail } from './billing-emails.js';

const SWEEP_EVERY_MS = 5 * 60 * 1000;

/** The handlers of every job kind, for the runner (and for tests that run jobs by hand). */
export function jobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    'billing-sweep': async () => {
      await ctx.billing.service.applyStoredWebhooks();
      await runBillingSweep(ctx.billing.deps);
      await scheduleRecurring(ctx.db, 'billing-sweep', SWEEP_EVERY_MS, ctx.now());
    },
    'billing-email': (payload) => sendBillingEmail(ctx, payload),
  };
}

/** The durable job runner with Masthead's jobs: renewals, notices, dunning, reconciliation, emails. */
export function createJobs(ctx: AppContext) {
  const runner = createJobRunner({
    db: ctx.db,
    handlers: jobHandlers(ctx),
    now: ctx.now,
    log: (message, fields) => console.error(`jobs: ${message}`, fields ?? ''),
  });
  return {
    async start() {
      await scheduleRecurring(ctx.db, 'billing-sweep', SWEEP_EVERY_MS, ctx.now());
      runner.start();
    },
    stop: () => runner.stop(),
    runDue: () => runner.runDue(),
  };
}
