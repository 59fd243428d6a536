import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Db } from '../ports/database.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { EmailMessage, Mailer } from '../ports/mailer.js';

/**
 * Every email the site sends, account and billing alike, goes through here: a use case queues a
 * notification in the transaction of the change it reports, and the `notification` job renders and
 * sends it after that commits, retrying until it goes. Each module declares its templates: the data a
 * notification carries (checked when the job runs) and how it becomes an email.
 */
export interface NotificationTemplate<S extends TSchema = TSchema> {
  readonly data: S;
  /** The email to send, or null when there is nothing to send any more (say, the account was deleted). */
  render(data: Static<S>): Promise<EmailMessage | null>;
  /** The data holds a secret (a sign-in code): the queued job's copy is erased once the email is sent. */
  readonly secret?: boolean;
}

export type NotificationTemplates = Readonly<Record<string, NotificationTemplate>>;

/** The payload of a `notification` job. */
export interface NotificationJob {
  template: string;
  data: unknown;
}

export const NOTIFICATION_JOB = 'notification';

/** Queues emails; typed per module by `notifierFor`. */
export interface Notifier {
  notify(db: Db, notification: { template: string; data: object; uniqueKey?: string | undefined }): Promise<void>;
}

export function createNotifier(queue: JobQueue): Notifier {
  return {
    async notify(db, { template, data, uniqueKey }) {
      await queue.enqueue(db, { kind: NOTIFICATION_JOB, payload: { template, data }, uniqueKey });
    },
  };
}

/**
 * A module's own view of the notifier: only its templates, with their data types checked by the compiler.
 * `notify(db, 'billing.receipt', { paymentId: 4 }, 'receipt:4')`.
 */
export function notifierFor<T extends NotificationTemplates>(notifier: Notifier, _templates: T) {
  return <K extends keyof T & string>(db: Db, template: K, data: Static<T[K]['data']>, uniqueKey?: string) =>
    notifier.notify(db, { template, data: data, uniqueKey });
}

/**
 * Sends one queued notification. An unknown template throws (a newer instance may know it, so the job is
 * retried); data that does not fit its template's schema throws a message saying where.
 */
export async function deliverNotification(templates: NotificationTemplates, mailer: Mailer, job: NotificationJob): Promise<void> {
  const template = Object.hasOwn(templates, job.template) ? templates[job.template] : undefined;
  if (!template) throw new Error(`no notification template "${job.template}"`);
  if (!Value.Check(template.data, job.data)) {
    const [first] = Value.Errors(template.data, job.data);
    throw new Error(
      `notification "${job.template}" has data that does not fit: ${first ? `${first.instancePath || '/'} ${first.message}` : ''}`,
    );
  }
  const message = await template.render(job.data);
  if (message) await mailer.send(message);
}

/** Whether a queued notification's data must be erased once sent. */
export function isSecretNotification(templates: NotificationTemplates, job: unknown): boolean {
  const name = (job as Partial<NotificationJob> | null)?.template;
  return typeof name === 'string' && Object.hasOwn(templates, name) && templates[name]?.secret === true;
}
