/**
 * Shared set-up for the billing integration tests (billing-*.test.ts, webhooks.test.ts): the real app on
 * the test gateway with a fake clock, a real SMTP server catching the emails, and read-outs of what a
 * reader or publisher would notice (subscription rows, entitlements, payments, invoices, emails).
 */
import { simpleParser } from 'mailparser';
import type { TestDb } from '../support/raw-sql.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { User } from '../../src/domain/accounts/model.js';
import { listUserInvoices } from '../../src/domain/billing/invoice-queries.js';
import { listSubscriptionPayments } from '../../src/domain/billing/payment-queries.js';
import { findSubscription, type Subscription } from '../../src/domain/billing/subscriptions.js';
import { activeEntitlements } from '../../src/domain/entitlements/queries.js';
import { jobKinds } from '../../src/jobs/masthead-jobs.js';
import { jobServices } from '../../src/main.js';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { startTestSmtpServer, type ReceivedEmail, type TestSmtpServer } from '../support/smtp-server.js';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export const T0 = '2026-11-24T10:00:00.000Z';
export const HOUR = 3600 * 1000;
export const DAY = 24 * HOUR;
export const MINUTE = 60 * 1000;

/** Billing tables emptied before each test, children first, so each test starts from no subscriptions and serial 1. */
const BILLING_TABLES = [
  'invoices',
  'refunds',
  'payments',
  'notices',
  'payment_actions',
  'subscriptions',
  'webhook_events',
  'jobs',
  'test_gateway_records',
  'entitlement_grants',
  'invoice_sequences',
  'gateway_plans',
];

export async function resetBilling(db: TestDb): Promise<void> {
  for (const table of BILLING_TABLES) await db.query(`delete from ${table}`);
}

let sequence = 0;

export type Harness = Awaited<ReturnType<typeof startBilling>>;

/** The app on the test gateway at T0 (or `start`), with emails going to `smtp`. */
export async function startBilling(db: TestDb, smtp: TestSmtpServer, options: { start?: string; env?: Record<string, string> } = {}) {
  await resetBilling(db);
  const clock = fakeClock(options.start ?? T0);
  const test: TestApp = await buildTestApp(db, {
    now: clock.now,
    // Billing tests run the sweep and the emails themselves, at the clock times they set.
    jobs: 'manual',
    env: { MASTHEAD_PAYMENT_GATEWAY: 'test', SMTP_URL: smtp.url, ...options.env },
  });
  const { app, ctx } = test;
  const services = jobServices(ctx, db);
  const { jobs } = test;
  const sweepJob = jobKinds(services).find((k) => k.kind === 'billing-sweep')!;

  const h = {
    app,
    ctx,
    clock,
    db,
    smtp,
    /** A verified reader with an address of their own (emails are told apart by recipient). */
    async reader(): Promise<User> {
      sequence++;
      const email = `reader-${sequence}-${Date.now().toString(36)}@example.in`;
      return (await provisionUser(db, { email, role: 'reader', name: `Reader ${sequence}` }, clock.now())).user;
    },
    /** Checkout and approval on the hosted page; returns our subscription id. */
    async subscribe(user: User, plan = 'smart-quarterly', declineRenewals = false): Promise<number> {
      const { subscriptionId, start } = await ctx.billing.service.startCheckout(user, plan);
      await ctx.billing.testGateway!.complete(start.gatewayCheckoutId!, 'approve', 'card', declineRenewals);
      return subscriptionId;
    },
    /** The periodic job as the runner runs it (stored webhooks, then the sweep), then every job due (emails). */
    async sweep(): Promise<void> {
      await sweepJob.run({}, { db, now: clock.now, attempt: 1 });
      await jobs.runDue();
    },
    runJobs: () => jobs.runDue(),
    sub: async (id: number): Promise<Subscription> => (await findSubscription(db, id))!,
    /** Payments of a subscription, oldest first. */
    payments: async (id: number) => (await listSubscriptionPayments(db, id)).reverse(),
    /** Invoices and credit notes of a reader, oldest first. */
    invoices: async (userId: number) => (await listUserInvoices(db, userId)).reverse(),
    entitlements: async (userId: number) => [...(await activeEntitlements(db, userId, clock.now()))].sort(),
    /** Emails received for this reader, oldest first. */
    emails: (user: User): ReceivedEmail[] => smtp.messages.filter((m) => m.to.includes(user.email)),
    count: async (sql: string, params: unknown[] = []): Promise<number> =>
      (await db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params)).rows[0]!.n,
    async close(): Promise<void> {
      await jobs.stop();
      await app.close();
      await ctx.mailer.close();
      await ctx.counters.close();
    },
  };
  return h;
}

/** Subject lines of the emails, in order, shortened to the kind of email they are. */
export function emailKinds(emails: ReceivedEmail[]): string[] {
  return emails.map((m) => {
    if (m.subject.startsWith('Receipt for')) return 'receipt';
    if (m.subject.includes('renews on')) return 'pre-debit';
    if (m.subject.startsWith('We could not renew')) return 'payment-failed';
    if (m.subject.startsWith('Reminder: update')) return 'dunning';
    if (m.subject.includes('has ended')) return 'ended';
    if (m.subject.startsWith('Refund of')) return 'refund';
    return m.subject;
  });
}

/** The attachments of a received email (the SMTP test server keeps the raw message). */
export async function attachmentsOf(email: ReceivedEmail): Promise<{ filename: string; contentType: string; content: Buffer }[]> {
  const parsed = await simpleParser(email.raw);
  return parsed.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content }));
}

/**
 * Declares the set-up every billing suite shares: one SMTP server for the suite, a fresh harness per test.
 * Returns a stand-in that always forwards to the current test's harness.
 */
export function useBilling(get: () => TestDb): Harness {
  let smtp: TestSmtpServer;
  let current: Harness | undefined;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(() => smtp.close());
  beforeEach(async () => {
    current = await startBilling(get(), smtp);
  });
  afterEach(() => current?.close());
  return new Proxy({} as Harness, {
    get: (_target, key) => {
      if (!current) throw new Error('the billing harness is used outside a test');
      return current[key as keyof Harness];
    },
  });
}
