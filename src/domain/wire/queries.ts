import { sql } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { Agency, SectionRule, WireFormat, WireItemStatus, WireProblem } from './model.js';
import type { KnownItem } from './rules.js';

/** The wire's reads and writes (`wire_agencies`, `wire_items`, `wire_problems`, migration 033). */

const AGENCY_COLUMNS = [
  'id',
  'code',
  'name',
  'format',
  'endpoint',
  'poll_minutes as pollMinutes',
  'stale_minutes as staleMinutes',
  'default_section as defaultSection',
  'section_map as sectionMap',
  'visibility',
  'auto_publish as autoPublish',
  'exclude_from_archive as excludeFromArchive',
  'enabled',
  'last_poll_at as lastPollAt',
  'last_poll_ok as lastPollOk',
  'last_poll_message as lastPollMessage',
  'last_delivery_at as lastDeliveryAt',
  'stale_alerted_at as staleAlertedAt',
  'created_at as createdAt',
] as const;

type AgencyRow = Omit<Agency, 'format' | 'visibility' | 'sectionMap'> & { format: string; visibility: string; sectionMap: unknown };
const toAgency = (row: AgencyRow): Agency => ({
  ...row,
  format: row.format as WireFormat,
  visibility: row.visibility as Agency['visibility'],
  sectionMap: Array.isArray(row.sectionMap) ? (row.sectionMap as SectionRule[]) : [],
});

export async function listAgencies(db: Db): Promise<Agency[]> {
  return (await db.selectFrom('wire_agencies').select(AGENCY_COLUMNS).orderBy('name').orderBy('id').execute()).map(toAgency);
}

export async function findAgency(db: Db, by: { id: number } | { code: string }): Promise<Agency | null> {
  const q = db.selectFrom('wire_agencies').select(AGENCY_COLUMNS);
  const row = await ('id' in by ? q.where('id', '=', by.id) : q.where('code', '=', by.code)).executeTakeFirst();
  return row ? toAgency(row) : null;
}

/** Locks an agency's row for one delivery at a time: two polls (or a poll and a push) never take one item twice. */
export async function lockAgency(tx: Tx, id: number): Promise<void> {
  await tx.selectFrom('wire_agencies').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
}

/** What the newsroom sets on an agency. */
export interface AgencyFields {
  code: string;
  name: string;
  format: WireFormat;
  endpoint: string | null;
  pollMinutes: number;
  staleMinutes: number;
  defaultSection: string;
  sectionMap: SectionRule[];
  visibility: Agency['visibility'];
  autoPublish: boolean;
  excludeFromArchive: boolean;
  enabled: boolean;
}

const agencyValues = (f: AgencyFields) => ({
  code: f.code,
  name: f.name,
  format: f.format,
  endpoint: f.endpoint,
  poll_minutes: f.pollMinutes,
  stale_minutes: f.staleMinutes,
  default_section: f.defaultSection,
  section_map: JSON.stringify(f.sectionMap),
  visibility: f.visibility,
  auto_publish: f.autoPublish,
  exclude_from_archive: f.excludeFromArchive,
  enabled: f.enabled,
});

export async function insertAgency(db: Db, fields: AgencyFields, at: Date): Promise<number> {
  const row = await db
    .insertInto('wire_agencies')
    .values({ ...agencyValues(fields), created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Saves an agency's settings (its code stays: provenance, credentials and the webhook address hang on it). */
export async function updateAgency(db: Db, id: number, fields: Omit<AgencyFields, 'code'>): Promise<boolean> {
  const { code: _code, ...values } = agencyValues({ ...fields, code: '' });
  const result = await db.updateTable('wire_agencies').set(values).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records a poll's (or a push's) outcome: the desk's last-poll status. */
export async function recordPoll(db: Db, id: number, poll: { at: Date; ok: boolean; message: string }): Promise<void> {
  await db
    .updateTable('wire_agencies')
    .set({
      last_poll_at: poll.at,
      last_poll_ok: poll.ok,
      last_poll_message: poll.message.slice(0, 1_000),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Marks an agency's stale alert as sent, once, if it is still stale by what is stored now (a delivery another
 * instance is taking moves `last_delivery_at` item by item): false when it is not, or another instance marked it.
 */
export async function markStaleAlerted(db: Db, id: number, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('wire_agencies')
    .set({ stale_alerted_at: at })
    .where('id', '=', id)
    .where('stale_alerted_at', 'is', null)
    .where('enabled', '=', true)
    .where(sql<boolean>`coalesce(last_delivery_at, created_at) < ${at}::timestamptz - stale_minutes * interval '1 minute'`)
    // Not while a poll is under way (it may be taking items now), unless that poll began long ago and died.
    .where(sql<boolean>`(last_poll_ok is not null or last_poll_at is null or last_poll_at < ${at}::timestamptz - interval '10 minutes')`)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** An item was taken: the feed is delivering (a stale alert is lifted). */
export async function markDelivered(db: Db, id: number, at: Date): Promise<void> {
  await db.updateTable('wire_agencies').set({ last_delivery_at: at, stale_alerted_at: null }).where('id', '=', id).execute();
}

/** Claims an agency's poll that is due at `at`: false when another run (or instance) already polled it in this interval. */
export async function claimPoll(db: Db, id: number, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('wire_agencies')
    // `last_poll_ok` null: under way, until `recordPoll` says how it went.
    .set({ last_poll_at: at, last_poll_ok: null })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_poll_at', 'is', null),
        eb('last_poll_at', '<=', sql<Date>`${at}::timestamptz - poll_minutes * interval '1 minute' + interval '1 second'`),
      ]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findKnownItem(tx: Tx, agencyId: number, guid: string): Promise<(KnownItem & { id: number }) | null> {
  const row = await tx
    .selectFrom('wire_items')
    .select(['id', 'version', 'status', 'canceled', 'article_id as articleId'])
    .where('agency_id', '=', agencyId)
    .where('guid', '=', guid)
    .executeTakeFirst();
  return row ? { ...row, status: row.status as WireItemStatus } : null;
}

export async function upsertItem(
  tx: Tx,
  item: {
    agencyId: number;
    guid: string;
    version: number;
    status: WireItemStatus;
    canceled: boolean;
    headline: string;
    articleId: number | null;
    embargoUntil: Date | null;
    at: Date;
  },
): Promise<void> {
  await tx
    .insertInto('wire_items')
    .values({
      agency_id: item.agencyId,
      guid: item.guid,
      version: item.version,
      status: item.status,
      canceled: item.canceled,
      headline: item.headline,
      article_id: item.articleId,
      embargo_until: item.embargoUntil,
      received_at: item.at,
      updated_at: item.at,
    })
    .onConflict((oc) =>
      oc.columns(['agency_id', 'guid']).doUpdateSet({
        version: item.version,
        status: item.status,
        canceled: item.canceled,
        // A kill carries no headline: the desk keeps showing the story's.
        headline: sql<string>`coalesce(nullif(excluded.headline, ''), wire_items.headline)`,
        article_id: item.articleId,
        embargo_until: item.embargoUntil,
        updated_at: item.at,
      }),
    )
    .execute();
}

export async function setItemStatus(db: Db, id: number, status: WireItemStatus, at: Date): Promise<void> {
  await db.updateTable('wire_items').set({ status, updated_at: at }).where('id', '=', id).execute();
}

/** An editor published (or took down) the article a waiting (or published) item became: the desk shows it so. */
export async function followArticleStatus(tx: Tx, articleId: number, articleStatus: string, at: Date): Promise<void> {
  const [from, to]: [WireItemStatus, WireItemStatus] = articleStatus === 'published' ? ['waiting', 'published'] : ['published', 'waiting'];
  await tx
    .updateTable('wire_items')
    .set({ status: to, updated_at: at })
    .where('article_id', '=', articleId)
    .where('status', '=', from)
    .execute();
}

export async function insertProblems(db: Db, agencyId: number, problems: readonly WireProblem[], at: Date): Promise<void> {
  if (problems.length === 0) return;
  await db
    .insertInto('wire_problems')
    .values(problems.map((p) => ({ agency_id: agencyId, at, item_ref: p.item.slice(0, 500), reason: p.reason.slice(0, 1_000) })))
    .execute();
}

export interface DeskItem {
  id: number;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  guid: string;
  version: number;
  status: WireItemStatus;
  headline: string;
  articleId: number | null;
  embargoUntil: Date | null;
  receivedAt: Date;
  updatedAt: Date;
}

/** Where a desk list continues: after the item last changed at `updatedAt` with `id`. */
export interface DeskCursor {
  updatedAt: Date;
  id: number;
}

/** The desk's items with their agency's code and name: the one select the desk's list and its single item share. */
const deskItems = (db: Db) =>
  db
    .selectFrom('wire_items as i')
    .innerJoin('wire_agencies as a', 'a.id', 'i.agency_id')
    .select([
      'i.id',
      'i.agency_id as agencyId',
      'a.code as agencyCode',
      'a.name as agencyName',
      'i.guid',
      'i.version',
      'i.status',
      'i.headline',
      'i.article_id as articleId',
      'i.embargo_until as embargoUntil',
      'i.received_at as receivedAt',
      'i.updated_at as updatedAt',
    ]);

const toDeskItem = (row: Omit<DeskItem, 'status'> & { status: string }): DeskItem => ({ ...row, status: row.status as WireItemStatus });

/** The desk's list, most recently changed first, one keyset page. */
export async function listDeskItems(
  db: Db,
  f: { agencyId?: number | undefined; status?: WireItemStatus | undefined; before?: DeskCursor | undefined; limit: number },
): Promise<DeskItem[]> {
  let q = deskItems(db);
  if (f.agencyId !== undefined) q = q.where('i.agency_id', '=', f.agencyId);
  if (f.status !== undefined) q = q.where('i.status', '=', f.status);
  // A row comparison, not `a < x or (a = x and b < y)`: PostgreSQL starts the index scan at the cursor with it,
  // where the `or` form made it read (and discard) every newer item before a page far back.
  const before = f.before;
  if (before) q = q.where((eb) => eb(eb.refTuple('i.updated_at', 'i.id'), '<', eb.tuple(before.updatedAt, before.id)));
  const rows = await q.orderBy('i.updated_at', 'desc').orderBy('i.id', 'desc').limit(f.limit).execute();
  return rows.map(toDeskItem);
}

export async function findDeskItem(db: Db, id: number): Promise<DeskItem | null> {
  const row = await deskItems(db).where('i.id', '=', id).executeTakeFirst();
  return row ? toDeskItem(row) : null;
}

/** Items per agency and status. */
export async function countItems(db: Db): Promise<{ agencyId: number; status: WireItemStatus; count: number }[]> {
  const rows = await db
    .selectFrom('wire_items')
    .select(['agency_id as agencyId', 'status', sql<number>`count(*)::int`.as('count')])
    .groupBy(['agency_id', 'status'])
    .execute();
  return rows.map((r) => ({ ...r, status: r.status as WireItemStatus }));
}

export interface StoredProblem {
  id: number;
  agencyId: number;
  at: Date;
  item: string;
  reason: string;
}

/** The newest problems of all agencies, or one. */
export async function listProblems(db: Db, f: { agencyId?: number | undefined; limit: number }): Promise<StoredProblem[]> {
  let q = db.selectFrom('wire_problems').select(['id', 'agency_id as agencyId', 'at', 'item_ref as item', 'reason']);
  if (f.agencyId !== undefined) q = q.where('agency_id', '=', f.agencyId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

/** Moves a known item on to `version`; false when a concurrent delivery already did (then it is not taken twice). */
export async function claimVersion(tx: Tx, id: number, version: number, at: Date): Promise<boolean> {
  const moved = await tx
    .updateTable('wire_items')
    .set({ version, updated_at: at })
    .where('id', '=', id)
    .where('version', '<', version)
    .executeTakeFirst();
  return moved.numUpdatedRows > 0n;
}

/** Claims a new item (no article yet); false when a concurrent delivery claimed it first. */
export async function claimNewItem(
  tx: Tx,
  item: { agencyId: number; guid: string; version: number; headline: string; embargoUntil: Date | null; at: Date },
): Promise<boolean> {
  const inserted = await tx
    .insertInto('wire_items')
    .values({
      agency_id: item.agencyId,
      guid: item.guid,
      version: item.version,
      status: 'waiting',
      headline: item.headline,
      embargo_until: item.embargoUntil,
      received_at: item.at,
      updated_at: item.at,
    })
    .onConflict((oc) => oc.columns(['agency_id', 'guid']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Gives back a claim whose item could not be taken: the version before it, or no row for an item never taken. */
export async function releaseClaim(tx: Tx, agencyId: number, guid: string, previousVersion: number | null): Promise<void> {
  if (previousVersion !== null)
    await tx
      .updateTable('wire_items')
      .set({ version: previousVersion })
      .where('agency_id', '=', agencyId)
      .where('guid', '=', guid)
      .execute();
  else
    await tx.deleteFrom('wire_items').where('agency_id', '=', agencyId).where('guid', '=', guid).where('article_id', 'is', null).execute();
}
