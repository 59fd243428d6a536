/**
 * Reader search timings at scale on PostgreSQL: `tsx src/bench/search-times.ts [articles]` (DATABASE_URL names the
 * server; a scratch database is made and dropped). Seeds the synthetic archive of scale-queries.ts, then runs each
 * search as `/search` does (query, then snippets for the page) and prints the median and worst of 7 runs.
 */
import { sql } from 'kysely';
import { openDatabase } from '../adapters/db/database.js';
import { migrate } from '../adapters/db/migrate.js';
import { seedBaseline } from '../domain/content/seed.js';
import { search, type SearchRequest } from '../domain/search/service.js';
import { cleanSearchText, readSearchText } from '../domain/search/query-text.js';
import { seedScaleArticles } from './scale-queries.js';
import { withScratchDatabase } from './scratch-database.js';

const NOW = new Date('2026-11-24T06:30:00Z');
const count = Number(process.argv[2] ?? 100_000);
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
await withScratchDatabase(server, 'masthead_search', async (url) => {
  const handle = await openDatabase({ url, pgliteDir: null });
  try {
    await migrate(handle);
    await seedBaseline(handle.db);
    const started = Date.now();
    await seedScaleArticles(handle.db, count, NOW);
    await sql`analyze articles`.execute(handle.db);
    console.log(
      `${count.toLocaleString('en')} articles seeded (search documents by the trigger) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const month = { since: new Date(NOW.getTime() - 30 * 86_400_000), until: NOW };
    const cases: [string, string, Partial<SearchRequest>][] = [
      ['one rare word (relevance)', '4242', {}],
      ['one common word, every article (relevance)', 'filler', {}],
      ['one common word, every article (date)', 'filler', { sort: 'date' }],
      ['two words (relevance)', 'headline 4242', {}],
      ['two words (date)', 'headline 4242', { sort: 'date' }],
      ['a phrase (relevance)', '"scale headline number"', {}],
      ['a phrase (date)', '"scale headline number"', { sort: 'date' }],
      ['common word + last 30 days (relevance)', 'filler', { filters: month }],
      ['common word + last 30 days (date)', 'filler', { filters: month, sort: 'date' }],
      ['a starred prefix, infla*', 'infla*', {}],
    ];
    for (const [label, q, extra] of cases) {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        const page = await search(
          handle.db,
          'english',
          { text: readSearchText(cleanSearchText(q)), filters: {}, sort: 'relevance', limit: 20, offset: 0, ...extra },
          {
            sections: [],
            sectionVisibility: { premium: [], metered: [], free: [] },
            lead: { blocks: 2, words: 120 },
            now: NOW,
            mayReadBody: () => false,
          },
        );
        times.push(performance.now() - t0);
        hits = page.hits.length;
      }
      times.sort((a, b) => a - b);
      console.log(
        `${label.padEnd(44)} median ${times[3]!.toFixed(1).padStart(7)} ms  worst ${times[6]!.toFixed(1).padStart(7)} ms  (${hits} on the page)`,
      );
    }
  } finally {
    await handle.close();
  }
});
