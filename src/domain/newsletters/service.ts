import type { AccessPolicy } from '../access/model.js';
import type { ArticleSummary, ListOptions } from '../content/model.js';
import type { PreparedArticle } from '../content/service.js';
import type { Notifier } from '../notifications/notifications.js';
import type { Db } from '../ports/database.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Mailer } from '../ports/mailer.js';
import { dayIn } from '../time/zoned.js';
import type { Issue, Newsletter, PreviewKind, Recipient } from './model.js';
import {
  dueIssues,
  entitlementsOf,
  findIssue,
  findNewsletter,
  insertIssue,
  insertNewsletter,
  insertSuppression,
  listIssues,
  listNewsletters,
  listSuppressions,
  moveIssue,
  subscriberCounts,
  updateIssue,
  updateNewsletter,
  countOpen,
  countClick,
  issueCounts,
  type IssueFields,
  type NewsletterFields,
} from './queries.js';
import { audienceText, normaliseEmail, parseAudience } from './rules.js';
import { countingTokens, siteTarget } from './counting.js';
import { createSending, NEWSLETTER_SEND_JOB } from './sending.js';
import { createSubscriptions } from './subscriptions.js';
import type { IssueArticle } from './render.js';

export interface NewslettersDeps {
  db: Db;
  now: () => Date;
  key: Buffer;
  publicUrl: string;
  publication: () => string;
  timeZone: () => string;
  policy: AccessPolicy;
  notifier: Notifier;
  jobs: JobQueue;
  /** The mailer issues go out through (pooled, DKIM-signed when configured). */
  mailer: Mailer;
  content: { article(slug: string): Promise<PreparedArticle | null>; list(options: ListOptions): Promise<ArticleSummary[]> };
  rate: () => number;
  /** First-party open and click counting (MASTHEAD_NEWSLETTER_COUNTING); off when absent. */
  counting?: () => boolean;
}

export { NEWSLETTER_SEND_JOB };
export const NEWSLETTER_SCHEDULER_JOB = 'newsletter-scheduler';
/** A daily digest is drawn up this long before it goes, so an editor can hold or edit it. */
export const DIGEST_LEAD_MS = 60 * 60_000;

export type FieldErrors = Record<string, string>;

/** The demo's lists: what the publisher's offer names (markets, finance, politics, tech). */
export const DEMO_NEWSLETTERS: readonly NewsletterFields[] = [
  {
    slug: 'markets',
    name: 'Markets',
    description: 'The day on Dalal Street and beyond: what moved, and why, before the bell.',
    cadence: 'Every weekday morning',
    senderName: 'Markets desk',
    audience: 'anyone',
    digestSection: 'markets',
    digestHour: 7,
    position: 1,
  },
  {
    slug: 'finance',
    name: 'Finance',
    description: 'Banking, money and personal finance, explained by our editors.',
    cadence: 'Weekly, on Saturdays',
    senderName: 'Finance desk',
    audience: 'registered',
    digestSection: null,
    digestHour: null,
    position: 2,
  },
  {
    slug: 'politics',
    name: 'Politics',
    description: 'Policy and power: the decisions that shape the economy.',
    cadence: 'Every weekday evening',
    senderName: 'Politics desk',
    audience: 'anyone',
    digestSection: null,
    digestHour: null,
    position: 3,
  },
  {
    slug: 'tech',
    name: 'Tech (premium)',
    description: 'Deep dives on technology and startups, whole in your inbox for subscribers.',
    cadence: 'Twice a week',
    senderName: 'Tech desk',
    audience: 'entitlement:newsletters',
    digestSection: null,
    digestHour: null,
    position: 4,
  },
];

/** Seeds the demo's lists once (a list whose slug exists is left as the editors made it). */
export async function seedDemoNewsletters(db: Db): Promise<number> {
  let added = 0;
  for (const fields of DEMO_NEWSLETTERS) if ((await insertNewsletter(db, fields)) !== null) added++;
  return added;
}

/** Checks a list's fields as the newsroom's form sends them; the errors by field, or none. */
export function checkNewsletterFields(f: NewsletterFields): FieldErrors {
  const errors: FieldErrors = {};
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(f.slug) || f.slug.length > 60)
    errors.slug = 'Use lower-case letters, digits and single hyphens (at most 60).';
  if (f.name.length < 1 || f.name.length > 100) errors.name = 'Give it a name of at most 100 characters.';
  if (f.description.length > 1000) errors.description = 'Use at most 1,000 characters.';
  if (f.cadence.length > 100) errors.cadence = 'Use at most 100 characters.';
  if (f.senderName.length > 100) errors.senderName = 'Use at most 100 characters.';
  if (audienceText(parseAudience(f.audience)) !== f.audience) errors.audience = 'Choose who it is for.';
  if ((f.digestSection === null) !== (f.digestHour === null)) errors.digestHour = 'A daily digest needs both a section and an hour.';
  return errors;
}

/** Newsletters: lists, sign-up, issues, sends, the archive. */
export function createNewslettersService(deps: NewslettersDeps) {
  const { db, now } = deps;
  const subscriptions = createSubscriptions(deps);
  // The lists show on the home page and article pages: read them at most every 30 s, and again after a save here.
  let cachedLists: { at: number; value: Promise<Newsletter[]> } | null = null;
  const lists = () => {
    if (!cachedLists || Date.now() - cachedLists.at > 30_000) {
      const value = listNewsletters(db);
      cachedLists = { at: Date.now(), value };
      value.catch(() => (cachedLists = null));
    }
    return cachedLists.value;
  };
  const counting = deps.counting ?? (() => false);
  const sending = createSending({ ...deps, counting, subscriptions, article: (slug) => deps.content.article(slug) });

  /** A recipient of each preview kind: nobody's address, the entitlement the list's audience names when it names one. */
  function sampleRecipient(newsletter: Newsletter, kind: PreviewKind): Recipient {
    const email = 'preview@example.invalid';
    if (kind === 'anonymous') return { email, userId: null, entitlements: new Set() };
    if (kind === 'registered') return { email, userId: 0, entitlements: new Set() };
    const names = new Set(['premium']);
    if (newsletter.audience.kind === 'entitlement') names.add(newsletter.audience.entitlement);
    return { email, userId: 0, entitlements: names };
  }

  async function issueWithList(issueId: number): Promise<{ issue: Issue; newsletter: Newsletter } | null> {
    const issue = await findIssue(db, issueId);
    const newsletter = issue ? await findNewsletter(db, { id: issue.newsletterId }) : null;
    return issue && newsletter ? { issue, newsletter } : null;
  }

  /** Checks an issue's fields: slugs that name no live article are reported by line. */
  async function checkIssue(fields: IssueFields): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (fields.subject.length < 1 || fields.subject.length > 200) errors.subject = 'Give it a subject of at most 200 characters.';
    if (fields.introduction.length > 5000) errors.introduction = 'Use at most 5,000 characters.';
    if (fields.articleSlugs.length > 30) errors.articles = 'An issue carries at most 30 articles.';
    const missing: string[] = [];
    for (const slug of fields.articleSlugs) if (!(await deps.content.article(slug))) missing.push(slug);
    if (missing.length) errors.articles = `No published article at: ${missing.join(', ')}`;
    return errors;
  }

  /** Draws up the daily digests due within `DIGEST_LEAD_MS`: each a scheduled issue an editor may still hold or edit. */
  async function makeDigests(at: Date): Promise<number> {
    let made = 0;
    for (const newsletter of await listNewsletters(db)) {
      if (newsletter.digestSection === null || newsletter.digestHour === null) continue;
      const day = dayIn(at, deps.timeZone());
      const sendAt = new Date(day.start.getTime() + newsletter.digestHour * 3600_000);
      if (at.getTime() < sendAt.getTime() - DIGEST_LEAD_MS || at.getTime() > sendAt.getTime() + 6 * 3600_000) continue;
      const since = new Date(sendAt.getTime() - 24 * 3600_000);
      const articles = await deps.content.list({ section: newsletter.digestSection, since, until: at, limit: 10 });
      if (articles.length === 0) continue;
      const id = await insertIssue(
        db,
        {
          newsletterId: newsletter.id,
          kind: 'digest',
          subject: `${newsletter.name}: ${day.date}`,
          introduction: `The day's stories from ${newsletter.digestSection}, picked for you.`,
          articleSlugs: articles.map((a) => a.slug),
          status: 'scheduled',
          sendAt,
          digestKey: `${newsletter.id}:${day.date}`,
        },
        at,
      );
      if (id !== null) made++;
    }
    return made;
  }

  /** The scheduler's run: draw up digests, start the issues whose time has come. */
  async function runScheduler(): Promise<void> {
    const at = now();
    await makeDigests(at);
    for (const { id } of await dueIssues(db, at, 100)) await sending.start(id, ['scheduled']);
  }

  return {
    subscriptions,
    sending,
    /** The lists readers see (not retired), in the editors' order. */
    lists,
    allLists: () => listNewsletters(db, { retired: true }),
    list: (slug: string) => findNewsletter(db, { slug }),
    listById: (id: number) => findNewsletter(db, { id }),
    subscriberCounts: () => subscriberCounts(db),

    /** Creates (`id` null) or saves a list; its id, or the problems by field (`slug` taken included). */
    async saveList(
      id: number | null,
      fields: NewsletterFields,
      retired: boolean,
    ): Promise<{ ok: true; id: number } | { ok: false; errors: FieldErrors }> {
      const errors = checkNewsletterFields(fields);
      if (Object.keys(errors).length) return { ok: false, errors };
      cachedLists = null;
      const other = await findNewsletter(db, { slug: fields.slug });
      if (other && other.id !== id) return { ok: false, errors: { slug: 'Another newsletter has this address.' } };
      if (id === null) {
        const created = await insertNewsletter(db, fields);
        return created === null ? { ok: false, errors: { slug: 'Another newsletter has this address.' } } : { ok: true, id: created };
      }
      if (!(await updateNewsletter(db, id, fields, retired ? now() : null)))
        return { ok: false, errors: { name: 'There is no such newsletter.' } };
      return { ok: true, id };
    },

    issues: (newsletterId: number, options: { before?: number | undefined; limit: number; sentOnly?: boolean }) =>
      listIssues(db, newsletterId, options),
    issue: issueWithList,

    /** A new draft issue composed from articles; its id, or the problems by field. */
    async compose(newsletterId: number, fields: IssueFields): Promise<{ ok: true; id: number } | { ok: false; errors: FieldErrors }> {
      const errors = await checkIssue(fields);
      if (Object.keys(errors).length) return { ok: false, errors };
      const id = await insertIssue(db, { ...fields, newsletterId, kind: 'composed', status: 'draft', sendAt: null }, now());
      return id === null ? { ok: false, errors: { subject: 'Not saved.' } } : { ok: true, id };
    },

    /** Saves an issue's text while it has not started sending. */
    async edit(issueId: number, fields: IssueFields): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
      const errors = await checkIssue(fields);
      if (Object.keys(errors).length) return { ok: false, errors };
      if (!(await updateIssue(db, issueId, fields, now())))
        return { ok: false, errors: { subject: 'This issue has gone out: it can no longer change.' } };
      return { ok: true };
    },

    /** Schedules a draft or held issue for `at` (now or later): the scheduler starts it then. */
    schedule: (issueId: number, at: Date) => moveIssue(db, issueId, ['draft', 'held', 'scheduled'], 'scheduled', now(), at),
    /** Holds a scheduled issue (a digest an editor wants to look at): it waits until scheduled again. */
    hold: (issueId: number) => moveIssue(db, issueId, ['scheduled'], 'held', now()),
    /** Sends a draft, held or scheduled issue now. */
    sendNow: (issueId: number) => sending.start(issueId, ['draft', 'held', 'scheduled']),
    progress: (issueId: number) => sending.progress(issueId),

    async preview(issueId: number, kind: PreviewKind): Promise<string | null> {
      const found = await issueWithList(issueId);
      return found ? sending.preview(found.issue, found.newsletter, sampleRecipient(found.newsletter, kind)) : null;
    },

    /** Sends the issue as `kind` would get it to up to 10 chosen addresses; the addresses it could not read, if any. */
    async testSend(issueId: number, raw: string, kind: PreviewKind): Promise<{ ok: true; sent: number } | { ok: false; error: string }> {
      const found = await issueWithList(issueId);
      if (!found) return { ok: false, error: 'There is no such issue.' };
      const parts = raw.split(/[\s,;]+/).filter(Boolean);
      const addresses = parts.map(normaliseEmail);
      if (parts.length === 0 || parts.length > 10) return { ok: false, error: 'Give one to ten addresses.' };
      const bad = parts.filter((_p, i) => addresses[i] === null);
      if (bad.length) return { ok: false, error: `Not an email address: ${bad.join(', ')}` };
      await sending.testSend(found.issue, found.newsletter, addresses as string[], sampleRecipient(found.newsletter, kind));
      return { ok: true, sent: addresses.length };
    },

    /**
     * A sent issue as a reader on the web reads it: the same gate as the email (the list's audience, then the access
     * decision per article), for the signed-in reader's account now, or for an anonymous reader.
     */
    async archiveIssue(
      slug: string,
      issueId: number,
      userId: number | null,
    ): Promise<{ issue: Issue; newsletter: Newsletter; articles: IssueArticle[] } | null> {
      const found = await issueWithList(issueId);
      if (!found || found.newsletter.slug !== slug || found.issue.status !== 'sent') return null;
      const at = now();
      let recipient: Recipient = { email: '', userId: null, entitlements: new Set() };
      if (userId !== null) {
        const held = await entitlementsOf(db, [userId], at);
        recipient = { email: '', userId, entitlements: held.get(userId) ?? new Set() };
      }
      const articles = sending.gate(found.newsletter, await sending.articlesOf(found.issue), recipient, at);
      return { ...found, articles };
    },

    /** Adds an address to the suppression list by hand (a complaint the provider reported, a bounce seen elsewhere). */
    async suppress(rawEmail: string, reason: 'hard-bounce' | 'complained' | 'unsubscribed', detail: string): Promise<boolean> {
      const email = normaliseEmail(rawEmail);
      if (!email) return false;
      await insertSuppression(db, email, null, reason, detail, now());
      return true;
    },
    suppressions: (options: { before?: number | undefined; limit: number }) => listSuppressions(db, options),

    /** Open and click counting: whether it is on, the pixel's and links' hits, and an issue's counts. */
    counting: {
      enabled: counting,
      /** Counts an open when the pixel's signature is genuine and counting is on; false for a forged pixel. */
      async open(issueId: number, token: string, count: boolean): Promise<boolean> {
        if (!countingTokens.checkOpen(deps.key, issueId, token)) return false;
        if (count && counting()) await countOpen(db, issueId);
        return true;
      },
      /** The address a click goes on to (counted when counting is on), or null for a link this site did not sign. */
      async click(issueId: number, target: string, token: string, count: boolean): Promise<string | null> {
        const url = siteTarget(target, deps.publicUrl);
        if (!url || url !== target || !countingTokens.checkClick(deps.key, issueId, url, token)) return null;
        if (count && counting()) await countClick(db, issueId, url);
        return url;
      },
      counts: (issueId: number) => issueCounts(db, issueId, 100),
    },

    runScheduler,
    makeDigests,
    runSend: (issueId: number) => sending.runSend(issueId),
    templates: subscriptions.templates,
  };
}

export type NewslettersService = ReturnType<typeof createNewslettersService>;
