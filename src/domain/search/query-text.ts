/**
 * A reader's search text, read into what the database's parsers take. The text itself goes to
 * `websearch_to_tsquery`, which never fails on any input ("quoted phrases", `or`, `-word`; stray operators such as
 * `&|!():*` and unbalanced quotes are read as spaces). Prefix matching, which it lacks, is added here: a word ending in
 * `*` (`infla*`), and the last word of the text as the reader is typing it (`central infla`), also match words that
 * begin with it. Prefix words are letters and digits only, so they reach `to_tsquery` as one lexeme, never as
 * operators.
 */

/** Characters of a reader's search text at most, after trimming; longer is refused. */
export const SEARCH_TEXT_MAX = 200;

/**
 * Shortest prefix: a starred word shorter than this is refused, and a shorter trailing word is matched whole only.
 * The database expands a prefix into every word of the archive it begins, each read from the index: at 100,000
 * articles `1*` (every number beginning with 1) took about a second a search, against 17 ms for `mar*`.
 */
export const PREFIX_MIN = 3;
/** Starred words in one search at most: each is one such expansion. */
export const PREFIXES_MAX = 4;

export interface SearchText {
  /** For `websearch_to_tsquery`: the text without the prefix words (they are matched as prefixes only). */
  text: string;
  /** Words the reader ended with `*`: each must begin a word of the article. */
  prefixes: string[];
  /** The last bare word, matched whole (in `text`) or as a prefix (`rest` and `trailing`); null when there is none. */
  trailing: { word: string; rest: string } | null;
}

const WORD = /[\p{L}\p{M}\p{N}]+/u;
const STARRED = /([\p{L}\p{M}\p{N}]+)\*+/gu;
// Control characters (our highlight markers among them) never reach the database.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The trimmed text, with control characters as spaces; '' when nothing is left. */
export function cleanSearchText(input: string): string {
  return input.replace(CONTROL, ' ').trim();
}

/**
 * What is wrong with cleaned search text, as a message for the reader, or null when it can be searched: too long, a
 * starred word too short to be a useful beginning, or too many starred words (see PREFIX_MIN).
 */
export function searchTextProblem(clean: string): string | null {
  if (clean.length > SEARCH_TEXT_MAX) return `Search for at most ${SEARCH_TEXT_MAX} characters.`;
  const starred = [...clean.matchAll(STARRED)].map((m) => m[1] ?? '');
  if (starred.some((word) => Array.from(word).length < PREFIX_MIN))
    return `Give at least ${PREFIX_MIN} letters before a * (infla* finds inflation and inflated).`;
  if (new Set(starred.map((w) => w.toLowerCase())).size > PREFIXES_MAX) return `Use * on at most ${PREFIXES_MAX} words.`;
  return null;
}

/** Reads cleaned search text (see `cleanSearchText`) that has no problem (`searchTextProblem`). */
export function readSearchText(clean: string): SearchText {
  const prefixes = [...clean.matchAll(STARRED)].map((m) => (m[1] ?? '').toLowerCase()).filter(Boolean);
  const text = clean.replace(STARRED, ' ').replace(/\*/g, ' ');
  return { text, prefixes: [...new Set(prefixes)], trailing: trailingWord(clean) };
}

/**
 * The last word, when it stands bare at the end: not starred (already a prefix), not inside an open or closed quote,
 * not excluded with `-`, not the `or` of an alternative; with the text before it.
 */
function trailingWord(clean: string): SearchText['trailing'] {
  if ((clean.match(/"/g)?.length ?? 0) % 2 === 1 || clean.endsWith('"') || clean.endsWith('*')) return null;
  const match = /(^|\s)([\p{L}\p{M}\p{N}]+)$/u.exec(clean);
  const [, space = '', word = ''] = match ?? [];
  if (!match || !WORD.test(word)) return null;
  const rest = clean.slice(0, match.index + space.length).trim();
  if (Array.from(word).length < PREFIX_MIN || word.toLowerCase() === 'or' || /(^|\s)or$/i.test(rest)) return null;
  return { word: word.toLowerCase(), rest: rest.replace(STARRED, ' ').replace(/\*/g, ' ').trim() };
}
