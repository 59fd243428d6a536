import { runBillingSweep } from '../domain/billing/sweep.js';
import { listUnprocessedWebhooks, markWebhookFailed, markWebhookProcessed } from '../domain/billing/webhook-queries.js';
import { createJobRunner, scheduleRecurring, type JobHandler } from '../jobs/runner.js';
import type { AppContext } from '../context.js';
import { sendBillingEmail } from './billing-emails.js';

const SWEEP_EVERY_MS = 5 * 60 * 1000;

/** Stored webhooks whose processing failed are applied again (they are idempotent). */
export async function retryStoredWebhooks(ctx: AppContext): Promise<void> {
  for (const event of await listUnprocessedWebhooks(ctx.db)) {
    try {
      const notes = await ctx.billing.service.applyEvents(event.gateway, event.events);
      await markWebhookProcessed(ctx.db, event.id, ctx.now(), notes.length ? notes.join('; ') : null);
    } catch (error) {
      await markWebhookFailed(ctx.db, event.id, (error as Error).message);
    }
  }
}

/** The handlers of every job kind, for the runner (and for tests that run jobs by hand). */
export function jobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    'billing-sweep': async () => {
      await retryStoredWebhooks(ctx);
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
