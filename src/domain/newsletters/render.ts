import escapeHtml from 'escape-html';
import type { PreparedArticle } from '../content/service.js';
import { trackLinks, type Tracking } from './counting.js';
import type { Issue, Newsletter } from './model.js';

/** One article as an issue carries it to one recipient: whole, or its lead-in and a link. */
export interface IssueArticle {
  prepared: PreparedArticle;
  full: boolean;
}

export interface IssueEmailInput {
  publication: string;
  publicUrl: string;
  newsletter: Newsletter;
  issue: Pick<Issue, 'id' | 'subject' | 'introduction'>;
  articles: readonly IssueArticle[];
  /** Where the reader stops this list (the one-click address for the header; the page for people). */
  unsubscribe: { page: string; oneClick: string } | null;
  preferences: string | null;
  /**
   * Open and click counting (only when the setting is on, only for a real send): the HTML part gets a first-party
   * 1×1 image and its links to the site go through the counting redirect. The plain-text part is never rewritten.
   */
  tracking?: Tracking | null;
}

const FONT = "font-family:Georgia,'Times New Roman',serif;";
const STYLE = {
  body: 'margin:0;padding:0;background:#f5f4ef;',
  article: `max-width:600px;margin:0 auto;padding:32px 24px;background:#ffffff;color:#1a1a1a;${FONT}font-size:17px;line-height:1.55;`,
  masthead: `margin:0 0 4px;${FONT}font-size:26px;font-weight:bold;`,
  list: 'margin:0 0 24px;padding-bottom:12px;border-bottom:2px solid #1a1a1a;font-size:15px;color:#4a4a4a;',
  headline: `margin:28px 0 8px;${FONT}font-size:22px;line-height:1.25;`,
  link: 'color:#1a1a1a;',
  more: 'margin:8px 0 0;font-weight:bold;',
  footer: 'margin:32px 0 0;padding-top:12px;border-top:1px solid #d0d0c8;font-size:13px;color:#4a4a4a;',
} as const;

/** Links and images in an article body, made absolute: an email has no page to resolve `/article/…` against. */
export function absoluteLinks(html: string, publicUrl: string): string {
  return html.replace(/\b(href|src)="\/(?!\/)/g, `$1="${publicUrl}/`);
}

/** Plain text of rendered article HTML: a block per paragraph, list items bulleted, links as `text (url)`. */
export function htmlToText(html: string): string {
  return html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, text: string) => `${text} (${href})`)
    .replace(/<li[^>]*>/gi, '• ')
    .replace(/<\/(p|h[1-6]|li|blockquote|tr|ul|ol|table)>/gi, '\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);

/**
 * An issue as one recipient receives it: matching HTML and plain-text bodies, every link absolute, no images or
 * pixels from anywhere else (the one image is the site's own counting pixel, when counting is on). Articles the recipient may not read whole show their lead-in and a link to the site,
 * where the paywall decides as it does for any visit.
 */
export function renderIssueEmail(input: IssueEmailInput): { subject: string; html: string; text: string } {
  const { publicUrl, newsletter, issue } = input;
  const tracking = input.tracking ?? null;
  const e = (s: string) => escapeHtml(s);
  const html: string[] = [];
  const text: string[] = [`${input.publication}: ${newsletter.name}`, ''];
  for (const p of paragraphs(issue.introduction)) {
    html.push(`<p>${e(p).replace(/\r?\n/g, '<br>')}</p>`);
    text.push(p, '');
  }
  for (const { prepared, full } of input.articles) {
    const { article } = prepared;
    const url = `${publicUrl}/article/${encodeURIComponent(article.slug)}`;
    const body = absoluteLinks(full ? prepared.bodyHtml : prepared.leadHtml, publicUrl);
    const href = tracking ? tracking.link(url) : url;
    html.push(
      `<h2 style="${STYLE.headline}"><a href="${e(href)}" style="${STYLE.link}">${e(article.headline)}</a></h2>`,
      article.standfirst ? `<p><em>${e(article.standfirst)}</em></p>` : '',
      `<div data-article="${e(article.slug)}" data-full="${full ? 'yes' : 'no'}">${tracking ? trackLinks(body, tracking) : body}</div>`,
      full ? '' : `<p style="${STYLE.more}"><a href="${e(href)}" style="${STYLE.link}">Continue reading on the site</a></p>`,
    );
    text.push('', article.headline.toUpperCase(), ...(article.standfirst ? [article.standfirst] : []), '', htmlToText(body), '');
    text.push(full ? `Read it on the site: ${url}` : `Continue reading on the site: ${url}`, '');
  }
  const footer: string[] = [`You get ${newsletter.name} from ${input.publication} because this address signed up to it.`];
  const footerHtml: string[] = [e(footer[0] ?? '')];
  if (input.preferences) {
    footer.push(`Your newsletters: ${input.preferences}`);
    footerHtml.push(`<a href="${e(input.preferences)}" style="${STYLE.link}">Choose your newsletters</a>`);
  }
  if (input.unsubscribe) {
    footer.push(`Unsubscribe: ${input.unsubscribe.page}`);
    footerHtml.push(`<a href="${e(input.unsubscribe.page)}" style="${STYLE.link}">Unsubscribe from ${e(newsletter.name)}</a>`);
  }
  text.push('-- ', ...footer, '');
  const title = e(issue.subject);
  const document = [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title></head>`,
    `<body style="${STYLE.body}">`,
    `<div role="article" aria-roledescription="email" aria-label="${title}" style="${STYLE.article}">`,
    `<p style="${STYLE.masthead}">${e(input.publication)}</p>`,
    `<p style="${STYLE.list}">${e(newsletter.name)}</p>`,
    ...html.filter(Boolean),
    `<p style="${STYLE.footer}">${footerHtml.join(' · ')}</p>`,
    tracking ? `<img src="${e(tracking.pixel)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;">` : '',
    '</div>',
    '</body>',
    '</html>',
  ]
    .filter(Boolean)
    .join('\n');
  return {
    subject: issue.subject,
    html: `${document}\n`,
    text: `${text
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd()}\n`,
  };
}
