/**
 * Reading a file of activation codes (CSV): one code a line, optionally a second column with the day it expires
 * (YYYY-MM-DD), and optionally a first line `code` (or `code,expires`). Every row is checked before anything is
 * stored, so the whole file is refused with each bad line's number, or taken whole. No CSV package is installed;
 * codes are plain tokens, so a field is either bare or wrapped in double quotes (a doubled quote inside is refused
 * as a bad character anyway).
 */

export const CODE_MAX = 200;
/** Characters a code may hold: what survives a URL unencoded plus `+/=` (base64-like codes). */
const CODE_CHARS = /^[A-Za-z0-9][A-Za-z0-9._~+/=-]*$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** At most this many problems are kept to show; the count says how many there were. */
export const PROBLEMS_SHOWN = 200;

export interface CodeRow {
  line: number;
  code: string;
  /** The last day the code may be handed out, YYYY-MM-DD; null for no end. */
  expiresOn: string | null;
}

export interface Problem {
  line: number;
  message: string;
}

export interface ParsedCodes {
  /** Data rows read (header and trailing blank lines not counted). */
  rowsRead: number;
  rows: CodeRow[];
  problems: Problem[];
  problemCount: number;
}

const unquote = (field: string): string | null => {
  const value = field.trim();
  if (!value.startsWith('"')) return value.includes('"') ? null : value;
  if (value.length < 2 || !value.endsWith('"')) return null;
  const inner = value.slice(1, -1);
  return inner.includes('"') ? null : inner.trim();
};

function realDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** What is wrong with one data line, or its row. `today`: YYYY-MM-DD in the publisher's zone (an expiry before it is refused). */
function readLine(raw: string, line: number, today: string): CodeRow | Problem {
  if (raw.trim() === '') return { line, message: 'empty line: one code a line' };
  const fields = raw.split(',');
  if (fields.length > 2) return { line, message: 'too many columns: a code, then optionally the day it expires' };
  const code = unquote(fields[0] ?? '');
  if (code === null) return { line, message: 'a quote out of place' };
  if (code === '') return { line, message: 'no code before the comma' };
  if (code.length > CODE_MAX) return { line, message: `code longer than ${CODE_MAX} characters` };
  if (!CODE_CHARS.test(code)) return { line, message: 'a character a code cannot hold (letters and digits, then also . _ ~ + / = -)' };
  const expires = fields.length === 2 ? unquote(fields[1] ?? '') : '';
  if (expires === null) return { line, message: 'a quote out of place' };
  if (expires !== '' && !realDay(expires)) return { line, message: `“${expires.slice(0, 20)}” is not a day like 2027-03-31` };
  if (expires !== '' && expires < today) return { line, message: `expired on ${expires}` };
  return { line, code, expiresOn: expires === '' ? null : expires };
}

/**
 * Every row of the file, checked: bad rows and codes given twice in the file (each repeat, naming the first
 * line) as problems with their line numbers. Line 1 may be a header.
 */
export function parseCodesCsv(text: string, today: string): ParsedCodes {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
  const rows: CodeRow[] = [];
  const problems: Problem[] = [];
  let problemCount = 0;
  const problem = (p: Problem) => {
    problemCount += 1;
    if (problems.length < PROBLEMS_SHOWN) problems.push(p);
  };
  const firstLine = new Map<string, number>();
  let rowsRead = 0;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (line === 1 && /^\s*"?code"?\s*(,\s*"?(expires|expires_on|expiry)"?\s*)?$/i.test(raw)) return;
    rowsRead += 1;
    const read = readLine(raw, line, today);
    const seen = 'code' in read ? firstLine.get(read.code) : undefined;
    if ('message' in read) problem(read);
    else if (seen !== undefined) problem({ line, message: `the same code as line ${seen}` });
    else {
      firstLine.set(read.code, line);
      rows.push(read);
    }
  });
  if (rowsRead === 0) problem({ line: 1, message: 'no codes in the file' });
  return { rowsRead, rows, problems, problemCount };
}
