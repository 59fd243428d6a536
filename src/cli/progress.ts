import type { ReadStream } from 'node:fs';
import cliProgress from 'cli-progress';
import type { ImportProgress } from '../domain/content/import.js';

/**
 * A live progress bar on a terminal, measured in bytes of the file read (so it knows the total without
 * reading the file twice); nothing on a pipe, so logs stay clean.
 */
export function importProgress(
  stream: NodeJS.WriteStream,
  file: ReadStream,
  totalBytes: number,
): { update: (p: ImportProgress) => void; stop: () => void } {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'Importing [{bar}] {percentage}% | {lines} lines | {created} new | {updated} updated | {failed} failed',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(totalBytes, 1), 0, { lines: 0, created: 0, updated: 0, failed: 0 });
  return {
    update: (p) =>
      bar.update(Math.min(file.bytesRead, totalBytes), { lines: p.line, created: p.created, updated: p.updated, failed: p.failed }),
    stop: () => {
      bar.update(totalBytes);
      bar.stop();
    },
  };
}

/** A live progress bar of a reindex, in articles; nothing on a pipe. */
export function reindexProgress(stream: NodeJS.WriteStream): { update: (done: number, total: number) => void; stop: () => void } {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream, format: 'Reindexing [{bar}] {percentage}% | {value}/{total} articles | {eta_formatted} left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(Math.max(total, 1), 0);
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
