import type { Db, Tx } from '../ports/database.js';
import { parseArticleInput, type ArticleInput } from './article-input.js';
import { listSections, upsertArticle, upsertArticles, withSavepoint } from './queries.js';

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
 */
export async function importArticles(
  db: Db,
  lines: AsyncIterable<string>,
  onProgress: (progress: ImportProgress) => void = () => undefined,
): Promise<ImportReport> {
  const known = new Set((await listSections(db)).map((s) => s.slug));
  const report: ImportReport = { lines: 0, created: 0, updated: 0, failures: [] };
  let batch: { line: number; input: ArticleInput }[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    await db.transaction().execute(async (tx) => {
      const inputs = pending.map((p) => p.input);
      // Two lines with one slug can't share a statement; such a batch goes line by line (the later line wins).
      const oneStatement = new Set(inputs.map((i) => i.slug)).size === inputs.length;
      const results = oneStatement ? await withSavepoint(tx, () => upsertArticles(tx, inputs)).catch(() => null) : null;
      if (!results) for (const { line, input } of pending) await upsertOne(tx, line, input, report);
      else for (const { created } of results) report[created ? 'created' : 'updated']++;
    });
    onProgress({ line: report.lines, created: report.created, updated: report.updated, failed: report.failures.length });
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
  onProgress({ line: report.lines, created: report.created, updated: report.updated, failed: report.failures.length });
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

async function upsertOne(tx: Tx, line: number, input: ArticleInput, report: ImportReport): Promise<void> {
  try {
    const { created } = await withSavepoint(tx, () => upsertArticle(tx, input));
    if (created) report.created++;
    else report.updated++;
  } catch (error) {
    report.failures.push({ line, reason: `refused by the database: ${(error as Error).message}` });
  }
}
