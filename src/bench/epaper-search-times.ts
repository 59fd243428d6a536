/**
 * E-paper search timings at scale on PostgreSQL: `tsx src/bench/epaper-search-times.ts [editions]` (DATABASE_URL names
 * the server; a scratch database is made and dropped). Seeds the synthetic archive of scale-queries.ts (20,000 articles,
 * for their text), then `editions` daily editions (default 1,000, nearly three years) of 20 pages with 15 stories each,
 * each story the headline and first 1,200 characters of an article. Then runs each search's query as `/epaper/search`
 * does (under the search settings, with the default timeout), on the first page of results and on an older page a year
 * and a half back, and prints the median and worst of 7 runs.
 */
import { sql } from 'kysely';
import { openDatabase } from '../adapters/db/database.js';
import { migrate } from '../adapters/db/migrate.js';
import { seedBaseline } from '../domain/content/seed.js';
import { NEWEST_MATCHES, searchRegions } from '../domain/epaper/queries.js';
import { isStatementTimeout, tsquery, withSearchSettings } from '../domain/search/queries.js';
import { cleanSearchText, readSearchText } from '../domain/search/query-text.js';
import { seedScaleArticles } from './scale-queries.js';
import { withScratchDatabase } from './scratch-database.js';

const NOW = new Date('2026-11-24T06:30:00Z');
const ARTICLES = 20_000;
const TIMEOUT_MS = 2_000;
const editions = Number(process.argv[2] ?? 1_000);
// BENCH_NEWEST=250,2000 compares how many newest matches the page is cut from, on one seeded database.
const newestCounts = (process.env.BENCH_NEWEST ?? String(NEWEST_MATCHES)).split(',').map(Number);
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
await withScratchDatabase(server, 'masthead_epaper_search', async (url) => {
  const handle = await openDatabase({ url, pgliteDir: null });
  const db = handle.db;
  try {
    await migrate(handle);
    await seedBaseline(db);
    await seedScaleArticles(db, ARTICLES, NOW);
    const started = Date.now();
    await sql`insert into epaper_editions (name, slug, edition_date, status, files_prefix, sources, page_count, pages_rendered, publish_at, created_at, updated_at)
      select 'Mumbai', 'mumbai', ${NOW}::date - g, 'ready', 'bench/' || g, '[]', 20, 20, ${NOW}::timestamptz - interval '1 day' * g, ${NOW}, ${NOW}
      from generate_series(1, ${editions}::int) g`.execute(db);
    await sql`insert into epaper_pages (edition_id, page_number, width, height)
      select e.id, p, 800, 1200 from epaper_editions e cross join generate_series(1, 20) p`.execute(db);
    await sql`insert into epaper_regions (edition_id, page_number, x, y, w, h, headline, text, source)
      select e.id, p, 100, 100, 1000, 1000, a.headline, left(a.body, 1200), 'pdf'
      from epaper_editions e cross join generate_series(1, 20) p cross join generate_series(1, 15) r
      join articles a on a.slug = 'scale-' || (1 + (e.id * 300 + p * 15 + r) % ${ARTICLES}::int)`.execute(db);
    await sql`analyze epaper_editions`.execute(db);
    await sql`analyze epaper_regions`.execute(db);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from epaper_regions`.execute(db);
    console.log(
      `${editions.toLocaleString('en')} editions, ${rows[0]!.n.toLocaleString('en')} stories (search documents by the trigger) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const older = { date: new Date(NOW.getTime() - 540 * 86_400_000).toISOString().slice(0, 10), id: 2 ** 31 - 1 };
    const cases: [string, string][] = [
      ['one rare word (an article number)', '4242'],
      ['one common word', 'rupee'],
      ['two common words', 'rupee dollar'],
      ['a phrase every story holds', '"filler text"'],
      ['a phrase of common words seldom together', '"rupee tender"'],
    ];
    for (const [label, q, newest] of cases.flatMap(([l, q]) =>
      newestCounts.map((n) => [newestCounts.length > 1 ? `${l} (${n})` : l, q, n] as const),
    )) {
      for (const [page, before] of [
        ['first page', undefined],
        ['older page', older],
      ] as const) {
        const times: number[] = [];
        let found: number | string = 0;
        for (let i = 0; i < 7; i++) {
          const t0 = performance.now();
          try {
            const query = tsquery('english', readSearchText(cleanSearchText(q)));
            found = (await withSearchSettings(db, TIMEOUT_MS, (tx) => searchRegions(tx, { query, now: NOW, limit: 21, before, newest })))
              .length;
          } catch (error) {
            if (!isStatementTimeout(error)) throw error;
            found = 'timed out';
          }
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        console.log(
          `${`${label}, ${page}`.padEnd(56)} median ${times[3]!.toFixed(1).padStart(7)} ms  worst ${times[6]!.toFixed(1).padStart(7)} ms  (${found})`,
        );
      }
    }
  } finally {
    await handle.close();
  }
});
