import escapeHtml from 'escape-html';

/** What an email says, independent of format; `renderEmail` turns it into matching text and HTML bodies. */
export interface EmailContent {
  /** Publication name, shown as the masthead at the top. */
  publication: string;
  /** Inbox preview line; hidden in the HTML body, absent from the text body (text clients preview the first lines). */
  preheader?: string;
  /** Plain-text paragraphs (never markup: they are escaped). A newline inside one becomes a line break. */
  paragraphs: string[];
  /** One call to action, e.g. a sign-in link. The URL must be http(s) or mailto. */
  action?: { label: string; url: string };
  /** A short code to type in (e.g. a 6-digit sign-in code), set large and on its own line. */
  code?: string | undefined;
  /** Small print under a rule: why the reader got this email, how to stop it. */
  footer?: string;
  /** Language of the content, for screen readers; defaults to `en`. */
  lang?: string;
}

// Escaping stops markup in a URL but not a `javascript:` scheme; refuse those outright.
const SAFE_URL = /^(https?:|mailto:)/i;

// Inline styles because many email clients drop <style> blocks; no tables because the layout is
// a single column that every client renders correctly as plain blocks.
const FONT = "font-family:Georgia,'Times New Roman',serif;";
const STYLE = {
  body: 'margin:0;padding:0;background:#f5f4ef;',
  article: `max-width:560px;margin:0 auto;padding:32px 24px;background:#ffffff;color:#1a1a1a;${FONT}font-size:17px;line-height:1.55;`,
  masthead: `margin:0 0 24px;padding-bottom:12px;border-bottom:2px solid #1a1a1a;${FONT}font-size:26px;font-weight:bold;`,
  paragraph: 'margin:0 0 16px;',
  code: "margin:24px 0;font-family:'Courier New',Courier,monospace;font-size:32px;font-weight:bold;letter-spacing:6px;",
  button:
    'display:inline-block;padding:12px 22px;background:#1a1a1a;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;',
  fallback: 'margin:0 0 16px;font-size:14px;color:#4a4a4a;word-break:break-all;',
  link: 'color:#1a1a1a;',
  footer: 'margin:32px 0 0;padding-top:12px;border-top:1px solid #d0d0c8;font-size:13px;color:#4a4a4a;',
  preheader: 'display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;',
} as const;

/** Escapes for HTML and keeps the author's line breaks. */
function html(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

/**
 * Renders an email's text and HTML bodies from one description, so the two never disagree.
 * Every string is escaped in the HTML; the text body carries it verbatim.
 */
export function renderEmail(input: EmailContent): { text: string; html: string } {
  const { publication, preheader, paragraphs, action, code, footer, lang = 'en' } = input;
  if (action && !SAFE_URL.test(action.url.trim())) throw new Error('renderEmail: action.url must be http(s) or mailto');

  const parts: string[] = [];
  const lines: string[] = [publication, ''];
  for (const paragraph of paragraphs) {
    parts.push(`<p style="${STYLE.paragraph}">${html(paragraph)}</p>`);
    lines.push(paragraph, '');
  }
  if (code !== undefined) {
    parts.push(`<p style="${STYLE.code}">${html(code)}</p>`);
    lines.push(code, '');
  }
  if (action) {
    const url = escapeHtml(action.url);
    parts.push(
      `<p style="margin:24px 0;"><a href="${url}" style="${STYLE.button}">${html(action.label)}</a></p>`,
      // Some clients strip button styling or block links; the address in full still works when copied.
      `<p style="${STYLE.fallback}">Or paste this link into your browser: <a href="${url}" style="${STYLE.link}">${url}</a></p>`,
    );
    lines.push(`${action.label}: ${action.url}`, '');
  }
  if (footer !== undefined) {
    parts.push(`<p style="${STYLE.footer}">${html(footer)}</p>`);
    // "-- " is the conventional signature separator, so text clients can dim the small print.
    lines.push('-- ', footer, '');
  }

  const title = escapeHtml(publication);
  const htmlBody = [
    '<!doctype html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    '</head>',
    `<body style="${STYLE.body}">`,
    preheader !== undefined ? `<div style="${STYLE.preheader}">${html(preheader)}</div>` : '',
    `<div role="article" aria-roledescription="email" aria-label="${title}" lang="${escapeHtml(lang)}" style="${STYLE.article}">`,
    `<h1 style="${STYLE.masthead}">${title}</h1>`,
    ...parts,
    '</div>',
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n');

  return { text: `${lines.join('\n').trimEnd()}\n`, html: `${htmlBody}\n` };
}
