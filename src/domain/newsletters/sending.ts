import { createHash } from 'node:crypto';
import { decideAccess } from '../access/decide-access.js';
import type { AccessPolicy } from '../access/model.js';
import type { PreparedArticle } from '../content/service.js';
import type { Db } from '../ports/database.js';
import type { JobQueue } from '../ports/job-queue.js';
import { isPermanentMailFailure, type EmailMessage, type Mailer } from '../ports/mailer.js';
import type { Issue, Newsletter, Recipient } from './model.js';
import {
  accountsByEmail,
  claimDeliveries,
  entitlementsOf,
  finishDelivery,
  findIssue,
  findNewsletter,
  insertSuppression,
  moveIssue,
  nextRetryAt,
  prepareDeliveries,
  sendProgress,
  subscriptionIdsByEmail,
  suppressedAmong,
  type ClaimedDelivery,
} from './queries.js';
import { trackingFor } from './counting.js';
import { renderIssueEmail, type IssueArticle } from './render.js';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs, showsInFull } from './rules.js';
import type { Subscriptions } from './subscriptions.js';

export const NEWSLETTER_SEND_JOB = 'newsletter-send';

export interface SendingDeps {
  db: Db;
  now: () => Date;
  publicUrl: string;
  publication: () => string;
  policy: AccessPolicy;
  mailer: Mailer;
  /** Signs the counting pixel and links (the newsletter key, with its own context). */
  key: Buffer;
  /** Whether issues carry the first-party open pixel and counted links (MASTHEAD_NEWSLETTER_COUNTING). */
  counting: () => boolean;
  jobs: JobQueue;
  subscriptions: Subscriptions;
  /** An article ready to serve, by slug (the content service's cache). */
  article: (slug: string) => Promise<PreparedArticle | null>;
  /** Messages a second the SMTP provider allows. */
  rate: () => number;
  /** Real time, for pacing (tests move `now`, never this). */
  wallClock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** How long a worker holds claimed deliveries: a worker that died frees them after this. */
export const DELIVERY_LEASE_MS = 2 * 60_000;
/** How long one run of the send job goes on before it queues its continuation (well inside the job's lease). */
const SLICE_MS = 60_000;
const BATCH = 200;

/** Lets `rate` messages a second through, spread evenly, across everything this process sends. */
function pacer(rate: () => number, clock: () => number, sleep: (ms: number) => Promise<void>) {
  let next = 0;
  return async () => {
    const at = clock();
    const slot = Math.max(at, next);
    next = slot + 1000 / Math.max(1, rate());
    if (slot > at) await sleep(slot - at);
  };
}

/**
 * The send of issues, on the job runner: each run of the `newsletter-send` job prepares the issue's delivery rows
 * (once), then claims batches of due deliveries, sends each at the configured rate and records the outcome, for
 * up to a minute, and queues its own continuation. A delivery is claimed (committed as `sending`, with a lease)
 * before its message goes and marked `sent` right after, so a restart never sends to a recipient marked sent; a
 * process that dies between the server's acceptance and the mark (a window of one message per connection) leaves
 * the delivery to be sent again after its lease, with the same Message-ID, so mail clients show it once.
 */
export function createSending(deps: SendingDeps) {
  const { db, now } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pace = pacer(deps.rate, deps.wallClock ?? Date.now, sleep);
  const domain = new URL(deps.publicUrl).hostname || 'localhost';

  async function articlesOf(issue: Pick<Issue, 'articleSlugs'>): Promise<PreparedArticle[]> {
    const found = await Promise.all(issue.articleSlugs.map((slug) => deps.article(slug)));
    return found.filter((a): a is PreparedArticle => a !== null);
  }

  /** Each article whole or as its lead-in, for this recipient, by the audience and the access decision at `at`. */
  function gate(newsletter: Newsletter, articles: readonly PreparedArticle[], recipient: Recipient, at: Date): IssueArticle[] {
    const reader = {
      kind: recipient.userId === null ? ('anonymous' as const) : ('registered' as const),
      entitlements: recipient.entitlements,
    };
    return articles.map((prepared) => {
      const decision = decideAccess({
        reader,
        item: prepared.item,
        meter: { period: '', read: [] },
        network: null,
        policy: deps.policy,
        now: at,
      });
      return { prepared, full: showsInFull(newsletter, recipient, decision) };
    });
  }

  /** The message for one recipient; `subscriptionId` gives the unsubscribe links (a test send has none). */
  function message(
    newsletter: Newsletter,
    issue: Issue,
    articles: IssueArticle[],
    to: string,
    subscriptionId: number | null,
  ): EmailMessage {
    const links = deps.subscriptions.links;
    const unsubscribe =
      subscriptionId === null ? null : { page: links.unsubscribePage(subscriptionId), oneClick: links.unsubscribeOneClick(subscriptionId) };
    const rendered = renderIssueEmail({
      publication: deps.publication(),
      publicUrl: deps.publicUrl,
      newsletter,
      issue,
      articles,
      unsubscribe,
      preferences: subscriptionId === null ? null : links.preferences(to),
      // Only a real send is counted: a test send or preview never carries the pixel or counted links.
      tracking: subscriptionId !== null && deps.counting() ? trackingFor(deps.key, deps.publicUrl, issue.id) : null,
    });
    const headers: Record<string, string> = { 'List-Id': `${newsletter.name.replace(/[<>"\r\n]/g, '')} <${newsletter.slug}.${domain}>` };
    if (unsubscribe) {
      headers['List-Unsubscribe'] = `<${unsubscribe.oneClick}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    const recipientHash = createHash('sha256').update(to).digest('hex').slice(0, 24);
    return {
      to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      tag: `newsletter:${newsletter.slug}`,
      ...(newsletter.senderName ? { fromName: newsletter.senderName } : {}),
      headers,
      ...(subscriptionId === null ? {} : { messageId: `<issue-${issue.id}.${recipientHash}@${domain}>` }),
    };
  }

  /** Who each address is now: its account (if any) and that account's entitlements, for a batch at once. */
  async function recipients(emails: readonly string[], at: Date): Promise<Map<string, Recipient>> {
    const accounts = await accountsByEmail(db, emails);
    const held = await entitlementsOf(db, [...accounts.values()], at);
    return new Map(
      emails.map((email) => {
        const userId = accounts.get(email) ?? null;
        return [email, { email, userId, entitlements: userId === null ? new Set<string>() : (held.get(userId) ?? new Set<string>()) }];
      }),
    );
  }

  async function deliver(
    newsletter: Newsletter,
    issue: Issue,
    articles: PreparedArticle[],
    delivery: ClaimedDelivery,
    recipient: Recipient,
    subscriptionId: number | null,
    suppressed: boolean,
  ) {
    const at = now();
    // An address that unsubscribed, bounced or complained since the list was drawn up is skipped, not mailed.
    if (subscriptionId === null || suppressed) {
      await finishDelivery(db, delivery.id, { status: 'suppressed' }, at);
      return;
    }
    await pace();
    try {
      await deps.mailer.send(message(newsletter, issue, gate(newsletter, articles, recipient, at), delivery.email, subscriptionId));
      await finishDelivery(db, delivery.id, { status: 'sent' }, now());
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (isPermanentMailFailure(error)) {
        await insertSuppression(db, delivery.email, null, 'hard-bounce', text, now());
        await finishDelivery(db, delivery.id, { status: 'failed', error: text }, now());
      } else if (delivery.attempts >= MAX_DELIVERY_ATTEMPTS) {
        await finishDelivery(db, delivery.id, { status: 'failed', error: text }, now());
      } else {
        const retryAt = new Date(now().getTime() + retryDelayMs(delivery.attempts));
        await finishDelivery(db, delivery.id, { status: 'pending', retryAt, error: text }, now());
      }
    }
  }

  /** One run of the send job for an issue: see above. Safe to run twice or side by side. */
  async function runSend(issueId: number): Promise<void> {
    const issue = await findIssue(db, issueId);
    if (!issue || issue.status !== 'sending') return;
    const newsletter = await findNewsletter(db, { id: issue.newsletterId });
    if (!newsletter) return;
    await prepareDeliveries(db, issue.id, newsletter.id, now());
    const articles = await articlesOf(issue);
    const started = deps.wallClock?.() ?? Date.now();
    const subscriptionIds = subscriptionIdsOf(newsletter.id);
    let sliceOver = false;
    for (;;) {
      if ((deps.wallClock?.() ?? Date.now()) - started > SLICE_MS) {
        sliceOver = true;
        break;
      }
      const at = now();
      const claimed = await claimDeliveries(db, issue.id, at, new Date(at.getTime() + DELIVERY_LEASE_MS), BATCH);
      if (claimed.length === 0) break;
      const who = await recipients(
        claimed.map((d) => d.email),
        at,
      );
      const ids = await subscriptionIds(claimed.map((d) => d.email));
      // Checked for each batch as it goes (a batch takes a second or so): a late unsubscribe or bounce is honoured.
      const suppressed = await suppressedAmong(
        db,
        claimed.map((d) => d.email),
        newsletter.id,
      );
      // A few messages in flight at once: the pacer keeps the rate, the connections keep up with it.
      const queue = [...claimed];
      const worker = async () => {
        for (let d = queue.shift(); d; d = queue.shift()) {
          await deliver(newsletter, issue, articles, d, who.get(d.email) as Recipient, ids.get(d.email) ?? null, suppressed.has(d.email));
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
    }
    const progress = await sendProgress(db, issue.id);
    if (progress.left === 0) {
      await moveIssue(db, issue.id, ['sending'], 'sent', now());
      return;
    }
    // More to do: at once after a full slice; else when the first retry is due, or when claims of a dead worker lapse.
    const retry = await nextRetryAt(db, issue.id);
    const lapse = new Date(now().getTime() + DELIVERY_LEASE_MS);
    const runAt = sliceOver ? now() : retry && retry < lapse ? retry : lapse;
    await deps.jobs.enqueue(db, {
      kind: NEWSLETTER_SEND_JOB,
      payload: { issueId: issue.id },
      runAt,
      uniqueKey: `${NEWSLETTER_SEND_JOB}:${issue.id}:${runAt.toISOString()}`,
    });
  }

  /** Subscription ids by address for a list (the unsubscribe links), looked up per batch. */
  function subscriptionIdsOf(newsletterId: number) {
    return (emails: readonly string[]) => subscriptionIdsByEmail(db, newsletterId, emails);
  }

  /** Starts sending an issue (scheduled, held or draft): its job is queued in the same transaction. */
  async function start(issueId: number, from: readonly Issue['status'][]): Promise<boolean> {
    return db.transaction().execute(async (tx) => {
      if (!(await moveIssue(tx, issueId, from, 'sending', now()))) return false;
      await deps.jobs.enqueue(tx, {
        kind: NEWSLETTER_SEND_JOB,
        payload: { issueId },
        uniqueKey: `${NEWSLETTER_SEND_JOB}:${issueId}:start`,
      });
      return true;
    });
  }

  /** A test send: the issue as `recipient` would get it, to each address, without unsubscribe links or delivery rows. */
  async function testSend(issue: Issue, newsletter: Newsletter, addresses: readonly string[], recipient: Recipient): Promise<void> {
    const articles = gate(newsletter, await articlesOf(issue), recipient, now());
    for (const to of addresses) {
      const sample = message(newsletter, { ...issue, subject: `[Test] ${issue.subject}` }, articles, to, null);
      await deps.mailer.send(sample);
    }
  }

  /** The issue's HTML as `recipient` would get it (the newsroom's preview). */
  async function preview(issue: Issue, newsletter: Newsletter, recipient: Recipient): Promise<string> {
    const articles = gate(newsletter, await articlesOf(issue), recipient, now());
    return message(newsletter, issue, articles, recipient.email, null).html;
  }

  return { runSend, start, testSend, preview, gate, articlesOf, recipients, progress: (issueId: number) => sendProgress(db, issueId) };
}

export type Sending = ReturnType<typeof createSending>;
