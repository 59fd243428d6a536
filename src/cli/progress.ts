import cliProgress from 'cli-progress';
import type { ImportProgress } from '../domain/content/import.js';

/** A live progress line on a terminal; nothing on a pipe (logs stay clean). */
export function importProgress(stream: NodeJS.WriteStream): { update: (p: ImportProgress) => void; stop: () => void } {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream, format: 'Importing | {value} lines | {created} new | {updated} updated | {failed} failed', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0, { created: 0, updated: 0, failed: 0 });
  return {
    update: (p) => bar.update(p.line, { created: p.created, updated: p.updated, failed: p.failed }),
    stop: () => bar.stop(),
  };
}
