import type { Database, Queryable } from '../../adapters/db/database.js';
import { parseArticleInput, type ArticleInput } from './article-input.js';
import { listSections, upsertArticle } from './queries.js';

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
 * database refusal) is reported with its number and reason and skips only itself: each line runs under
 * its own savepoint inside a batch transaction.
 */
export async function importArticles(
  db: Database,
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
    await db.transaction(async (tx) => {
      for (const { line, input } of pending) await upsertOne(tx, line, input, report);
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

async function upsertOne(tx: Queryable, line: number, input: ArticleInput, report: ImportReport): Promise<void> {
  await tx.query('savepoint import_line');
  try {
    const { created } = await upsertArticle(tx, input);
    await tx.query('release savepoint import_line');
    if (created) report.created++;
    else report.updated++;
  } catch (error) {
    await tx.query('rollback to savepoint import_line');
    report.failures.push({ line, reason: `refused by the database: ${(error as Error).message}` });
  }
}
