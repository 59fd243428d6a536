import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readLines } from './lines.js';

/** A stream of `count` numbered lines, sent in chunks that cut lines in two. */
function numbered(count: number, ending = '\n'): Readable {
  const text = Array.from({ length: count }, (_, i) => `{"line":${i + 1},"pad":"${'x'.repeat(200)}"}`).join(ending) + ending;
  const chunks: Buffer[] = [];
  for (let at = 0; at < text.length; at += 977) chunks.push(Buffer.from(text.slice(at, at + 977)));
  return Readable.from(chunks, { objectMode: false });
}

describe('readLines', () => {
  it('loses no line when the consumer starts late and waits between lines (readline dropped them)', async () => {
    const stream = numbered(5_000);
    // The import awaits the database before reading its first line, and again for every batch.
    await tick();
    await tick();
    const seen: number[] = [];
    for await (const line of readLines(stream)) {
      seen.push((JSON.parse(line) as { line: number }).line);
      if (seen.length % 250 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(seen.length).toBe(5_000);
    expect(seen.at(-1)).toBe(5_000);
    expect(seen.every((n, i) => n === i + 1)).toBe(true);
  });

  it('drops \\r of CRLF endings and keeps a last line without a newline', async () => {
    const lines = [];
    for await (const line of readLines(Readable.from([Buffer.from('a\r\nb\r'), Buffer.from('\nc')]))) lines.push(line);
    expect(lines).toEqual(['a', 'b', 'c']);
  });

  it('keeps a line without end from filling memory: cut after the limit, and the next line read whole', async () => {
    const long = 'y'.repeat(50_000);
    const lines = [];
    for await (const line of readLines(Readable.from([Buffer.from(long), Buffer.from(`${long}\nnext`)]), 1_000)) lines.push(line);
    expect(lines.map((l) => l.length)).toEqual([1_001, 4]);
    expect(lines[1]).toBe('next');
  });

  it('reads multi-byte characters cut between chunks', async () => {
    const bytes = Buffer.from('₹900\nनमस्ते\n');
    const lines = [];
    for await (const line of readLines(Readable.from([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]))) lines.push(line);
    expect(lines).toEqual(['₹900', 'नमस्ते']);
  });
});
