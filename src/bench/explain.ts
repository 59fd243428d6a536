/**
 * `npm run explain`: the query plans of the queries pages and jobs make, on PostgreSQL with many rows.
 *
 * Creates a scratch database on the server named by DATABASE_URL (or TEST_DATABASE_URL), migrates it,
 * fills it with EXPLAIN_ROWS articles and as many readers (default 100,000 each; subscriptions, payments,
 * invoices, grants, sessions, meters, jobs and webhook events come with them), vacuums it, then runs the app's own
 * query functions, records the SQL they send, and prints `EXPLAIN (ANALYZE, BUFFERS)` for each as
 * Markdown (writes are explained inside a transaction that is rolled back). The database is dropped at the
 * end. `--write` puts the report in docs/query-plans.md.
 */
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { openDatabase } from '../adapters/db/database.js';
import { migrate } from '../adapters/db/migrate.js';
import { deleteSpentRefreshTokens, findLiveSessionWithUser, listDevices } from '../domain/accounts/session-queries.js';
import { findUserByEmail } from '../domain/accounts/user-queries.js';
import { seedBaseline } from '../domain/content/seed.js';
import { grantToPlanSubscribers } from '../domain/billing/subscription-queries.js';
import {
  anyPublishedBetween,
  findArticleBySlug,
  firstPublishedAt,
  listArticles,
  listArticlesByAuthor,
  listRelatedArticles,
  listSitemapEntries,
  publishedMonthBounds,
  publishedMoreThan,
  storiesAround,
} from '../domain/content/queries.js';
import { countPublishedBetween, listNewsroomArticles } from '../domain/content/newsroom-queries.js';
import { listAuthors } from '../domain/content/author-queries.js';
import { dayStart, monthStart, yearStart } from '../domain/content/calendar-years.js';
import { SITEMAP_MAX_URLS } from '../domain/content/sitemaps.js';
import { listCuratedLive } from '../domain/content/curated.js';
import { searchPublished } from '../domain/front-page/queries.js';
import { searchArticles } from '../domain/search/queries.js';
import { cleanSearchText, readSearchText } from '../domain/search/query-text.js';
import { activeEntitlements, revokeEntitlements } from '../domain/entitlements/queries.js';
import { databaseMeterStore, deleteMetersBefore } from '../domain/metering/anonymous-meter-queries.js';
import { chargeReaderMeter, loadReaderMeter } from '../domain/metering/reader-meter-queries.js';
import type { Db } from '../domain/ports/database.js';
import { claimDueJobs, deleteFinishedJobsBefore, pendingJobs } from '../jobs/queries.js';
import { listUserInvoices } from '../domain/billing/invoice-queries.js';
import { findPaymentByGatewayId } from '../domain/billing/payment-queries.js';
import { createBillingReads } from '../domain/billing/reads.js';
import type { BillingDeps } from '../domain/billing/deps.js';
import { findSubscriptionIdByGatewayId, listSubscriptionRowsNeedingAttention } from '../domain/billing/subscription-queries.js';
import { listUnprocessedWebhooks } from '../domain/billing/webhook-queries.js';
import { findReaders } from '../main.js';
import { withScratchDatabase } from './scratch-database.js';
import { SCALE_GUEST_AUTHOR, seedScaleArticles, seedScaleNewsroom, seedScaleReaders } from './scale-queries.js';
import { auditAreas, listChanges } from '../domain/audit/queries.js';
import { dayIn } from '../domain/time/zoned.js';
import { PREMIUM_DAY_CAP } from '../web/pages/premium-page.js';

/** Rows of the synthetic data that scenarios name by id. */
interface Seeded {
  /** An author with four stories among all the articles. */
  guestAuthorId: number;
}

interface Scenario {
  name: string;
  /** Why the page or job makes this query, and what should answer it. */
  why: string;
  run(db: Db, seeded: Seeded): Promise<unknown>;
}

const NOW = new Date('2026-11-24T06:30:00Z');
const rows = Number(process.env.EXPLAIN_ROWS ?? 100_000);
/**
 * The reader, article and subscription the single-row queries ask for: one in the middle of the synthetic rows (5,000
 * at the default size), so a smaller EXPLAIN_ROWS still finds them. Half the readers subscribe: a quarter is inside.
 */
const ID = Math.max(1, Math.min(5_000, Math.floor(rows / 4)));

/** A reader's search as `/search` runs it: the matching page, without the snippets (they read only the page's rows). */
function readerSearch(db: Db, q: string, options: { sort?: 'relevance' | 'date'; since?: Date; until?: Date } = {}) {
  return searchArticles(db, {
    config: 'english',
    text: readSearchText(cleanSearchText(q)),
    filters: { since: options.since, until: options.until },
    sort: options.sort ?? 'relevance',
    limit: 21,
    offset: 0,
    now: NOW,
    sections: { premium: [], metered: [], free: [] },
  });
}
const TZ = 'Asia/Kolkata';
const TODAY = dayIn(NOW, TZ);

const SCENARIOS: Scenario[] = [
  { name: 'Home: the newest article', why: 'every home page', run: (db) => listArticles(db, { limit: 1, now: NOW }) },
  {
    name: "Home: the editors' curation",
    why: 'every home page (cached): the lead, picks and pins by primary key, then those articles by id',
    run: (db) => listCuratedLive(db, NOW),
  },
  {
    name: 'Section page 1 below its pinned stories',
    why: 'section pages and blocks with pins: the (section, published_at) index, the pinned ids filtered out',
    run: (db) => listArticles(db, { section: 'markets', limit: 4, now: NOW, excludeIds: [1, 2, 3] }),
  },
  {
    name: 'Tag page 1, a common tag',
    why: "tag pages: one story in fifty carries it; the tag's newest live rows (article_tags_live_idx), then those articles by id",
    run: (db) => listArticles(db, { tag: 'tag-7', limit: 21, now: NOW }),
  },
  {
    name: 'Tag page, a tag no story carries',
    why: 'a tag page for a rare or mistyped tag: the same index answers at once',
    run: (db) => listArticles(db, { tag: 'no-such-tag', limit: 21, now: NOW }),
  },
  {
    name: 'Related stories under a story',
    why: 'every article page (cached a minute): each tag’s newest few from article_tags_live_idx, then those articles by id',
    run: (db) => listRelatedArticles(db, { id: ID, tags: ['scale', 'tag-0'] }, 4, NOW),
  },
  {
    name: 'Section page 1',
    why: 'section pages; the (section, published_at) index',
    run: (db) => listArticles(db, { section: 'markets', limit: 20, offset: 0, now: NOW }),
  },
  {
    name: 'Section, an older page far back',
    why: '"Older stories" links: keyset, so a page 2,000 deep costs what page 1 does',
    // Ten years back: thousands of pages deep in numbered terms.
    run: (db) =>
      listArticles(db, {
        section: 'markets',
        limit: 21,
        now: NOW,
        before: { publishedAt: new Date(NOW.getTime() - 10 * 365 * 86_400_000), id: 2_147_483_647 },
      }),
  },
  { name: 'Article by address', why: 'every article page (cached for 30 s)', run: (db) => findArticleBySlug(db, 'scale-12345') },
  {
    name: 'Author page 1',
    why: "/author/<slug>: the author's newest live bylines (article_authors_live_idx), then those articles by id",
    run: (db) => listArticlesByAuthor(db, { authorId: 7, limit: 21, now: NOW }),
  },
  {
    name: 'Author page of an occasional contributor',
    why: '/author/<slug> for an author with four stories in the whole archive: as cheap as a prolific one',
    run: (db, seeded) => listArticlesByAuthor(db, { authorId: seeded.guestAuthorId, limit: 21, now: NOW }),
  },
  {
    name: 'Newsroom list by author',
    why: "/admin/articles?author=…: the author's bylines, ordered by last change",
    run: (db) => listNewsroomArticles(db, { authorId: 7, limit: 51, now: NOW }),
  },
  {
    name: 'Newsroom list by publication date',
    why: '/admin/articles?from=…&to=…: articles_published_at_idx',
    run: (db) =>
      listNewsroomArticles(db, {
        publishedFrom: new Date(NOW.getTime() - 400 * 86_400_000),
        publishedTo: new Date(NOW.getTime() - 399 * 86_400_000),
        limit: 51,
        now: NOW,
      }),
  },
  {
    name: 'News sitemap: the last two days',
    why: '/sitemaps/news.xml',
    run: (db) => listArticles(db, { limit: 1000, now: NOW, since: new Date(NOW.getTime() - 2 * 86_400_000) }),
  },
  {
    name: 'Premium today',
    why: "/premium: the day's premium stories in the publisher's time zone, one day's range of a publication-date index",
    run: (db) => listArticles(db, { visibility: 'premium', since: TODAY.start, until: TODAY.end, limit: PREMIUM_DAY_CAP + 1, now: NOW }),
  },
  {
    name: 'Premium: the latest before a day with none',
    why: '/premium before the first premium story of the day: the newest premium story before midnight',
    run: (db) => listArticles(db, { visibility: 'premium', until: TODAY.start, limit: 1, now: NOW }),
  },
  {
    name: "Newsroom: today's premium count",
    why: "/admin/articles: premium stories out today and scheduled for later today, one day's range of a publication-date index",
    run: (db) => countPublishedBetween(db, { visibility: 'premium', from: TODAY.start, to: TODAY.end, now: NOW }),
  },
  { name: 'Archive: first publication', why: '/archive', run: (db) => firstPublishedAt(db) },
  {
    name: 'Archive and sitemap index: any article in a year or month',
    why: '/archive, once per year; /sitemap.xml, for a month or day the per-day counts leave undecided',
    run: (db) => anyPublishedBetween(db, yearStart(2010, TZ), yearStart(2011, TZ), NOW),
  },
  {
    name: 'Archive month and day: the nearest stories before and after',
    why: "an archive month's or day's previous and next links, once a page",
    run: (db) => storiesAround(db, monthStart(2010, 3, TZ), monthStart(2010, 4, TZ), NOW),
  },
  {
    name: 'Sitemap index: months from the per-day counts',
    why: '/sitemap.xml, once: the per-day counts (migration 039), one row per day of the archive, none per article',
    run: (db) => publishedMonthBounds(db, TZ),
  },
  {
    name: 'Sitemap index: is a month over the limit',
    why: '/sitemap.xml, only for a month the counts leave undecided (the current one, or one near the limit)',
    run: (db) => publishedMoreThan(db, monthStart(2026, 11, TZ), monthStart(2026, 12, TZ), NOW, SITEMAP_MAX_URLS),
  },
  {
    name: "Sitemap of a month's articles",
    why: '/sitemaps/articles-YYYY-MM.xml: a date range, not extract(month …)',
    run: (db) => listSitemapEntries(db, { from: monthStart(2025, 3, TZ), to: monthStart(2025, 4, TZ), now: NOW, limit: 5_000 }),
  },
  {
    name: "Sitemap of a day's articles",
    why: "/sitemaps/articles-YYYY-MM-DD.xml, the files of a month over the limit: a day's date range",
    run: (db) => listSitemapEntries(db, { from: dayStart(2026, 11, 20, TZ), to: dayStart(2026, 11, 21, TZ), now: NOW, limit: 5_000 }),
  },
  {
    name: 'Session and account of a signed-in request',
    why: 'every signed-in request, one query',
    run: (db) => findLiveSessionWithUser(db, `scale-token-${ID}`, NOW),
  },
  { name: 'Account by address', why: 'sign-in, sign-up', run: (db) => findUserByEmail(db, `reader${ID}@scale.test`) },
  { name: "A reader's devices", why: '/account/devices', run: (db) => listDevices(db, ID, NOW, null) },
  { name: "A reader's entitlements", why: 'every signed-in article read', run: (db) => activeEntitlements(db, ID, NOW) },
  { name: "A reader's meter", why: 'every signed-in article read', run: (db) => loadReaderMeter(db, ID + 1, '2026-11') },
  {
    name: "Charging a reader's meter",
    why: 'a signed-in reader reads a new metered article',
    run: (db) => chargeReaderMeter(db, ID + 1, '2026-11', 99, 10),
  },
  {
    name: 'Anonymous meter (PostgreSQL store)',
    why: 'every anonymous article read without Redis',
    run: (db) => databaseMeterStore(db).read(`scale-reader-${ID}`, '2026-11'),
  },
  {
    name: 'Revoking a subscription’s entitlements',
    why: 'renewal, cancellation, refund: grants by source',
    run: (db) => revokeEntitlements(db, `subscription:${ID}`, NOW),
  },
  {
    name: 'Adding a benefit to a plan’s subscribers',
    why: 'the plans editor, when a plan is given something new (every live subscription on the plan at once)',
    run: (db) => db.transaction().execute((tx) => grantToPlanSubscribers(tx, 1, ['newsletters'], NOW)),
  },
  {
    name: 'Claiming due jobs',
    why: 'the job runner, every few seconds',
    run: (db) => db.transaction().execute((tx) => claimDueJobs(tx, NOW, new Date(NOW.getTime() + 60_000), 10)),
  },
  { name: 'Jobs still to run', why: 'admin dashboard', run: (db) => pendingJobs(db) },
  {
    name: 'Admin: the newest payments',
    why: '/admin/payments, with each payment’s plan, reader and invoice numbers',
    run: (db) => createBillingReads({ db, findReaders } as unknown as BillingDeps).recentPayments(100),
  },
  { name: "A reader's invoices", why: '/account/subscription', run: (db) => listUserInvoices(db, ID) },
  {
    name: 'Billing sweep: subscriptions that may need attention',
    why: 'the sweep every five minutes: partial indexes on what is due',
    run: (db) => listSubscriptionRowsNeedingAttention(db, new Date(NOW.getTime() + 72 * 3_600_000), { after: 0, limit: 500 }),
  },
  {
    name: 'A payment by its gateway id',
    why: 'every payment webhook (exactly once)',
    run: (db) => findPaymentByGatewayId(db, 'test', `scale-pay-renewal-${ID}`),
  },
  {
    name: 'A subscription by its gateway id',
    why: 'every subscription webhook',
    run: (db) => findSubscriptionIdByGatewayId(db, 'test', `scale-sub-${ID}`),
  },
  { name: 'Webhooks waiting to be applied again', why: 'the sweep job', run: (db) => listUnprocessedWebhooks(db) },
  {
    name: 'Housekeeping: meters of months that are over',
    why: 'the daily housekeeping job; the period index',
    run: (db) => deleteMetersBefore(db, '2026-10'),
  },
  {
    name: 'Housekeeping: refresh tokens of ended sessions',
    why: 'the daily housekeeping job',
    run: (db) => deleteSpentRefreshTokens(db, NOW),
  },
  {
    name: 'Housekeeping: jobs finished 30 days ago',
    why: 'the daily housekeeping job; the partial index on finished jobs',
    run: (db) => deleteFinishedJobsBefore(db, new Date(NOW.getTime() - 30 * 86_400_000)),
  },
  {
    name: 'Newsroom: the article list',
    why: '/admin/articles, last changed first (articles_updated_idx)',
    run: (db) => listNewsroomArticles(db, { limit: 51, now: NOW }),
  },
  {
    name: 'Newsroom: drafts of a section',
    why: '/admin/articles filtered by section and status',
    run: (db) => listNewsroomArticles(db, { section: 'markets', status: 'draft', limit: 51, now: NOW }),
  },
  {
    name: 'Newsroom: a headline search',
    why: '/admin/articles?q= (and /api/v1/admin/articles?q=): the trigram index on headlines (articles_headline_trgm_idx)',
    run: (db) => listNewsroomArticles(db, { search: 'number 4242', limit: 51, now: NOW }),
  },
  {
    name: 'Newsroom: a headline search that finds nothing',
    why: 'a search for a word no headline has: the trigram index answers at once, where a scan read every article',
    run: (db) => listNewsroomArticles(db, { search: 'monsoon', limit: 51, now: NOW }),
  },
  {
    name: 'Newsroom: authors by name',
    why: '/admin/authors?q= (and /api/v1/admin/authors?q=): authors are few, so the table is read whole (about 4 ms at 5,000)',
    run: (db) => listAuthors(db, { search: 'columnist', limit: 51 }),
  },
  {
    name: 'Front page: a published story to pick',
    why: '/admin/front-page?q=: published headlines containing the words, the same trigram index',
    run: (db) => searchPublished(db, 'number 4242', 20),
  },
  {
    name: 'Reader search: one word, by relevance',
    why: '/search?q=…: the GIN index on the search documents of published articles (articles_search_idx), ranked by cover density',
    run: (db) => readerSearch(db, 'number 4242'),
  },
  {
    name: 'Reader search: rare words, newest first',
    why: '/search?q=…&sort=date: words few stories hold, the last also as a prefix, looked up in the GIN index (a materialized CTE planned alone: planned for one page, PostgreSQL walked the date index through every article)',
    run: (db) => readerSearch(db, 'number 4242', { sort: 'date' }),
  },
  {
    name: 'Reader search: a phrase, newest first',
    why: '/search?q="…"&sort=date: a phrase most stories hold, found by walking the date index for the newest matches',
    run: (db) => readerSearch(db, '"headline number"', { sort: 'date' }),
  },
  {
    name: 'Reader search: a common word in a date range',
    why: '/search?q=…&from=…&to=…: a word most stories hold, narrowed to a month',
    run: (db) => readerSearch(db, 'filler', { since: new Date(NOW.getTime() - 30 * 86_400_000), until: NOW }),
  },
  { name: 'Audit log: the newest changes', why: '/admin/audit', run: (db) => listChanges(db, { limit: 50 }) },
  {
    name: 'Audit log: one area, a page far back',
    why: '/admin/audit?area=plan&before=…',
    run: (db) => listChanges(db, { area: 'plan', before: 5000, limit: 50 }),
  },
  { name: 'Audit log: the areas in use', why: 'the filter of /admin/audit (a loose index scan)', run: (db) => auditAreas(db) },
];

function serverUrl(): string {
  const url = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('npm run explain needs a PostgreSQL server: set DATABASE_URL');
  return url;
}

async function report(rows: number): Promise<string> {
  return withScratchDatabase(serverUrl(), 'masthead_explain', async (url) => {
    let captured: { sql: string; parameters: readonly unknown[] }[] = [];
    const handle = await openDatabase({ url, pgliteDir: null, onQuery: (sql, parameters) => captured.push({ sql, parameters }) });
    const explainer = new pg.Client({ connectionString: url });
    await explainer.connect();
    try {
      await migrate(handle);
      await seedBaseline(handle.db);
      const started = Date.now();
      await seedScaleArticles(handle.db, rows, NOW);
      await seedScaleReaders(handle.db, rows, NOW);
      await seedScaleNewsroom(handle.db, rows, NOW);
      // As autovacuum would have left a live site's tables (the scale bench does the same): statistics, and pages marked
      // all-visible, without which PostgreSQL plans no index-only scan (the sitemaps', migration 041).
      await explainer.query('vacuum analyze');
      const seeded = ((Date.now() - started) / 1000).toFixed(0);
      const counts = await explainer.query<{ relname: string; n: string }>(
        `select relname, n_live_tup::text as n from pg_stat_user_tables where n_live_tup > 0 order by n_live_tup desc`,
      );
      const out: string[] = [
        `PostgreSQL ${(await explainer.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?'}, ` +
          `${rows.toLocaleString('en')} articles and ${rows.toLocaleString('en')} readers (seeded in ${seeded} s). Rows per table: ` +
          counts.rows.map((r) => `${r.relname} ${Number(r.n).toLocaleString('en')}`).join(', ') +
          '.',
      ];
      const guest = await explainer.query<{ id: number }>('select id from authors where name = $1', [SCALE_GUEST_AUTHOR]);
      const ids: Seeded = { guestAuthorId: guest.rows[0]?.id ?? 0 };
      for (const scenario of SCENARIOS) {
        captured = [];
        await scenario.run(handle.db, ids);
        // One plan per distinct statement; a statement sent many times (one lookup per row) says so.
        const sent = new Map<string, { sql: string; parameters: readonly unknown[]; times: number }>();
        for (const q of captured.filter((q) => !/^(begin|commit|rollback)/i.test(q.sql))) {
          const seen = sent.get(q.sql);
          if (seen) seen.times++;
          else sent.set(q.sql, { ...q, times: 1 });
        }
        out.push(`\n## ${scenario.name}\n\n${scenario.why}.\n`);
        for (const query of sent.values()) {
          if (query.times > 1) out.push(`Sent ${query.times} times (once per row).\n`);
          await explainer.query('begin');
          try {
            const plan = await explainer.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, costs off) ${query.sql}`, [
              ...query.parameters,
            ]);
            out.push('```sql', query.sql.trim(), '```', '```', ...plan.rows.map((r) => r['QUERY PLAN']), '```');
          } finally {
            await explainer.query('rollback');
          }
        }
      }
      return out.join('\n');
    } finally {
      await explainer.end();
      await handle.close();
    }
  });
}

const HEADER = `# Query plans at scale

What PostgreSQL does for the queries the pages and jobs make, with many rows. Produced by
\`npm run explain -- --write\` (\`src/bench/explain.ts\`): a scratch database on the server in DATABASE_URL,
synthetic rows made by \`src/bench/scale-queries.ts\`, then each query the app's own functions send, with
\`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)\`. Every plan below reads an index (or a few pages), never a
sequential scan of a large table; times are for one run on a 2-core machine. Plans measured by hand on other data
(sitemaps over a million articles, the wire desk at 200,000 items) are in
[query-plans-by-hand.md](query-plans-by-hand.md), which this command leaves alone.

`;

const text = HEADER + (await report(rows)) + '\n';
if (process.argv.includes('--write')) {
  await writeFile(new URL('../../docs/query-plans.md', import.meta.url), text);
  console.log('wrote docs/query-plans.md');
} else console.log(text);
