import { FIELD_NAMES, type ArticleFields } from './newsroom.js';

/** One line of a text diff: kept, only in the revision (`removed`), or only in the current text (`added`). */
export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/** A field whose value differs between a revision and the current article. */
export interface FieldDiff {
  field: (typeof FIELD_NAMES)[number];
  lines: DiffLine[];
}

/** Beyond this many line pairs the diff shows both texts whole instead of matching lines (bounded work). */
const MAX_CELLS = 4_000_000;

/** A field's value as lines of text, for comparing. */
function linesOf(fields: ArticleFields, field: FieldDiff['field']): string[] {
  if (field === 'leadImage') {
    const image = fields.leadImage;
    return image ? [image.url, `alt: ${image.alt}`] : [];
  }
  if (field === 'embargoUntil') return fields.embargoUntil ? [fields.embargoUntil.toISOString()] : [];
  if (field === 'seo') {
    const seo = fields.seo;
    return [
      seo.title ? `title: ${seo.title}` : '',
      seo.description ? `description: ${seo.description}` : '',
      seo.canonicalUrl ? `canonical: ${seo.canonicalUrl}` : '',
      seo.socialImageUrl ? `social image: ${seo.socialImageUrl}` : '',
    ].filter(Boolean);
  }
  const value = fields[field];
  if (Array.isArray(value)) return [value.join(', ')];
  if (value === null || value === '') return [];
  return value.split('\n');
}

/** A line diff by longest common subsequence: what turns `before` into `after`. */
export function diffLines(before: string[], after: string[]): DiffLine[] {
  if (before.length * after.length > MAX_CELLS) {
    return [...before.map((text) => ({ kind: 'removed' as const, text })), ...after.map((text) => ({ kind: 'added' as const, text }))];
  }
  const n = before.length;
  const m = after.length;
  // lcs[i * (m + 1) + j]: length of the longest common subsequence of before[i..] and after[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => lcs[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = before[i] === after[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const b = before[i];
    const a = after[j];
    if (b !== undefined && b === a) {
      out.push({ kind: 'same', text: b });
      i++;
      j++;
    } else if (b !== undefined && (a === undefined || at(i + 1, j) >= at(i, j + 1))) {
      out.push({ kind: 'removed', text: b });
      i++;
    } else {
      out.push({ kind: 'added', text: a ?? '' });
      j++;
    }
  }
  return out;
}

/** The fields that differ between a revision and the current article, each as a line diff (revision → current). */
export function diffFields(revision: ArticleFields, current: ArticleFields): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const field of FIELD_NAMES) {
    const before = linesOf(revision, field);
    const after = linesOf(current, field);
    if (before.length === after.length && before.every((line, i) => line === after[i])) continue;
    diffs.push({ field, lines: diffLines(before, after) });
  }
  return diffs;
}
