import { beforeAll, expect, it } from 'vitest';
import type { TestDb } from '../support/raw-sql.js';
import { listChanges } from '../../src/domain/audit/queries.js';
import { seedBaseline } from '../../src/domain/content/seed.js';
import { importArticles, type ImportProgress } from '../../src/domain/content/import.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { NO_SEO, type ArticleFields } from '../../src/domain/content/newsroom.js';
import { createNewsroomService } from '../../src/domain/content/newsroom-service.js';
import { diffFields } from '../../src/domain/content/revision-diff.js';
import { actorOf } from '../../src/domain/policies/policies.js';
import { describeEachEngine } from '../support/databases.js';

let sequence = 0;

/** One NDJSON line: a valid article in the import format, with overrides (undefined removes a field). */
function line(overrides: Record<string, unknown> = {}): string {
  sequence++;
  const record: Record<string, unknown> = {
    slug: `imported-${sequence}`,
    headline: `Imported headline ${sequence}`,
    standfirst: `Imported standfirst ${sequence}.`,
    body: `First paragraph ${sequence}.\n\nSecond paragraph ${sequence}.`,
    section: 'markets',
    visibility: 'metered',
    provenance: 'staff',
    published_at: '2026-11-20T11:30:00+05:30',
    authors: ['Asha Import'],
    tags: ['import'],
    ...overrides,
  };
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return JSON.stringify(record);
}

async function* fromLines(lines: readonly string[]): AsyncIterable<string> {
  for (const text of lines) yield text;
}

const slugOf = (text: string) => (JSON.parse(text) as { slug: string }).slug;

async function stored(db: TestDb, slugs: string[]) {
  const { rows } = await db.query<{ slug: string; headline: string }>(
    'select slug, headline from articles where slug = any($1) order by slug',
    [slugs],
  );
  return rows;
}

/** Every column of every article, in a stable text form, to show nothing changed. */
async function snapshot(db: TestDb): Promise<string> {
  const { rows } = await db.query<{ snap: string | null }>(`select string_agg(a::text, E'\\n' order by a.id) as snap from articles a`);
  return rows[0]?.snap ?? '';
}

describeEachEngine('NDJSON article import', (db) => {
  beforeAll(async () => {
    await seedBaseline(db());
  });

  it('imports the good lines and reports each bad one by line number and field, without stopping', async () => {
    const good1 = line();
    const good2 = line({ section: 'economy', visibility: 'free', editors_pick: true });
    const lines = [
      good1, // 1
      '{"slug": "broken-json", "headline": ', // 2: not JSON
      line({ slug: 'in-no-section', section: 'sport' }), // 3: unknown section
      line({ slug: 'impossible-date', published_at: '2026-02-30T10:00:00+05:30' }), // 4: no 30 February
      line({ slug: 'long-headline', headline: 'H'.repeat(301) }), // 5: over the limit
      '', // 6: blank lines are skipped but still counted
      good2, // 7
    ];
    const report = await importArticles(db(), fromLines(lines));

    expect(report.lines).toBe(7);
    expect(report.created).toBe(2);
    expect(report.updated).toBe(0);
    expect(report.failures.map((f) => f.line)).toEqual([2, 3, 4, 5]);
    const reason = (n: number) => report.failures.find((f) => f.line === n)?.reason ?? '';
    expect(reason(2)).toMatch(/JSON/);
    expect(reason(3)).toMatch(/section/);
    expect(reason(3)).toContain('sport');
    expect(reason(4)).toContain('"published_at"');
    expect(reason(5)).toContain('"headline"');
    expect(reason(5)).toContain('300');

    expect((await stored(db(), [slugOf(good1), slugOf(good2)])).map((r) => r.slug).sort()).toEqual([slugOf(good1), slugOf(good2)].sort());
    // `editors_pick: true` puts the article among the front page's picks; the other line's is not.
    const { rows: picks } = await db().query(
      `select a.slug from front_page_stories s join articles a on a.id = s.article_id where s.place = 'pick'`,
    );
    expect(picks.map((r) => (r as { slug: string }).slug)).toEqual([slugOf(good2)]);
    expect(await stored(db(), ['broken-json', 'in-no-section', 'impossible-date', 'long-headline'])).toEqual([]);
  });

  it('names the field for other kinds of bad line too', async () => {
    const lines = [
      line({ headline: undefined }),
      line({ visibility: 'secret' }),
      line({ provenance: 'reuters' }),
      line({ slug: 'Upper Case' }),
      line({ published_at: '20 Nov 2026' }),
      line({ updated_at: '2020-01-01T00:00:00Z' }), // before published_at
      line({ tags: 'one,two' }),
      line({ editors_pick: 'yes' }),
      line({ colour: 'red' }),
      '[1, 2, 3]',
    ];
    const report = await importArticles(db(), fromLines(lines));
    expect(report.created + report.updated).toBe(0);
    expect(report.failures.map((f) => f.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const reasons = report.failures.map((f) => f.reason);
    expect(reasons[0]).toContain('"headline"');
    expect(reasons[1]).toContain('"visibility"');
    expect(reasons[2]).toContain('"provenance"');
    expect(reasons[3]).toContain('"slug"');
    expect(reasons[4]).toContain('"published_at"');
    expect(reasons[5]).toContain('"updated_at"');
    expect(reasons[6]).toContain('"tags"');
    expect(reasons[7]).toContain('"editors_pick"');
    expect(reasons[8]).toContain('colour');
    expect(reasons[9]).toMatch(/object/);
  });

  it('updates an article imported again under the same slug instead of adding a second one', async () => {
    const first = line({ slug: 'budget-2027', headline: 'Budget: the first draft' });
    const firstReport = await importArticles(db(), fromLines([first]));
    expect(firstReport).toMatchObject({ created: 1, updated: 0, failures: [] });
    const { rows: before } = await db().query<{ id: number }>("select id from articles where slug = 'budget-2027'");

    const again = line({ slug: 'budget-2027', headline: 'Budget: the final word', section: 'economy' });
    const fresh = line();
    const report = await importArticles(db(), fromLines([again, fresh]));
    expect(report).toMatchObject({ lines: 2, created: 1, updated: 1, failures: [] });

    const { rows } = await db().query<{ id: number; headline: string; section: string }>(
      "select id, headline, section from articles where slug = 'budget-2027'",
    );
    expect(rows).toEqual([{ id: before[0]!.id, headline: 'Budget: the final word', section: 'economy' }]);
    // The run is in the audit log, by the command line, with what it did.
    const [entry] = await listChanges(db(), { area: 'article', limit: 1 });
    expect(entry).toMatchObject({
      subject: 'import',
      action: 'import',
      user: null,
      after: { lines: 2, created: 1, updated: 1, failed: 0 },
    });

    // The same line twice in one file: one article, counted once as new and once as an update.
    const twice = line({ slug: 'said-twice' });
    expect(await importArticles(db(), fromLines([twice, twice]))).toMatchObject({ created: 1, updated: 1, failures: [] });
    expect(await stored(db(), ['said-twice'])).toHaveLength(1);
  });

  it('keeps a revision by the command line of an existing article the import changes, and none when it changes nothing', async () => {
    const { user } = await provisionUser(db(), { email: 'desk@example.com', role: 'editor', name: 'Desk' }, new Date());
    const editor = actorOf(user);
    const newsroom = createNewsroomService({ db: db(), now: () => new Date(), onChange: async () => undefined });
    const written: ArticleFields = {
      slug: 'written-in-the-newsroom',
      headline: 'Ports: the first take',
      standfirst: 'Dwell times fell.',
      body: 'The first paragraph.\n\nThe second paragraph.',
      section: 'markets',
      tags: ['ports'],
      authors: ['Asha Import'],
      dateline: null,
      visibility: 'metered',
      provenance: 'staff',
      leadImage: null,
      embargoUntil: null,
      seo: { ...NO_SEO, title: 'Ports, briefly' },
    };
    const saved = await newsroom.save(editor, { id: null, version: null, fields: written, action: { kind: 'publish' } });
    if (!saved.ok) throw new Error('the newsroom refused the article');
    // Imported first, then again with a new headline and body (in a batch with a new article).
    await importArticles(db(), fromLines([line({ slug: 'imported-then-changed', headline: 'Mills: the first take' })]));

    const changed = line({
      slug: 'written-in-the-newsroom',
      headline: 'Ports: the full story',
      standfirst: written.standfirst,
      body: 'The first paragraph.\n\nA new second paragraph.',
      tags: written.tags,
    });
    const report = await importArticles(
      db(),
      fromLines([changed, line({ slug: 'imported-then-changed', headline: 'Mills: the full story' }), line()]),
    );
    expect(report).toMatchObject({ created: 1, updated: 2, failures: [] });

    const revisions = await newsroom.revisions(editor, saved.id);
    expect(revisions.map((r) => [r.version, r.action, r.by])).toEqual([
      [2, 'save', null],
      [1, 'publish', 'Desk'],
    ]);
    const [imported, before] = revisions;
    expect(imported!.fields.headline).toBe('Ports: the full story');
    // What the format lacks stays as the newsroom left it, in the article and in its revision.
    expect(imported!.fields.seo.title).toBe('Ports, briefly');
    const current = await newsroom.article(editor, saved.id);
    expect(current).toMatchObject({ version: 2, headline: 'Ports: the full story', seo: { title: 'Ports, briefly' } });
    // The editor's comparison of the earlier revision with the article shows what the import changed.
    expect(diffFields(before!.fields, current!).map((d) => d.field)).toEqual(['headline', 'body']);

    const { rows: byImport } = await db().query<{ id: number }>("select id from articles where slug = 'imported-then-changed'");
    const importedOnly = await newsroom.revisions(editor, byImport[0]!.id);
    expect(importedOnly.map((r) => [r.version, r.action, r.by, r.fields.headline])).toEqual([[2, 'save', null, 'Mills: the full story']]);

    // The same file again changes nothing: no new revision.
    expect(await importArticles(db(), fromLines([changed]))).toMatchObject({ updated: 1, failures: [] });
    expect(await newsroom.revisions(editor, saved.id)).toHaveLength(2);
  });

  it('keeps the rest of a batch when the database refuses one line', async () => {
    // PostgreSQL text cannot hold NUL: the line passes validation and is refused by the database itself.
    const before = line({ slug: 'refusal-before' });
    const refused = line({ slug: 'refusal-nul', headline: 'Nul \u0000 in the headline' });
    const refusedTag = line({ slug: 'refusal-nul-tag', tags: ['nul\u0000tag'] });
    const after = line({ slug: 'refusal-after' });
    const invalid = line({ slug: 'refusal-invalid', section: 'sport' });
    const report = await importArticles(db(), fromLines([before, refused, refusedTag, after, invalid]));

    expect(report.created).toBe(2);
    expect(report.failures.map((f) => f.line)).toEqual([2, 3, 5]); // reported in file order
    expect(report.failures[0]!.reason).toMatch(/database/);
    expect(report.failures[1]!.reason).toMatch(/database/);
    expect((await stored(db(), ['refusal-before', 'refusal-after', 'refusal-nul', 'refusal-nul-tag'])).map((r) => r.slug)).toEqual([
      'refusal-after',
      'refusal-before',
    ]);
  });

  it('keeps the other lines of every batch of a long file when the database refuses some', async () => {
    const lines = Array.from({ length: 600 }, (_, i) =>
      [4, 260, 590].includes(i + 1) ? line({ slug: `long-file-${i + 1}`, standfirst: 'nul\u0000' }) : line({ slug: `long-file-${i + 1}` }),
    );
    const progress: ImportProgress[] = [];
    const report = await importArticles(db(), fromLines(lines), (p) => progress.push(p));
    expect(report.created).toBe(597);
    expect(report.failures.map((f) => f.line)).toEqual([4, 260, 590]);
    const { rows } = await db().query<{ n: number }>("select count(*)::int as n from articles where slug like 'long-file-%'");
    expect(rows[0]!.n).toBe(597);
    expect(progress.at(-1)).toEqual({ line: 600, created: 597, updated: 0, failed: 3 });
  });

  it('changes nothing already stored when a line about it is bad', async () => {
    const original = line({ slug: 'stays-as-it-was', headline: 'The original headline', tags: ['original'] });
    await importArticles(db(), fromLines([original]));
    const before = await snapshot(db());

    const report = await importArticles(
      db(),
      fromLines([
        line({ slug: 'stays-as-it-was', section: 'sport' }),
        line({ slug: 'stays-as-it-was', headline: 'X'.repeat(301) }),
        line({ slug: 'stays-as-it-was', published_at: 'yesterday' }),
        line({ slug: 'stays-as-it-was', headline: 'A nul \u0000 sneaks in' }),
        line({ slug: 'stays-as-it-was', headline: 'New headline', extra: 1 }),
        line({ slug: 'stays-as-it-was', headline: undefined }),
        '{"slug": "stays-as-it-was", "headline": "truncated',
      ]),
    );
    expect(report).toMatchObject({ lines: 7, created: 0, updated: 0 });
    expect(report.failures.map((f) => f.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await snapshot(db())).toBe(before);
    expect(await stored(db(), ['stays-as-it-was'])).toEqual([{ slug: 'stays-as-it-was', headline: 'The original headline' }]);
  });

  it('reads a file saved with a byte-order mark', async () => {
    const report = await importArticles(db(), fromLines([`\uFEFF${line({ slug: 'after-a-bom' })}`, line({ slug: 'after-the-bom' })]));
    expect(report).toMatchObject({ created: 2, failures: [] });
  });

  it('stores what the line says, trimmed, with the time zone offset applied', async () => {
    const text = line({
      slug: 'stored-faithfully',
      headline: '  Sensex & Nifty: "records"  ',
      dateline: 'Mumbai',
      published_at: '2026-11-20T11:30:00+05:30',
      updated_at: '2026-11-20T12:00:00Z',
      lead_image: { url: 'https://img.example.com/a.jpg', alt: 'Trading floor' },
      provenance: 'wire:Asia Wire',
    });
    expect(await importArticles(db(), fromLines([text]))).toMatchObject({ created: 1, failures: [] });
    const { rows } = await db().query(
      `select headline, dateline, published_at, updated_at, lead_image_url, lead_image_alt, provenance,
         exists (select 1 from front_page_stories s where s.article_id = articles.id) as editors_pick
       from articles where slug = 'stored-faithfully'`,
    );
    expect(rows[0]).toEqual({
      headline: 'Sensex & Nifty: "records"',
      dateline: 'Mumbai',
      published_at: new Date('2026-11-20T06:00:00Z'),
      updated_at: new Date('2026-11-20T12:00:00Z'),
      lead_image_url: 'https://img.example.com/a.jpg',
      lead_image_alt: 'Trading floor',
      provenance: 'wire:Asia Wire',
      editors_pick: false,
    });
  });
});
