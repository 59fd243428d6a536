import MarkdownIt from 'markdown-it';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

// Raw HTML in article Markdown is escaped, never passed through; links are checked by markdown-it's validateLink.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: true });

/** Renders the whole body. Only for readers allowed to read the article. */
export function renderBody(source: string): string {
  return markdown.render(source);
}

/**
 * Renders only the lead-in: the top-level blocks up to and including the `paragraphs`-th paragraph.
 * The rest of the body is never rendered, so it cannot end up in the output by mistake.
 */
export function renderLead(source: string, paragraphs: number): string {
  if (paragraphs <= 0) return '';
  const tokens = markdown.parse(source, {});
  let seen = 0;
  let end = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.level !== 0 || token.nesting === 1) continue;
    // A top-level block ends here.
    end = i + 1;
    if (token.type === 'paragraph_close' && ++seen >= paragraphs) break;
  }
  return markdown.renderer.render(tokens.slice(0, end), markdown.options, {});
}

/** Counts words of the body, for the reading time shown beside the byline. */
export function wordCount(source: string): number {
  const matches = source.match(/[\p{L}\p{N}]+/gu);
  return matches ? matches.length : 0;
}
