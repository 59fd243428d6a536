/** Turning an agency's markup into the plain Markdown paragraphs articles store. */

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
};

/** Decodes HTML character references (named ones the agencies use, and every numeric one). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Backslash-escapes what Markdown would read as markup, so an agency's text shows as written. */
function escapeMarkdown(line: string): string {
  return line.replace(/([\\`*_[\]<>|])/g, '\\$1').replace(/^(\s*)([#>+-]|\d+[.)])(\s)/, '$1\\$2$3');
}

/** One line of text: tags dropped, references decoded, white space collapsed. */
export function plainText(markup: string): string {
  return decodeEntities(markup.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

const BLOCK = /<\/?(?:p|div|h[1-6]|li|blockquote|tr|ul|ol|table|section|article|body|html|pre|figure|figcaption|dd|dt)\b[^>]*>/i;

/**
 * Paragraphs of Markdown from HTML or XHTML: each block element becomes a paragraph, every other tag is dropped
 * (links keep their words), and what Markdown would read as markup is escaped. Scripts, styles and the head go.
 */
export function htmlToMarkdown(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .split(new RegExp(BLOCK.source, 'gi'))
    .flatMap((block) => block.split(/\n\s*\n/))
    .map((block) => escapeMarkdown(plainText(block)))
    .filter((block) => block !== '')
    .join('\n\n');
}

/** Paragraphs of Markdown from plain text (blank lines separate paragraphs). */
export function textToMarkdown(text: string): string {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((block) => escapeMarkdown(block.replace(/\s+/g, ' ').trim()))
    .filter((block) => block !== '')
    .join('\n\n');
}

/** A date from a feed (ISO 8601 or RFC 822), or null when absent; `undefined` when present but not a date. */
export function feedDate(value: unknown): Date | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') return undefined;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}
