import { Type } from 'typebox';
import type { BillingService } from '../domain/billing/service.js';
import { EPAPER_RENDER_JOB } from '../domain/epaper/service.js';
import { GIFT_EMAIL_JOB } from '../domain/gifts/payments.js';
import type { GiftService } from '../domain/gifts/service.js';
import { REFUND_UNWANTED_PAYMENT_JOB } from '../domain/billing/unwanted-payments.js';
import {
  deliverNotification,
  isSecretNotification,
  NOTIFICATION_JOB,
  type NotificationTemplates,
} from '../domain/notifications/notifications.js';
import type { Clock } from '../domain/ports/clock.js';
import type { Db } from '../domain/ports/database.js';
import type { Mailer } from '../domain/ports/mailer.js';
import { defineJob, type JobKind } from './registry.js';
import { NEWSLETTER_SCHEDULER_JOB, NEWSLETTER_SEND_JOB } from '../domain/newsletters/service.js';
import { housekeeping } from './housekeeping.js';
import { createJobRunner, scheduleRecurring } from './runner.js';

const SWEEP_EVERY_MS = 5 * 60 * 1000;
const HOUSEKEEPING_EVERY_MS = 24 * 3600 * 1000;
const NEWSLETTER_SCHEDULER_EVERY_MS = 60 * 1000;
/** Each agency has its own poll interval (whole minutes): the job looks every minute for the ones that are due. */
const WIRE_POLL_EVERY_MS = 60 * 1000;

/** What Masthead's jobs run against: the database the runner claims from, the clock, and the services. */
export interface JobServices {
  db: Db;
  now: Clock;
  billing: { service: BillingService; gifts: GiftService };
  /** Marks for revocation the partner codes of readers who no longer hold the partner's entitlement. */
  partners: { sweep(): Promise<number> };
  mailer: Mailer;
  /** Every module's email templates, for the notification job. */
  templates: NotificationTemplates;
  /** Draws an uploaded e-paper edition's pages. */
  epaper: { renderEdition(editionId: number): Promise<void> };
  /** Newsletter sends (one run of an issue's send) and the scheduler (due issues, daily digests). */
  newsletters: { runSend(issueId: number): Promise<void>; runScheduler(): Promise<void> };
  /** Polls the wire agencies that are due and alerts on feeds that stopped delivering. */
  wire: { pollDue(): Promise<unknown> };
}

const Id = Type.Integer({ minimum: 1 });

/** Every job kind, with the schema its payload is checked against when the job is claimed. */
export function jobKinds(services: JobServices): JobKind[] {
  const billing = services.billing.service;
  const notification = Type.Object({ template: Type.String({ maxLength: 100 }), data: Type.Unknown() });
  return [
    // Stored webhooks whose processing failed first (they are idempotent), then the sweep, then the partner codes of
    // readers whose subscriptions it ended; then the next run.
    defineJob('billing-sweep', Type.Object({}), async () => {
      await billing.applyStoredWebhooks();
      await billing.runSweep();
      await services.partners.sweep();
      await scheduleRecurring(services.db, 'billing-sweep', SWEEP_EVERY_MS, services.now());
    }),
    // Once a day: rows that no longer do anything (old months' meters, spent refresh tokens, old finished jobs).
    defineJob('housekeeping', Type.Object({}), async () => {
      const now = services.now();
      await housekeeping(services.db, now);
      await scheduleRecurring(services.db, 'housekeeping', HOUSEKEEPING_EVERY_MS, now);
    }),
    // Every minute: the wire agencies whose poll is due, then the stale-feed alerts; then the next run.
    defineJob('wire-poll', Type.Object({}), async () => {
      await services.wire.pollDue();
      await scheduleRecurring(services.db, 'wire-poll', WIRE_POLL_EVERY_MS, services.now());
    }),
    // Money captured for a subscription the reader no longer has, refunded in full (retried until the gateway takes it).
    defineJob(
      REFUND_UNWANTED_PAYMENT_JOB,
      Type.Object({ paymentId: Id, reason: Type.String({ maxLength: 500 }) }),
      ({ paymentId, reason }) => billing.refundUnwantedPayment(paymentId, reason),
    ),
    // A gift's email to its recipient, at its delivery date (or again when the buyer asks): a new link each time.
    defineJob(GIFT_EMAIL_JOB, Type.Object({ giftId: Id }), ({ giftId }) => services.billing.gifts.deliver(giftId)),
    defineJob(NOTIFICATION_JOB, notification, (job) => deliverNotification(services.templates, services.mailer, job), {
      erasePayloadWhenDone: (job) => isSecretNotification(services.templates, job),
    }),
    // One run of an issue's send: up to a minute of deliveries, then it queues its own continuation.
    defineJob(NEWSLETTER_SEND_JOB, Type.Object({ issueId: Id }), ({ issueId }) => services.newsletters.runSend(issueId)),
    // Every minute: the daily digests due within the hour, and the issues whose time has come.
    defineJob(NEWSLETTER_SCHEDULER_JOB, Type.Object({}), async () => {
      await services.newsletters.runScheduler();
      await scheduleRecurring(services.db, NEWSLETTER_SCHEDULER_JOB, NEWSLETTER_SCHEDULER_EVERY_MS, services.now());
    }),
    // Billing emails queued before they became notifications (an upgrade with emails still waiting).
    defineJob(
      'billing-email',
      Type.Object({
        template: Type.Enum(['receipt', 'pre-debit', 'payment-failed', 'dunning', 'ended', 'refund']),
        subscriptionId: Type.Optional(Id),
        paymentId: Type.Optional(Id),
        invoiceId: Type.Optional(Id),
        refundId: Type.Optional(Id),
      }),
      ({ template, ...data }) => deliverNotification(services.templates, services.mailer, { template: `billing.${template}`, data }),
    ),
    // An uploaded e-paper edition: every page drawn at each size, then the edition is ready (published at its time).
    defineJob(EPAPER_RENDER_JOB, Type.Object({ editionId: Id }), ({ editionId }) => services.epaper.renderEdition(editionId)),
  ];
}

/** The durable job runner with Masthead's jobs: renewals, notices, dunning, reconciliation, emails. */
export function createJobs(services: JobServices, options: { pollMs?: number; log?: (message: string, fields?: object) => void } = {}) {
  const runner = createJobRunner({
    db: services.db,
    kinds: jobKinds(services),
    now: services.now,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    log:
      options.log ??
      ((message, fields) => {
        console.error(`jobs: ${message}`, fields ?? '');
      }),
  });
  return {
    /** Starts running jobs; `recurring` (the default) also schedules the periodic billing sweep and the daily housekeeping. */
    async start({ recurring = true }: { recurring?: boolean } = {}) {
      if (recurring) {
        await scheduleRecurring(services.db, 'billing-sweep', SWEEP_EVERY_MS, services.now());
        await scheduleRecurring(services.db, 'housekeeping', HOUSEKEEPING_EVERY_MS, services.now());
        await scheduleRecurring(services.db, NEWSLETTER_SCHEDULER_JOB, NEWSLETTER_SCHEDULER_EVERY_MS, services.now());
        await scheduleRecurring(services.db, 'wire-poll', WIRE_POLL_EVERY_MS, services.now());
      }
      runner.start();
    },
    stop: () => runner.stop(),
    runDue: () => runner.runDue(),
    wake: () => {
      runner.wake();
    },
  };
}
