import { recordChange } from '../audit/audit.js';
import type { Db, Tx } from '../ports/database.js';
import { ANONYMOUS } from '../policies/policies.js';
import { announceChange } from '../site/changes.js';
import { parseArticleInput, type ArticleInput } from './article-input.js';
import { fieldsDiffer, type ArticleFields } from './newsroom.js';
import { insertRevisions, lockArticlesBySlug, type NewRevision } from './newsroom-queries.js';
import { listSections, upsertArticles, withSavepoint, type Upserted } from './queries.js';

export interface ImportReport {
  lines: number;
  created: number;
  updated: number;
  failures: { line: number; reason: string }[];
}

export interface ImportProgress {
  line: number;
  created: number;
  updated: number;
  failed: number;
}

const BATCH = 250;
const MAX_LINE_CHARS = 1_000_000;

/**
 * Imports articles from NDJSON lines, upserting by slug. A bad line (unparseable JSON, invalid field,
 * database refusal) is reported with its number and reason and skips only itself. A batch goes in as one
 * statement; when the database refuses it, its lines are written one by one, each under its own savepoint.
 * An existing article the import changes gets a revision in the newsroom, made by no account (the command line);
 * the run itself is one entry in the audit log, and is announced to running instances.
 */
export async function importArticles(
  db: Db,
  lines: AsyncIterable<string>,
  onProgress: (progress: ImportProgress) => void = () => undefined,
  options: {
    /**
     * Batches written at once, each in its own transaction on its own connection (PostgreSQL: the server's cores
     * build the search documents side by side while the next lines are parsed). 1 on PGlite, which has one.
     */
    writers?: number;
  } = {},
): Promise<ImportReport> {
  const writers = Math.max(1, options.writers ?? 1);
  const known = new Set((await listSections(db)).map((s) => s.slug));
  const report: ImportReport = { lines: 0, created: 0, updated: 0, failures: [] };
  let batch: { line: number; input: ArticleInput }[] = [];
  const writing = new Set<Promise<void>>();
  /** The batch writing each slug now: a later batch with that slug waits for it, so the later line still wins. */
  const writingSlug = new Map<string, Promise<void>>();
  /** A write that failed as a whole (the database went away): the import stops with it. */
  const broken: unknown[] = [];

  const write = async (pending: { line: number; input: ArticleInput }[]) => {
    const at = new Date();
    await db.transaction().execute(async (tx) => {
      const inputs = pending.map((p) => p.input);
      // Two lines with one slug can't share a statement; such a batch goes line by line (the later line wins).
      const oneStatement = new Set(inputs.map((i) => i.slug)).size === inputs.length;
      const results = oneStatement ? await withSavepoint(tx, () => upsertRevised(tx, inputs, at)).catch(() => null) : null;
      if (!results) for (const { line, input } of pending) await upsertOne(tx, line, input, at, report);
      else for (const { created } of results) report[created ? 'created' : 'updated']++;
    });
    onProgress({ line: report.lines, created: report.created, updated: report.updated, failed: report.failures.length });
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    while (writing.size >= writers) await Promise.race(writing);
    if (broken.length > 0) throw broken[0];
    const earlier = new Set(pending.flatMap((p) => writingSlug.get(p.input.slug) ?? []));
    const done: Promise<void> = Promise.all(earlier)
      .then(() => write(pending))
      .catch((error: unknown) => {
        broken.push(error);
      })
      .finally(() => {
        writing.delete(done);
        for (const { input } of pending) if (writingSlug.get(input.slug) === done) writingSlug.delete(input.slug);
      });
    writing.add(done);
    for (const { input } of pending) writingSlug.set(input.slug, done);
  };

  for await (const read of lines) {
    const line = ++report.lines;
    // Editors on Windows often save UTF-8 with a byte-order mark; it is not part of the first record.
    const text = line === 1 && read.startsWith('\uFEFF') ? read.slice(1) : read;
    if (text.trim() === '') continue;
    const parsed = parseLine(text, known);
    if (!parsed.ok) report.failures.push({ line, reason: parsed.reason });
    else batch.push({ line, input: parsed.value });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await Promise.all(writing);
  if (broken.length > 0) throw broken[0];
  onProgress({ line: report.lines, created: report.created, updated: report.updated, failed: report.failures.length });
  if (report.created + report.updated > 0) {
    // One entry in the audit log for the run (each changed article also has its revision), and running
    // instances drop their cached pages now rather than when their caches expire.
    await db.transaction().execute(async (tx) => {
      await recordChange(tx, {
        actor: ANONYMOUS,
        area: 'article',
        subject: 'import',
        action: 'import',
        before: null,
        after: { lines: report.lines, created: report.created, updated: report.updated, failed: report.failures.length },
      });
      await announceChange(tx);
    });
  }
  // Validation failures are found as lines are read, database refusals when their batch is written: report in file order.
  report.failures.sort((a, b) => a.line - b.line);
  return report;
}

function parseLine(text: string, known: ReadonlySet<string>) {
  if (text.length > MAX_LINE_CHARS) return { ok: false as const, reason: `line is longer than ${MAX_LINE_CHARS} characters` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false as const, reason: `not valid JSON: ${(error as Error).message}` };
  }
  return parseArticleInput(raw, known);
}

/** What an import line makes of a stored article: the line's fields; the embargo and SEO fields, which the format lacks, as stored. */
function importedFields(input: ArticleInput, stored: ArticleFields): ArticleFields {
  const { slug, headline, standfirst, body, section, tags, authors, dateline, visibility, provenance, leadImage } = input;
  const { embargoUntil, seo } = stored;
  return { slug, headline, standfirst, body, section, tags, authors, dateline, visibility, provenance, leadImage, embargoUntil, seo };
}

/**
 * Upserts the articles (one statement) and keeps a revision of each existing one whose fields the import
 * changed, as a save in the newsroom does: the stored articles are read (and locked) before, the revisions
 * written in one statement after.
 */
async function upsertRevised(tx: Tx, inputs: readonly ArticleInput[], at: Date): Promise<Upserted[]> {
  const stored = await lockArticlesBySlug(
    tx,
    inputs.map((i) => i.slug),
  );
  const results = await upsertArticles(tx, inputs);
  const revisions = results.flatMap((result, i): NewRevision[] => {
    const input = inputs[i];
    const before = input && !result.created ? stored.get(input.slug) : undefined;
    if (!input || !before) return [];
    const fields = importedFields(input, before);
    return fieldsDiffer(before, fields)
      ? [{ articleId: result.id, version: result.version, userId: null, action: 'save', fields, at }]
      : [];
  });
  await insertRevisions(tx, revisions);
  return results;
}

async function upsertOne(tx: Tx, line: number, input: ArticleInput, at: Date, report: ImportReport): Promise<void> {
  try {
    const [result] = await withSavepoint(tx, () => upsertRevised(tx, [input], at));
    if (result?.created) report.created++;
    else report.updated++;
  } catch (error) {
    report.failures.push({ line, reason: `refused by the database: ${(error as Error).message}` });
  }
}
