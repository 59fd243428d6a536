import { beforeAll, expect, it } from 'vitest';
import { seedBaseline } from '../../src/domain/content/seed.js';
import { importArticles } from '../../src/domain/content/import.js';
import { describeEachEngine } from '../support/databases.js';

/** One NDJSON line of the import format with overrides. */
function line(slug: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    slug,
    headline: `Headline of ${slug}`,
    standfirst: 'A standfirst.',
    body: 'The growers counted their harvests.\n\nA second paragraph.',
    section: 'markets',
    visibility: 'metered',
    provenance: 'staff',
    published_at: '2026-11-20T11:30:00+05:30',
    authors: ['Parallel Author'],
    tags: ['parallel'],
    ...overrides,
  });
}

async function* fromLines(lines: readonly string[]): AsyncIterable<string> {
  for (const text of lines) yield text;
}

/** The import with several writers (as `masthead import` runs on PostgreSQL), and the search document written only on a change of text. */
describeEachEngine('import with parallel writers', (db) => {
  beforeAll(async () => {
    await seedBaseline(db());
  });

  it('writes every line once, the later of two lines with one slug winning, and one author for a new name', async () => {
    const lines = Array.from({ length: 1_100 }, (_, i) => line(`parallel-${i + 1}`));
    lines[4] = line('parallel-dup', { headline: 'The earlier line' });
    lines[1_049] = line('parallel-dup', { headline: 'The later line' });
    const report = await importArticles(db(), fromLines(lines), undefined, { writers: 4 });
    expect(report).toMatchObject({ lines: 1_100, created: 1_099, updated: 1, failures: [] });
    const { rows } = await db().query<{ n: number }>("select count(*)::int as n from articles where slug like 'parallel-%'");
    expect(rows[0]!.n).toBe(1_099);
    const dup = await db().query<{ headline: string }>("select headline from articles where slug = 'parallel-dup'");
    expect(dup.rows[0]!.headline).toBe('The later line');
    const authors = await db().query<{ n: number }>("select count(*)::int as n from authors where name = 'Parallel Author'");
    expect(authors.rows[0]!.n).toBe(1);
  });

  it('keeps the search document when an import changes no text, and rebuilds it when the text changes', async () => {
    const documentOf = async () =>
      (await db().query<{ doc: string }>("select search_document::text as doc from articles where slug = 'indexed-once'")).rows[0]!.doc;
    await importArticles(db(), fromLines([line('indexed-once')]));
    // `english` stems "harvests" to "harvest".
    expect(await documentOf()).toContain("'harvest'");
    // Documents made from now on would be `simple` ones (no stemming): only a rebuilt document shows it.
    await db().query(`insert into settings (key, value) values ('search_config', '"simple"')
      on conflict (key) do update set value = excluded.value`);
    try {
      await importArticles(db(), fromLines([line('indexed-once', { visibility: 'premium', published_at: '2026-11-21T09:00:00Z' })]));
      expect(await documentOf()).toContain("'harvest'");
      expect(await documentOf()).not.toContain("'harvests'");
      await importArticles(db(), fromLines([line('indexed-once', { body: 'The growers counted their harvests again.' })]));
      expect(await documentOf()).toContain("'harvests'");
    } finally {
      await db().query("delete from settings where key = 'search_config'");
    }
  });
});
