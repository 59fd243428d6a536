/**
 * SQL of the newsletters module: its own tables, plus two batch look-ups a send needs of the accounts and
 * entitlements tables (which addresses have accounts, and what those accounts hold now), made once per batch of
 * recipients instead of once per message. Times come from the caller's clock.
 */
import { sql } from 'kysely';
import type { Db } from '../ports/database.js';
import type { Issue, IssueStatus, Newsletter, SendProgress, Subscription, SubscriptionStatus, SuppressionReason } from './model.js';
import { parseAudience } from './rules.js';

type NewsletterRow = {
  id: number;
  slug: string;
  name: string;
  description: string;
  cadence: string;
  sender_name: string;
  audience: string;
  digest_section: string | null;
  digest_hour: number | null;
  position: number;
  retired_at: Date | null;
};

const toNewsletter = (r: NewsletterRow): Newsletter => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  cadence: r.cadence,
  senderName: r.sender_name,
  audience: parseAudience(r.audience),
  digestSection: r.digest_section,
  digestHour: r.digest_hour,
  position: r.position,
  retired: r.retired_at !== null,
});

const NEWSLETTER_COLUMNS = [
  'id',
  'slug',
  'name',
  'description',
  'cadence',
  'sender_name',
  'audience',
  'digest_section',
  'digest_hour',
  'position',
  'retired_at',
] as const;

/** Every newsletter in the editors' order (retired ones only when asked). A short list: editors keep a handful. */
export async function listNewsletters(db: Db, options: { retired?: boolean } = {}): Promise<Newsletter[]> {
  let query = db.selectFrom('newsletters').select(NEWSLETTER_COLUMNS).orderBy('position').orderBy('id').limit(500);
  if (!options.retired) query = query.where('retired_at', 'is', null);
  return (await query.execute()).map(toNewsletter);
}

export async function findNewsletter(db: Db, by: { id: number } | { slug: string }): Promise<Newsletter | null> {
  let query = db.selectFrom('newsletters').select(NEWSLETTER_COLUMNS);
  query = 'id' in by ? query.where('id', '=', by.id) : query.where('slug', '=', by.slug);
  const row = await query.executeTakeFirst();
  return row ? toNewsletter(row) : null;
}

export interface NewsletterFields {
  slug: string;
  name: string;
  description: string;
  cadence: string;
  senderName: string;
  audience: string;
  digestSection: string | null;
  digestHour: number | null;
  position: number;
}

const newsletterValues = (f: NewsletterFields) => ({
  slug: f.slug,
  name: f.name,
  description: f.description,
  cadence: f.cadence,
  sender_name: f.senderName,
  audience: f.audience,
  digest_section: f.digestSection,
  digest_hour: f.digestHour,
  position: f.position,
});

/** Inserts a newsletter; null when the slug is taken. */
export async function insertNewsletter(db: Db, fields: NewsletterFields): Promise<number | null> {
  const row = await db
    .insertInto('newsletters')
    .values(newsletterValues(fields))
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Saves a newsletter's fields; false when it does not exist. Throws on a slug another list has (caller checks first). */
export async function updateNewsletter(db: Db, id: number, fields: NewsletterFields, retired: Date | null): Promise<boolean> {
  const result = await db
    .updateTable('newsletters')
    .set({ ...newsletterValues(fields), retired_at: retired })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

const SUBSCRIPTION_COLUMNS = ['id', 'newsletter_id', 'email', 'status', 'created_at', 'confirm_sent_at'] as const;
const toSubscription = (r: {
  id: number;
  newsletter_id: number;
  email: string;
  status: string;
  created_at: Date;
  confirm_sent_at: Date | null;
}): Subscription => ({
  id: r.id,
  newsletterId: r.newsletter_id,
  email: r.email,
  status: r.status as SubscriptionStatus,
  createdAt: r.created_at,
  confirmSentAt: r.confirm_sent_at,
});

export async function findSubscription(db: Db, id: number): Promise<Subscription | null> {
  const row = await db.selectFrom('newsletter_subscriptions').select(SUBSCRIPTION_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toSubscription(row) : null;
}

/** An address's subscriptions (any status), one per list. */
export async function subscriptionsOf(db: Db, email: string): Promise<Subscription[]> {
  const rows = await db
    .selectFrom('newsletter_subscriptions')
    .select(SUBSCRIPTION_COLUMNS)
    .where('email', '=', email)
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map(toSubscription);
}

/**
 * The address's subscription to a list, made `pending` unless it is confirmed already (a former subscriber signs up
 * again as a new one). Returns it as it now stands.
 */
export async function upsertPendingSubscription(db: Db, newsletterId: number, email: string, now: Date): Promise<Subscription> {
  const row = await db
    .insertInto('newsletter_subscriptions')
    .values({ newsletter_id: newsletterId, email, status: 'pending', created_at: now })
    .onConflict((oc) =>
      oc.columns(['newsletter_id', 'email']).doUpdateSet({
        status: sql<string>`case when newsletter_subscriptions.status = 'confirmed' then 'confirmed' else 'pending' end`,
      }),
    )
    .returning(SUBSCRIPTION_COLUMNS)
    .executeTakeFirstOrThrow();
  return toSubscription(row);
}

/** Records that the confirmation email is on its way, unless one went out since `notBefore` (false then). */
export async function markConfirmSent(db: Db, id: number, now: Date, notBefore: Date): Promise<boolean> {
  const result = await db
    .updateTable('newsletter_subscriptions')
    .set({ confirm_sent_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('confirm_sent_at', 'is', null), eb('confirm_sent_at', '<', notBefore)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Confirms a subscription (the reader opened the link, or signed in and asked): the list's own unsubscribe and any
 * hard bounce of the address stop applying, since it has just shown it reads its mail. A complaint stays.
 */
export async function confirmSubscription(db: Db, id: number, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('newsletter_subscriptions')
      .set({ status: 'confirmed', confirmed_at: now, unsubscribed_at: null })
      .where('id', '=', id)
      .returning(['email', 'newsletter_id'])
      .executeTakeFirst();
    if (!row) return;
    await tx
      .deleteFrom('newsletter_suppressions')
      .where('email', '=', row.email)
      .where((eb) =>
        eb.or([
          eb.and([eb('newsletter_id', '=', row.newsletter_id), eb('reason', '=', 'unsubscribed')]),
          eb.and([eb('newsletter_id', 'is', null), eb('reason', '=', 'hard-bounce')]),
        ]),
      )
      .execute();
  });
}

/** Ends a subscription and suppresses the address on that list, so a send already under way skips it too. */
export async function unsubscribe(db: Db, id: number, now: Date): Promise<Subscription | null> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('newsletter_subscriptions')
      .set({ status: 'unsubscribed', unsubscribed_at: now })
      .where('id', '=', id)
      .returning(SUBSCRIPTION_COLUMNS)
      .executeTakeFirst();
    if (!row) return null;
    await insertSuppression(tx, row.email, row.newsletter_id, 'unsubscribed', '', now);
    return toSubscription(row);
  });
}

/** Adds an address to the suppression list (one list, or all when `newsletterId` is null); once is enough. */
export async function insertSuppression(
  db: Db,
  email: string,
  newsletterId: number | null,
  reason: SuppressionReason,
  detail: string,
  now: Date,
): Promise<void> {
  await sql`insert into newsletter_suppressions (email, newsletter_id, reason, detail, created_at)
    values (${email}, ${newsletterId}, ${reason}, ${detail.slice(0, 500)}, ${now})
    on conflict (email, coalesce(newsletter_id, 0)) do nothing`.execute(db);
}

/** Whether a send of `newsletterId` must skip the address. */
export async function isSuppressed(db: Db, email: string, newsletterId: number): Promise<boolean> {
  const row = await db
    .selectFrom('newsletter_suppressions')
    .select('id')
    .where('email', '=', email)
    .where((eb) => eb.or([eb('newsletter_id', 'is', null), eb('newsletter_id', '=', newsletterId)]))
    .executeTakeFirst();
  return row !== undefined;
}

/** Which of these addresses a send of `newsletterId` must skip (one query for a batch). */
export async function suppressedAmong(db: Db, emails: readonly string[], newsletterId: number): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db
    .selectFrom('newsletter_suppressions')
    .select('email')
    .where('email', 'in', [...emails])
    .where((eb) => eb.or([eb('newsletter_id', 'is', null), eb('newsletter_id', '=', newsletterId)]))
    .execute();
  return new Set(rows.map((r) => r.email));
}

/** The suppression list, newest first, keyset by id. */
export async function listSuppressions(db: Db, options: { before?: number | undefined; limit: number }) {
  let query = db
    .selectFrom('newsletter_suppressions')
    .select(['id', 'email', 'newsletter_id', 'reason', 'detail', 'created_at'])
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  return query.execute();
}

/** Confirmed subscribers per list (the newsroom's list page). */
export async function subscriberCounts(db: Db): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('newsletter_subscriptions')
    .select(['newsletter_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('status', '=', 'confirmed')
    .groupBy('newsletter_id')
    .execute();
  return new Map(rows.map((r) => [r.newsletter_id, Number(r.n)]));
}

type IssueRow = {
  id: number;
  newsletter_id: number;
  kind: string;
  subject: string;
  introduction: string;
  article_slugs: unknown;
  status: string;
  send_at: Date | null;
  sent_at: Date | null;
  created_at: Date;
};
const ISSUE_COLUMNS = [
  'id',
  'newsletter_id',
  'kind',
  'subject',
  'introduction',
  'article_slugs',
  'status',
  'send_at',
  'sent_at',
  'created_at',
] as const;
const toIssue = (r: IssueRow): Issue => ({
  id: r.id,
  newsletterId: r.newsletter_id,
  kind: r.kind === 'digest' ? 'digest' : 'composed',
  subject: r.subject,
  introduction: r.introduction,
  articleSlugs: Array.isArray(r.article_slugs) ? r.article_slugs.filter((s): s is string => typeof s === 'string') : [],
  status: r.status as IssueStatus,
  sendAt: r.send_at,
  sentAt: r.sent_at,
  createdAt: r.created_at,
});

export async function findIssue(db: Db, id: number): Promise<Issue | null> {
  const row = await db.selectFrom('newsletter_issues').select(ISSUE_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toIssue(row) : null;
}

/** A list's issues, newest first, keyset by id; `sentOnly` for the public archive. */
export async function listIssues(
  db: Db,
  newsletterId: number,
  options: { before?: number | undefined; limit: number; sentOnly?: boolean },
): Promise<Issue[]> {
  let query = db
    .selectFrom('newsletter_issues')
    .select(ISSUE_COLUMNS)
    .where('newsletter_id', '=', newsletterId)
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  if (options.sentOnly) query = query.where('status', '=', 'sent');
  return (await query.execute()).map(toIssue);
}

export interface IssueFields {
  subject: string;
  introduction: string;
  articleSlugs: string[];
}

/** A new issue; null when `digestKey` names a digest made already (one per section and day). */
export async function insertIssue(
  db: Db,
  issue: IssueFields & { newsletterId: number; kind: Issue['kind']; status: IssueStatus; sendAt: Date | null; digestKey?: string },
  now: Date,
): Promise<number | null> {
  const row = await db
    .insertInto('newsletter_issues')
    .values({
      newsletter_id: issue.newsletterId,
      kind: issue.kind,
      subject: issue.subject,
      introduction: issue.introduction,
      article_slugs: JSON.stringify(issue.articleSlugs),
      status: issue.status,
      send_at: issue.sendAt,
      digest_key: issue.digestKey ?? null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('digest_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Saves an issue's text, only while it has not started sending; false otherwise. */
export async function updateIssue(db: Db, id: number, fields: IssueFields, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('newsletter_issues')
    .set({
      subject: fields.subject,
      introduction: fields.introduction,
      article_slugs: JSON.stringify(fields.articleSlugs),
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', 'in', ['draft', 'held', 'scheduled'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Moves an issue from one of `from` to `to` (with its send time); false when it was in none of them. */
export async function moveIssue(
  db: Db,
  id: number,
  from: readonly IssueStatus[],
  to: IssueStatus,
  now: Date,
  sendAt?: Date | null,
): Promise<boolean> {
  const result = await db
    .updateTable('newsletter_issues')
    .set({
      status: to,
      updated_at: now,
      ...(sendAt === undefined ? {} : { send_at: sendAt }),
      ...(to === 'sent' ? { sent_at: now } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Writes one delivery row per confirmed, unsuppressed subscriber (once: the issue is then `recipients_ready`, and
 * the rows' unique key makes a second run add nothing), in one statement and transaction, so a crash leaves either
 * the whole list or none of it.
 */
export async function prepareDeliveries(db: Db, issueId: number, newsletterId: number, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const issue = await tx
      .selectFrom('newsletter_issues')
      .select('recipients_ready')
      .where('id', '=', issueId)
      .forUpdate()
      .executeTakeFirst();
    if (!issue || issue.recipients_ready) return;
    await sql`insert into newsletter_deliveries (issue_id, email, next_attempt_at)
      select ${issueId}, s.email, ${now}::timestamptz from newsletter_subscriptions s
      where s.newsletter_id = ${newsletterId} and s.status = 'confirmed'
        and not exists (select 1 from newsletter_suppressions x
          where x.email = s.email and (x.newsletter_id is null or x.newsletter_id = ${newsletterId}))
      order by s.id
      on conflict (issue_id, email) do nothing`.execute(tx);
    await tx.updateTable('newsletter_issues').set({ recipients_ready: true, updated_at: now }).where('id', '=', issueId).execute();
  });
}

export interface ClaimedDelivery {
  id: number;
  email: string;
  attempts: number;
}

/**
 * Claims up to `limit` deliveries due now: pending ones whose time has come, and ones a worker claimed but never
 * finished (its lease ran out: the process died). `skip locked` lets several workers share a send.
 */
export async function claimDeliveries(db: Db, issueId: number, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  // bigserial ids come back as text from node-postgres.
  const { rows } = await sql<{ id: string | number; email: string; attempts: number }>`update newsletter_deliveries d
    set status = 'sending', lease_until = ${leaseUntil}, attempts = d.attempts + 1
    where d.id in (
      select id from newsletter_deliveries
      where issue_id = ${issueId}
        and ((status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and lease_until < ${now}))
      order by id limit ${limit} for update skip locked)
    returning d.id, d.email, d.attempts`.execute(db);
  return rows.map((r) => ({ id: Number(r.id), email: r.email, attempts: r.attempts }));
}

/** Records the end of one claimed delivery; only while the claim is still this worker's (status `sending`). */
export async function finishDelivery(
  db: Db,
  id: number,
  outcome: { status: 'sent' | 'failed' | 'suppressed'; error?: string } | { status: 'pending'; retryAt: Date; error: string },
  now: Date,
): Promise<void> {
  await db
    .updateTable('newsletter_deliveries')
    .set({
      status: outcome.status,
      lease_until: null,
      last_error: outcome.error?.slice(0, 1000) ?? null,
      ...(outcome.status === 'sent' ? { sent_at: now } : {}),
      ...(outcome.status === 'pending' ? { next_attempt_at: outcome.retryAt } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** Counts of an issue's deliveries by state. */
export async function sendProgress(db: Db, issueId: number): Promise<SendProgress> {
  const rows = await db
    .selectFrom('newsletter_deliveries')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('issue_id', '=', issueId)
    .groupBy('status')
    .execute();
  const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  const progress = {
    sent: count('sent'),
    failed: count('failed'),
    suppressed: count('suppressed'),
    left: count('pending') + count('sending'),
  };
  return { ...progress, total: progress.sent + progress.failed + progress.suppressed + progress.left };
}

/** The earliest time a delivery of the issue waits for (a retry), or null when none waits. */
export async function nextRetryAt(db: Db, issueId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('newsletter_deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('issue_id', '=', issueId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

/** Issues scheduled for `now` or before: the sender starts them. */
export async function dueIssues(db: Db, now: Date, limit: number): Promise<{ id: number }[]> {
  return db
    .selectFrom('newsletter_issues')
    .select('id')
    .where('status', '=', 'scheduled')
    .where('send_at', '<=', now)
    .orderBy('send_at')
    .limit(limit)
    .execute();
}

/** The accounts of these addresses (not deleted; addresses are stored lower-cased), by address. */
export async function accountsByEmail(db: Db, emails: readonly string[]): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', 'in', [...emails])
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** The entitlements each of these accounts holds at `now`. */
export async function entitlementsOf(db: Db, userIds: readonly number[], now: Date): Promise<Map<number, Set<string>>> {
  const held = new Map<number, Set<string>>(userIds.map((id) => [id, new Set<string>()]));
  if (userIds.length === 0) return held;
  const rows = await db
    .selectFrom('entitlement_grants')
    .select(['user_id', 'entitlement'])
    .where('user_id', 'in', [...userIds])
    .where('revoked_at', 'is', null)
    .where('starts_at', '<=', now)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .execute();
  for (const row of rows) held.get(row.user_id)?.add(row.entitlement);
  return held;
}

/** The subscriptions of these addresses to one list, by address (for each message's unsubscribe link). */
export async function subscriptionIdsByEmail(db: Db, newsletterId: number, emails: readonly string[]): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .selectFrom('newsletter_subscriptions')
    .select(['id', 'email'])
    .where('newsletter_id', '=', newsletterId)
    .where('email', 'in', [...emails])
    .where('status', '=', 'confirmed')
    .execute();
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** One more open of an issue (an aggregate counter: one row per issue, whatever the traffic); nothing for no issue. */
export async function countOpen(db: Db, issueId: number): Promise<void> {
  await sql`insert into newsletter_issue_opens (issue_id, opens)
    select id, 1 from newsletter_issues where id = ${issueId}
    on conflict (issue_id) do update set opens = newsletter_issue_opens.opens + 1`.execute(db);
}

/** One more click of a signed link of an issue (one row per issue and link, whatever the traffic). */
export async function countClick(db: Db, issueId: number, url: string): Promise<void> {
  await sql`insert into newsletter_link_clicks (issue_id, url, clicks)
    select id, ${url}, 1 from newsletter_issues where id = ${issueId}
    on conflict (issue_id, url) do update set clicks = newsletter_link_clicks.clicks + 1`.execute(db);
}

/** An issue's opens and its most-clicked links (by the primary key's issue prefix; an issue has few links). */
export async function issueCounts(
  db: Db,
  issueId: number,
  limit: number,
): Promise<{ opens: number; links: { url: string; clicks: number }[] }> {
  const opens = await db.selectFrom('newsletter_issue_opens').select('opens').where('issue_id', '=', issueId).executeTakeFirst();
  const links = await db
    .selectFrom('newsletter_link_clicks')
    .select(['url', 'clicks'])
    .where('issue_id', '=', issueId)
    .orderBy('clicks', 'desc')
    .orderBy('url')
    .limit(limit)
    .execute();
  return { opens: opens?.opens ?? 0, links };
}
