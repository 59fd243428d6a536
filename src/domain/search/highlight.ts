import escapeHtml from 'escape-html';
import { isWordCharacter } from '../content/render.js';

/**
 * Highlighted snippets, built safely. The database marks matches with two control characters no article text can
 * hold (`cleanSearchText` and `plainWords` remove them); the marked text is then HTML-escaped as a whole and only
 * then are the markers turned into `<mark>`: article text is never trusted as HTML.
 */
export const MARK_START = '\u0002';
export const MARK_STOP = '\u0003';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Marked text (markers from ts_headline) as escaped HTML with `<mark>` around each match; unpaired markers dropped. */
export function markedToHtml(marked: string): string {
  const parts = marked.split(MARK_START);
  let out = escapeHtml(stripMarkers(parts[0] ?? ''));
  for (const part of parts.slice(1)) {
    const stop = part.indexOf(MARK_STOP);
    if (stop < 0) out += escapeHtml(stripMarkers(part));
    else out += `<mark>${escapeHtml(part.slice(0, stop))}</mark>${escapeHtml(stripMarkers(part.slice(stop + 1)))}`;
  }
  return out;
}

/** What stands between two fragments of a snippet (ts_headline's FragmentDelimiter), and between two passages. */
export const FRAGMENT_DELIMITER = ' … ';

/** What a fragment may leave out at the start and end of its text: ts_headline begins and ends fragments with words. */
const LEADING = /^[^\p{L}\p{M}\p{N}]+/u;
const TRAILING = /[^\p{L}\p{M}\p{N}]+$/u;

/**
 * A marked snippet (from ts_headline over `source`) with "…" where it cuts the story: before it unless it begins where
 * `source` begins, after it unless it ends where `source` ends and `source` runs to the end of what the reader may read
 * (`sourceEnds`: false for a lead-in, which the story goes on after). Punctuation and spaces around the words do not count.
 */
export function withEllipses(marked: string, source: string, sourceEnds: boolean): string {
  const fragments = stripMarkers(marked).split(FRAGMENT_DELIMITER);
  const first = (fragments[0] ?? '').replace(LEADING, '');
  const last = (fragments.at(-1) ?? '').replace(TRAILING, '');
  if (first === '' && last === '') return marked;
  // Only the ends of the source are read: it may be a whole story.
  const begins = source
    .slice(0, first.length + 40)
    .replace(LEADING, '')
    .startsWith(first);
  const ends =
    sourceEnds &&
    source
      .slice(-(last.length + 40))
      .replace(TRAILING, '')
      .endsWith(last);
  return `${begins ? '' : '… '}${marked}${ends ? '' : ' …'}`;
}

function stripMarkers(text: string): string {
  return text.replaceAll(MARK_START, '').replaceAll(MARK_STOP, '');
}

/** Text as one line of words for ts_headline: control characters (our markers among them) and runs of spaces one space. */
export function plainWords(text: string): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** A snippet's source longer than this is cut to its passages before ts_headline reads it (`passagesAround`). */
export const PASSAGES_FROM = 1_500;
/** Characters kept on each side of a word that may match: a fragment of a snippet is at most 35 words. */
const PASSAGE_RADIUS = 300;
/** Passages kept at most. */
const PASSAGES_MAX = 6;
/** Places of words that may match kept: enough for six passages when one word is everywhere. */
const PLACES_KEPT = 400;

/**
 * What a word of the text that may match one of `lexemes` begins with: the lexeme less its last letter when it has four
 * or more, since a stem changes or drops a word's ending (`citi` stands for "city" and "cities", `agre` for "agree").
 * A probe of fewer than three letters would find too many words (`o` of "O'Brien") and is left out.
 */
export function probesOf(lexemes: readonly string[]): string[] {
  const probes = lexemes.map((lexeme) => {
    const letters = Array.from(lexeme);
    return letters.length >= 4 ? letters.slice(0, -1).join('') : lexeme;
  });
  return [...new Set(probes.filter((probe) => Array.from(probe).length >= 3))];
}

/** True when no letter, digit or mark comes just before `index` of `text`. */
function startsWord(text: string, index: number): boolean {
  if (index === 0) return true;
  const unit = text.charCodeAt(index - 1);
  // The character before may be a pair of UTF-16 units (a letter beyond the first 65,536).
  const at = unit >= 0xdc00 && unit <= 0xdfff && index >= 2 ? index - 2 : index - 1;
  return !isWordCharacter(text.codePointAt(at) ?? 32);
}

/**
 * `text` cut to the passages around the words that begin with one of `probes` (case aside), PASSAGE_RADIUS characters
 * each side, joined with FRAGMENT_DELIMITER: the first place of each probe, then the others in the text's order while
 * there are at most PASSAGES_MAX passages. ts_headline reads every word of what it is given (a story's whole body cost
 * it ~0.6 ms), so a long source is cut to where its matches can be before it is sent. `text` whole when it is short, or
 * when no word begins with a probe (a stem that is not the start of its word: "dying", `die`).
 */
export function passagesAround(text: string, probes: readonly string[]): string {
  if (text.length <= PASSAGES_FROM || probes.length === 0) return text;
  // A pattern of the probes alone: one with Unicode classes in it took ~0.4 ms to compile, for every new search.
  const starts = new RegExp(probes.map((probe) => `(${probe.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')})`).join('|'), 'gi');
  const firsts = new Map<number, number>();
  const places: number[] = [];
  for (const match of text.matchAll(starts)) {
    if (!startsWord(text, match.index)) continue;
    const probe = match.slice(1).findIndex(Boolean);
    if (!firsts.has(probe)) firsts.set(probe, match.index);
    if (places.length < PLACES_KEPT) places.push(match.index);
    else if (firsts.size === probes.length) break;
  }
  if (places.length === 0) return text;
  const spans: [number, number][] = [];
  const add = (place: number, always: boolean) => {
    const [start, end] = [Math.max(0, place - PASSAGE_RADIUS), Math.min(text.length, place + PASSAGE_RADIUS)];
    const near = spans.find((span) => start <= span[1] && end >= span[0]);
    if (near) [near[0], near[1]] = [Math.min(near[0], start), Math.max(near[1], end)];
    else if (always || spans.length < PASSAGES_MAX) spans.push([start, end]);
  };
  for (const place of firsts.values()) add(place, true);
  for (const place of places) add(place, false);
  spans.sort((a, b) => a[0] - b[0]);
  // Cut at the nearest space inward, so a passage neither begins nor ends within a word (unless the word is very long).
  const after = (i: number) => {
    const space = i === 0 ? -1 : text.indexOf(' ', i);
    return space >= 0 && space - i <= 40 ? space + 1 : i;
  };
  const before = (i: number) => {
    const space = i === text.length ? -1 : text.lastIndexOf(' ', i);
    return space >= 0 && i - space <= 40 ? space : i;
  };
  const merged = spans.reduce<[number, number][]>((out, span) => {
    const last = out.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else out.push([...span]);
    return out;
  }, []);
  return merged.map(([start, end]) => text.slice(after(start), before(end))).join(FRAGMENT_DELIMITER);
}
