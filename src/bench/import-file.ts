/**
 * Writes an NDJSON file of N generated articles of realistic size (about 4.6 KB of Markdown body each, varied words,
 * so the search document costs what a real story's does), to time `masthead import`:
 *
 *     node dist/bench/import-file.js /tmp/articles.ndjson 100000
 *     DATABASE_URL=postgres://… node dist/cli.js import /tmp/articles.ndjson
 *
 * The text is filler from a fixed vocabulary: for measuring, never for a site.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const WORDS = (
  'market rates bank inflation growth monsoon harvest budget deficit rupee dollar exports imports shares index ' +
  'investors quarter profit revenue minister policy reform court ruling election voters coalition parliament ' +
  'state capital district farmers prices fuel power grid solar wind coal steel cement housing credit loan bond ' +
  'yield treasury auditor regulator filing merger acquisition startup funding valuation founder chairman board ' +
  'analyst forecast survey data report week month year season village city port railway airline traffic water'
).split(' ');
const SECTIONS = ['markets', 'economy', 'companies', 'politics', 'world', 'technology', 'opinion'];

/** A small deterministic generator (mulberry32): the same file every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(next() * WORDS.length)] ?? 'news');
  const text = out.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** One import line: about 4.6 KB of body in 9 paragraphs. */
export function generatedArticle(n: number, next: () => number, now: number): Record<string, unknown> {
  const paragraphs = Array.from({ length: 9 }, () => Array.from({ length: 6 }, () => sentence(next, 12)).join(' '));
  return {
    slug: `import-bench-${n}`,
    headline: sentence(next, 8).slice(0, -1),
    standfirst: sentence(next, 20),
    body: paragraphs.join('\n\n'),
    section: SECTIONS[n % SECTIONS.length],
    visibility: n % 7 === 0 ? 'premium' : n % 11 === 0 ? 'free' : 'metered',
    provenance: n % 13 === 0 ? 'wire:Bench Wire' : 'staff',
    published_at: new Date(now - n * 60_000).toISOString(),
    authors: [`Bench Author ${n % 150}`],
    tags: [`tag-${n % 40}`, `topic-${n % 97}`],
  };
}

async function main(): Promise<void> {
  const [file, countText = '100000'] = process.argv.slice(2);
  if (!file) throw new Error('usage: node dist/bench/import-file.js FILE [COUNT]');
  const count = Number(countText);
  const next = random(13);
  const now = Date.now();
  const out = createWriteStream(file);
  for (let n = 1; n <= count; n++) {
    if (!out.write(`${JSON.stringify(generatedArticle(n, next, now))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  console.log(`Wrote ${count} articles to ${file}.`);
}

await main();
