import { createHash } from 'node:crypto';
import type { Db } from '../ports/database.js';
import type { FeedFetcher } from '../ports/feed-fetcher.js';
import type { Mailer } from '../ports/mailer.js';
import { ANONYMOUS, authorize, type Actor } from '../policies/policies.js';
import { appendCorrection } from '../content/corrections.js';
import { NO_SEO, slugFrom, type ArticleFields, type NewsroomArticle } from '../content/newsroom.js';
import { findNewsroomArticle } from '../content/newsroom-queries.js';
import { listSections } from '../content/queries.js';
import type { SaveInput, SaveResult } from '../content/newsroom-service.js';
import { ARTICLE_INPUT_LIMITS } from '../content/article-input.js';
import { AGENCY_CODE, type Agency, type ParsedDocument, type WireItem, type WireProblem } from './model.js';
import { parseDocument } from './parse.js';
import { checkAgency, isPollDue, isStale, planIngest, sectionFor, wireSlug, type AgencyDraft, type IngestPlan } from './rules.js';
import {
  claimNewItem,
  claimPoll,
  markDelivered,
  claimVersion,
  releaseClaim,
  countItems,
  findAgency,
  findDeskItem,
  findKnownItem,
  insertAgency,
  insertProblems,
  listAgencies,
  listDeskItems,
  listProblems,
  markStaleAlerted,
  recordPoll,
  setItemStatus,
  updateAgency,
  upsertItem,
  type DeskCursor,
  type DeskItem,
  type StoredProblem,
} from './queries.js';

/** What one delivery (a poll or a push) did. */
export interface IngestReport {
  created: number;
  updated: number;
  killed: number;
  /** Items already taken at this version (or later), or kills of stories never taken. */
  unchanged: number;
  problems: WireProblem[];
}

/** Credentials of an agency, from the environment: a bearer token for polling, a secret for signed pushes. */
export interface AgencyCredentials {
  token: string | null;
  secret: string | null;
}

export interface WireDeps {
  db: Db;
  now: () => Date;
  fetcher: FeedFetcher;
  /** Saves articles as the newsroom service does (revisions, audit, announced), without its editor check. */
  writer: { save(actor: Actor, input: SaveInput): Promise<SaveResult> };
  onChange: () => Promise<void>;
  credentials: (code: string) => AgencyCredentials;
  mailer: Mailer;
  /** Who is told when a feed stops delivering; empty: nobody is emailed (the desk still shows it). */
  alertRecipients: () => string[];
  publication: () => string;
  publicUrl: string;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** A standfirst for an item that has none: its first paragraph, cut at a word within the limit. */
function standfirstFrom(item: WireItem): string {
  if (item.standfirst) return item.standfirst.slice(0, ARTICLE_INPUT_LIMITS.standfirst);
  const first = (item.body.split('\n\n')[0] ?? '').replace(/\\(.)/g, '$1');
  if (first.length <= 300) return first;
  return `${first.slice(0, 300).replace(/\s+\S*$/, '')}…`;
}

/**
 * The wire: agencies' feeds in (polled by the job, or pushed to the signed webhook), each item de-duplicated by its
 * id and version, published or held for an editor as the agency's settings say, with provenance `wire:<code>`; and
 * the wire desk's reads and actions (policy `editContent`).
 */
export function createWireService(deps: WireDeps) {
  const { db, now } = deps;

  /** Takes one item: claims its version (so a concurrent delivery of it does nothing), then acts on its article. */
  async function take(agency: Agency, item: WireItem, sections: ReadonlySet<string>): Promise<IngestPlan | WireProblem> {
    const at = now();
    const claim = await db.transaction().execute(async (tx) => {
      const known = await findKnownItem(tx, agency.id, item.guid);
      const plan = planIngest(known, item, agency);
      if (plan.kind === 'ignore') return { plan, known };
      const claimed = known
        ? await claimVersion(tx, known.id, item.version, at)
        : await claimNewItem(tx, {
            agencyId: agency.id,
            guid: item.guid,
            version: item.version,
            headline: item.headline,
            embargoUntil: item.embargoUntil,
            at,
          });
      // Only one delivery moves the version on: a concurrent one sees it moved and ignores the item.
      if (!claimed) return { plan: { kind: 'ignore', why: 'old-version' } as IngestPlan, known };
      return { plan, known };
    });
    const { plan, known } = claim;
    if (plan.kind === 'ignore') return plan;
    const outcome = await act(agency, item, plan, known?.articleId ?? null, sections);
    if (outcome.ok) {
      await db.transaction().execute((tx) =>
        upsertItem(tx, {
          agencyId: agency.id,
          guid: item.guid,
          version: item.version,
          status: outcome.status,
          canceled: plan.kind === 'kill' && plan.canceled,
          headline: item.headline || (known ? '' : item.guid),
          articleId: outcome.articleId,
          embargoUntil: item.embargoUntil,
          at,
        }),
      );
      return plan;
    }
    // Not taken: the version is given back, so a corrected delivery of it is taken.
    await db.transaction().execute((tx) => releaseClaim(tx, agency.id, item.guid, known?.version ?? null));
    return { item: item.guid, reason: outcome.reason };
  }

  type Outcome = { ok: true; status: 'waiting' | 'published' | 'killed'; articleId: number | null } | { ok: false; reason: string };

  async function act(
    agency: Agency,
    item: WireItem,
    plan: Exclude<IngestPlan, { kind: 'ignore' }>,
    articleId: number | null,
    sections: ReadonlySet<string>,
  ): Promise<Outcome> {
    const at = now();
    if (plan.kind === 'create') {
      const fields: ArticleFields = {
        slug: wireSlug(slugFrom(item.headline), agency.code, hashOf(item.guid)),
        headline: item.headline,
        standfirst: standfirstFrom(item),
        body: item.body,
        section: sectionFor(item, agency, sections),
        tags: [],
        authors: [],
        dateline: item.dateline,
        visibility: agency.visibility,
        provenance: `wire:${agency.code}`,
        leadImage: null,
        embargoUntil: item.embargoUntil && item.embargoUntil > at ? item.embargoUntil : null,
        seo: NO_SEO,
      };
      const action: SaveInput['action'] = !plan.publish
        ? { kind: 'save' }
        : fields.embargoUntil
          ? { kind: 'schedule', at: fields.embargoUntil }
          : { kind: 'publish' };
      const saved = await deps.writer.save(ANONYMOUS, { id: null, version: null, fields, action });
      if (!saved.ok) return { ok: false, reason: refusal(saved) };
      return { ok: true, status: plan.publish ? 'published' : 'waiting', articleId: saved.id };
    }
    const current = articleId === null ? null : await findNewsroomArticle(db, articleId);
    if (!current)
      return plan.kind === 'kill' ? { ok: true, status: 'killed', articleId: null } : { ok: false, reason: 'its article was deleted' };
    if (plan.kind === 'kill') {
      if (current.status === 'unpublished') return { ok: true, status: 'killed', articleId };
      const saved = await saveOver(current, current, { kind: 'unpublish' });
      return saved.ok ? { ok: true, status: 'killed', articleId } : { ok: false, reason: refusal(saved) };
    }
    // An update: the agency's text replaces the article's; its address, section and settings stay.
    const embargo = item.embargoUntil && item.embargoUntil > at ? item.embargoUntil : null;
    const fields: ArticleFields = {
      ...current,
      headline: item.headline,
      standfirst: standfirstFrom(item),
      body: item.body,
      dateline: item.dateline ?? current.dateline,
      embargoUntil: current.status === 'published' && current.publishedAt && current.publishedAt <= at ? current.embargoUntil : embargo,
    };
    const scheduled = current.status === 'published' && current.publishedAt !== null && current.publishedAt > at;
    const wasKilled = current.status === 'unpublished';
    const action: SaveInput['action'] =
      wasKilled && agency.autoPublish
        ? embargo
          ? { kind: 'schedule', at: embargo }
          : { kind: 'publish' }
        : scheduled && embargo
          ? { kind: 'schedule', at: embargo }
          : { kind: 'save' };
    const saved = await saveOver(current, fields, action, !scheduled && current.status === 'published');
    if (!saved.ok) return { ok: false, reason: refusal(saved) };
    if (plan.correction) {
      const corrected = await appendCorrection(deps, ANONYMOUS, current.id, { kind: 'correction', text: plan.correction });
      if (!corrected.ok) return { ok: false, reason: 'its correction could not be added' };
    }
    const published = current.status === 'published' || (wasKilled && agency.autoPublish);
    return { ok: true, status: published ? 'published' : 'waiting', articleId };
  }

  /** Saves over the article as read; an editor's save in between is read again and saved over once more. */
  async function saveOver(
    current: NewsroomArticle,
    fields: ArticleFields,
    action: SaveInput['action'],
    showUpdated = false,
  ): Promise<SaveResult> {
    const first = await deps.writer.save(ANONYMOUS, { id: current.id, version: current.version, fields, action, showUpdated });
    if (first.ok || first.kind !== 'conflict') return first;
    const again = first.current;
    const merged = { ...again, headline: fields.headline, standfirst: fields.standfirst, body: fields.body, dateline: fields.dateline };
    return deps.writer.save(ANONYMOUS, {
      id: current.id,
      version: again.version,
      fields: action.kind === 'unpublish' ? again : merged,
      action,
      showUpdated,
    });
  }

  function refusal(result: Exclude<SaveResult, { ok: true }>): string {
    if (result.kind === 'conflict') return 'an editor was saving its article at the same time';
    return Object.entries(result.errors)
      .map(([field, message]) => `${field}: ${message}`)
      .join(' ');
  }

  /** Takes a document from an agency: every readable item, each problem reported and stored. Nothing else is touched. */
  async function ingest(agency: Agency, document: ParsedDocument): Promise<IngestReport> {
    const report: IngestReport = { created: 0, updated: 0, killed: 0, unchanged: 0, problems: [...document.problems] };
    const sections = new Set((await listSections(db)).map((s) => s.slug));
    for (const item of document.items) {
      const outcome = await take(agency, item, sections);
      if (!('kind' in outcome)) report.problems.push(outcome);
      else if (outcome.kind === 'ignore') report.unchanged++;
      else {
        await markDelivered(db, agency.id, now());
        if (outcome.kind === 'create') report.created++;
        else if (outcome.kind === 'update') report.updated++;
        else report.killed++;
      }
    }
    await insertProblems(db, agency.id, report.problems, now());
    return report;
  }

  const summary = (r: IngestReport) =>
    `${r.created} new, ${r.updated} updated, ${r.killed} killed, ${r.unchanged} unchanged, ${r.problems.length} skipped` +
    (r.problems.length > 0
      ? ` (${r.problems
          .map((p) => `${p.item}: ${p.reason}`)
          .join('; ')
          .slice(0, 600)})`
      : '');

  /** Polls one agency's endpoint and takes what it delivers; the outcome is the agency's last-poll status. */
  async function poll(agency: Agency): Promise<IngestReport | null> {
    const at = now();
    if (!agency.endpoint) return null;
    const { token } = deps.credentials(agency.code);
    const headers: Record<string, string> = {
      accept: agency.format === 'ninjs' ? 'application/json' : 'application/xml, text/xml, application/rss+xml, application/atom+xml',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const fetched = await deps.fetcher.fetch(agency.endpoint, headers);
    if (!fetched.ok) {
      await recordPoll(db, agency.id, { at, ok: false, message: fetched.reason });
      return null;
    }
    const report = await ingest(agency, parseDocument(agency.format, fetched.body));
    const whole = report.problems.find((p) => p.item === 'document');
    await recordPoll(db, agency.id, { at, ok: !whole, message: summary(report) });
    return report;
  }

  /** Emails the newsroom once about each feed that stopped delivering (again after it delivers and stops again). */
  async function alertStale(agencies: Agency[]): Promise<number> {
    let sent = 0;
    const at = now();
    for (const agency of agencies) {
      if (!isStale(agency, at) || agency.staleAlertedAt !== null) continue;
      if (!(await markStaleAlerted(db, agency.id, at))) continue;
      const since = agency.lastDeliveryAt ? `since ${agency.lastDeliveryAt.toISOString()}` : 'since it was added';
      const text = `The ${agency.name} (${agency.code}) wire feed has delivered nothing ${since}.\nLast poll: ${agency.lastPollMessage ?? 'none yet'}\n\nThe wire desk: ${deps.publicUrl}/admin/wire`;
      for (const to of deps.alertRecipients()) {
        await deps.mailer.send({
          to,
          subject: `${deps.publication()}: the ${agency.name} wire has stopped delivering`,
          text,
          html: `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`,
          tag: 'wire-stale',
        });
      }
      sent++;
    }
    return sent;
  }

  return {
    ingest,
    poll,
    /** The job's run: polls every agency that is due, then alerts on feeds that stopped delivering. */
    async pollDue(): Promise<{ polled: number; alerted: number }> {
      const agencies = await listAgencies(db);
      let polled = 0;
      for (const agency of agencies) {
        if (!isPollDue(agency, now()) || !(await claimPoll(db, agency.id, now()))) continue;
        await poll(agency);
        polled++;
      }
      const alerted = await alertStale(await listAgencies(db));
      return { polled, alerted };
    },
    /** A pushed document, once its signature was checked by the web layer. */
    async receive(code: string, body: string): Promise<IngestReport | null> {
      const agency = await findAgency(db, { code });
      if (!agency?.enabled) return null;
      const report = await ingest(agency, parseDocument(agency.format, body));
      await recordPoll(db, agency.id, {
        at: now(),
        ok: !report.problems.some((p) => p.item === 'document'),
        message: `push: ${summary(report)}`,
      });
      return report;
    },
    /** The agency a webhook names, with its secret; null when there is none, it is switched off, or it has no secret. */
    async pushTarget(code: string): Promise<{ agency: Agency; secret: string } | null> {
      if (!AGENCY_CODE.test(code)) return null;
      const agency = await findAgency(db, { code });
      const secret = agency?.enabled ? deps.credentials(agency.code).secret : null;
      return agency && secret ? { agency, secret } : null;
    },

    // ——— the desk ———
    async agencies(actor: Actor): Promise<(Agency & { counts: Record<'waiting' | 'published' | 'killed', number>; stale: boolean })[]> {
      authorize(actor, 'editContent');
      const [agencies, counts] = await Promise.all([listAgencies(db), countItems(db)]);
      return agencies.map((a) => {
        const mine = { waiting: 0, published: 0, killed: 0 };
        for (const c of counts) if (c.agencyId === a.id) mine[c.status] = c.count;
        return { ...a, counts: mine, stale: isStale(a, now()) };
      });
    },
    async agency(actor: Actor, id: number): Promise<Agency | null> {
      authorize(actor, 'editContent');
      return findAgency(db, { id });
    },
    /** Creates (`id` null) or saves an agency from the newsroom's form; its code is fixed once created. */
    async saveAgency(
      actor: Actor,
      id: number | null,
      draft: AgencyDraft,
    ): Promise<{ ok: true; id: number } | { ok: false; errors: Record<string, string> }> {
      authorize(actor, 'editContent');
      const sections = new Set((await listSections(db)).map((s) => s.slug));
      const existing = id === null ? null : await findAgency(db, { id });
      if (id !== null && !existing) return { ok: false, errors: { code: 'There is no such agency.' } };
      const checked = checkAgency(existing ? { ...draft, code: existing.code } : draft, sections);
      if (!checked.ok) return checked;
      if (!existing) {
        if (await findAgency(db, { code: checked.fields.code })) return { ok: false, errors: { code: 'Another agency has this code.' } };
        return { ok: true, id: await insertAgency(db, checked.fields, now()) };
      }
      await updateAgency(db, existing.id, checked.fields);
      return { ok: true, id: existing.id };
    },
    /** Polls one agency now (the desk's "Poll now"). */
    async pollNow(actor: Actor, id: number): Promise<boolean> {
      authorize(actor, 'editContent');
      const agency = await findAgency(db, { id });
      if (!agency?.endpoint) return false;
      await poll(agency);
      return true;
    },
    async items(
      actor: Actor,
      filters: {
        agencyId?: number | undefined;
        status?: 'waiting' | 'published' | 'killed' | undefined;
        before?: DeskCursor | undefined;
        limit: number;
      },
    ): Promise<DeskItem[]> {
      authorize(actor, 'editContent');
      return listDeskItems(db, filters);
    },
    async problems(actor: Actor, agencyId?: number): Promise<StoredProblem[]> {
      authorize(actor, 'editContent');
      return listProblems(db, { agencyId, limit: 20 });
    },
    /** One-click publish of a waiting item: now, or at its embargo's end. */
    async publish(actor: Actor, itemId: number): Promise<{ ok: true; scheduledFor: Date | null } | { ok: false; message: string }> {
      authorize(actor, 'editContent');
      const item = await findDeskItem(db, itemId);
      const article = item?.articleId ? await findNewsroomArticle(db, item.articleId) : null;
      if (!item || !article) return { ok: false, message: 'There is no such wire item.' };
      if (item.status === 'killed') return { ok: false, message: 'The agency killed this story: it cannot be published.' };
      const at = now();
      const embargo = article.embargoUntil && article.embargoUntil > at ? article.embargoUntil : null;
      const saved = await deps.writer.save(actor, {
        id: article.id,
        version: article.version,
        fields: article,
        action: embargo ? { kind: 'schedule', at: embargo } : { kind: 'publish' },
      });
      if (!saved.ok)
        return { ok: false, message: saved.kind === 'conflict' ? 'Someone saved this story meanwhile: try again.' : refusal(saved) };
      await setItemStatus(db, item.id, 'published', at);
      return { ok: true, scheduledFor: embargo };
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type WireService = ReturnType<typeof createWireService>;
