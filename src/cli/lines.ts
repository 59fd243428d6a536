import type { Readable } from 'node:stream';

/**
 * The lines of a text stream, read as they are consumed: the stream is paused while the consumer works (its
 * back-pressure), so no line is lost however slowly they are taken, unlike `readline`'s iterator, which drops the
 * lines it emits before iteration starts or while the consumer awaits. A line longer than `maxChars` is cut to
 * `maxChars + 1` characters (the rest is skipped unread into memory), so memory stays flat on a file without newlines
 * and the consumer can still tell it was too long. `\r\n` endings lose their `\r`.
 */
export async function* readLines(stream: Readable, maxChars = 1_000_000): AsyncGenerator<string> {
  stream.setEncoding('utf8');
  let pending = '';
  let overlong = false;
  for await (const chunk of stream as AsyncIterable<string>) {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      const line = overlong ? pending : pending + chunk.slice(start, end);
      pending = '';
      overlong = false;
      start = end + 1;
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    if (!overlong) {
      pending += chunk.slice(start);
      if (pending.length > maxChars) {
        pending = pending.slice(0, maxChars + 1);
        overlong = true;
      }
    }
  }
  if (pending !== '' || overlong) yield pending.endsWith('\r') ? pending.slice(0, -1) : pending;
}
