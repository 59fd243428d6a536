import MarkdownIt from 'markdown-it';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

// Raw HTML in article Markdown is escaped, never passed through; links are checked by markdown-it's validateLink.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: true });

/** Renders the whole body. Only for readers allowed to read the article. */
export function renderBody(source: string): string {
  return markdown.render(source);
}

/** How much of the body a reader without access sees above the paywall. */
export interface LeadRule {
  /** Blocks shown at most: a paragraph, a heading, a list item, a table row, a quoted paragraph each count as one. */
  blocks: number;
  /** Words shown at most. */
  words: number;
}

/** Never more than this share of the body's words, however generous the rule: a short story keeps its point. */
const MAX_SHARE = 1 / 3;

/**
 * One block of the lead-in: `tokens[start, end)`. A block inside a list, table or quote carries the
 * tokens that open and close its container, so a cut list is still a list.
 */
interface Block {
  start: number;
  end: number;
  words: number;
  /** Index of the top-level container it belongs to (its own index when it is top level). */
  container: number;
}

/** The index just past the token that closes the block opened at `open`. */
function closeOf(tokens: Token[], open: number): number {
  const token = tokens[open]!;
  if (token.nesting !== 1) return open + 1;
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    depth += tokens[i]!.nesting;
    if (depth === 0) return i + 1;
  }
  return tokens.length;
}

function wordsIn(tokens: Token[], start: number, end: number): number {
  let words = 0;
  for (let i = start; i < end; i++) if (tokens[i]!.type === 'inline') words += wordCount(tokens[i]!.content);
  return words;
}

/** Splits a top-level token range into blocks: list items, table rows and a quote's paragraphs are blocks of their own. */
function blocksOf(tokens: Token[], start: number, end: number, container: number, out: Block[]): void {
  const type = tokens[start]!.type;
  const inner = (childType: (t: Token) => boolean) => {
    for (let i = start + 1; i < end - 1;) {
      const next = closeOf(tokens, i);
      if (childType(tokens[i]!)) out.push({ start: i, end: next, words: wordsIn(tokens, i, next), container });
      else if (tokens[i]!.nesting === 1) blocksOf(tokens, i, next, container, out); // thead/tbody
      i = next;
    }
  };
  if (type === 'bullet_list_open' || type === 'ordered_list_open') inner((t) => t.type === 'list_item_open');
  else if (type === 'table_open' || type === 'thead_open' || type === 'tbody_open') inner((t) => t.type === 'tr_open');
  else if (type === 'blockquote_open') inner(() => true);
  else out.push({ start, end, words: wordsIn(tokens, start, end), container });
}

/** The body's blocks, and how many of them from the top make the lead-in under `rule` (see `renderArticleBody`). */
function cutAfterLead(tokens: Token[], rule: LeadRule): { blocks: Block[]; lead: number } {
  const blocks: Block[] = [];
  for (let i = 0; i < tokens.length;) {
    const next = closeOf(tokens, i);
    blocksOf(tokens, i, next, i, blocks);
    i = next;
  }
  if (rule.blocks <= 0 || rule.words <= 0) return { blocks, lead: 0 };
  const total = blocks.reduce((sum, b) => sum + b.words, 0);
  const budget = Math.min(rule.words, Math.floor(total * MAX_SHARE));
  let lead = 0;
  let words = 0;
  for (const block of blocks) {
    if (lead >= rule.blocks || words + block.words > budget) break;
    lead++;
    words += block.words;
  }
  return { blocks, lead };
}

/**
 * The words a reader sees of the whole body: text, link text and code, without markup or the descriptions of images (as
 * its rendering shows them, read without drawing it). Only for readers allowed to read the article.
 */
export function bodyText(source: string): string {
  return textOf(markdown.parse(source, {}));
}

/** The words a reader sees of the lead-in alone (the blocks of `renderArticleBody`'s `leadHtml`): all a reader without access may be shown. */
export function leadText(source: string, rule: LeadRule): string {
  if (rule.blocks <= 0 || rule.words <= 0) return '';
  const tokens = markdown.parse(source, {});
  const { blocks, lead } = cutAfterLead(tokens, rule);
  return textOf(leadTokens(tokens, blocks.slice(0, lead)));
}

/** Tokens' text: each block's and line's end a space. */
function textOf(tokens: Token[]): string {
  let text = '';
  for (const token of tokens) {
    if (token.type === 'fence' || token.type === 'code_block') text += `${token.content} `;
    if (token.type !== 'inline') continue;
    for (const child of token.children ?? []) {
      if (child.type === 'text' || child.type === 'code_inline') text += child.content;
      else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
    }
    text += ' ';
  }
  return text;
}

/**
 * The body whole, its lead-in and the rest after it, parsed once. The lead-in is whole blocks from the top, within `rule`
 * and within a third of the body's words; a block that would pass a limit is left out with everything after it, and
 * what is left out is never rendered into it, so it cannot end up there by mistake. The rest is the part only readers
 * the access decision allows may see; a list cut by the lead-in goes on in a list of its own, numbered on where it was cut.
 */
export function renderArticleBody(source: string, rule: LeadRule): { bodyHtml: string; leadHtml: string; restHtml: string } {
  const tokens = markdown.parse(source, {});
  const cut = cutAfterLead(tokens, rule);
  return {
    bodyHtml: markdown.renderer.render(tokens, markdown.options, {}),
    leadHtml: markdown.renderer.render(leadTokens(tokens, cut.blocks.slice(0, cut.lead)), markdown.options, {}),
    restHtml: renderRest(tokens, cut),
  };
}

function renderRest(tokens: Token[], { blocks, lead }: { blocks: Block[]; lead: number }): string {
  const shownItems = new Map<number, number>();
  for (const block of blocks.slice(0, lead)) {
    const list = ancestors(tokens, block.container, block.start).at(-1);
    if (list !== undefined && tokens[list]!.type === 'ordered_list_open') shownItems.set(list, (shownItems.get(list) ?? 0) + 1);
  }
  const rest = leadTokens(tokens, blocks.slice(lead)).map((token) => {
    if (token.type !== 'ordered_list_open') return token;
    const shown = shownItems.get(tokens.indexOf(token));
    if (shown === undefined) return token;
    const continued = Object.assign(Object.create(Object.getPrototypeOf(token) as object) as Token, token);
    continued.attrs = [
      ...(token.attrs ?? []).filter(([name]) => name !== 'start'),
      ['start', String(Number(token.attrGet('start') ?? 1) + shown)],
    ];
    return continued;
  });
  return markdown.renderer.render(rest, markdown.options, {});
}

/** Indexes of the open tokens enclosing `at` inside the top-level block at `container` (container first). */
function ancestors(tokens: Token[], container: number, at: number): number[] {
  const path: number[] = [];
  for (let i = container; i < at;) {
    const end = closeOf(tokens, i);
    if (tokens[i]!.nesting === 1 && end > at) path.push(i++);
    else i = end;
  }
  return path;
}

/** The kept blocks' tokens, with the list, table or quote each sits in opened and closed around them. */
function leadTokens(tokens: Token[], kept: Block[]): Token[] {
  const out: Token[] = [];
  let open: number[] = [];
  const close = (from: number) => {
    for (let j = open.length - 1; j >= from; j--) out.push(tokens[closeOf(tokens, open[j]!) - 1]!);
  };
  for (const block of kept) {
    const path = ancestors(tokens, block.container, block.start);
    let shared = 0;
    while (shared < open.length && shared < path.length && open[shared] === path[shared]) shared++;
    close(shared);
    for (const index of path.slice(shared)) out.push(tokens[index]!);
    open = path;
    out.push(...tokens.slice(block.start, block.end));
  }
  close(0);
  return out;
}

const WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/u;

/** True for a letter, a digit or a mark (as Devanagari's vowel signs) of any script: what words are made of. */
export function isWordCharacter(codePoint: number): boolean {
  if (codePoint < 128) return (codePoint >= 48 && codePoint <= 57) || ((codePoint | 32) >= 97 && (codePoint | 32) <= 122);
  return WORD_CHARACTER.test(String.fromCodePoint(codePoint));
}

/**
 * Counts words (runs of letters, digits and the marks joined to them) of the body, for the reading time shown beside
 * the byline and for the lead-in's length. A loop over the characters, testing only those beyond ASCII against the
 * Unicode classes: matching a pattern built an array of every word, ~0.1 ms a story of 800 words, on every article page
 * no cache held.
 */
export function wordCount(source: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < source.length; i++) {
    const point = source.codePointAt(i) ?? 32;
    if (point > 0xffff) i++;
    const wordy = isWordCharacter(point);
    if (wordy && !inWord) words++;
    inWord = wordy;
  }
  return words;
}
