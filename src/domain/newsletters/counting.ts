import { signer } from './signing.js';

/**
 * First-party open and click counting for newsletter issues (off unless MASTHEAD_NEWSLETTER_COUNTING=true).
 * Counts are per issue and per link, never per recipient: the addresses below carry the issue id, the link and a
 * signature, and nothing that tells one recipient from another. A click address redirects only to the address it
 * was signed for, so it is never an open redirect; an altered one is not found.
 */

/** Longest link address that is routed through the counter (longer ones stay as they are). */
export const MAX_COUNTED_URL = 2000;

const { sign, verify } = signer('masthead/newsletter-counting\n');

/** A link's address as it is signed and stored: absolute, normalised, on the site; null for anything else. */
export function siteTarget(raw: string, publicUrl: string): string | null {
  if (raw.length > MAX_COUNTED_URL) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const site = new URL(publicUrl);
  if (url.origin !== site.origin || url.username || url.password) return null;
  const base = site.href.endsWith('/') ? site.href : `${site.href}/`;
  return url.href.startsWith(base) && url.href.length <= MAX_COUNTED_URL ? url.href : null;
}

export const countingTokens = {
  open: (key: Buffer, issueId: number) => sign(key, `open:${issueId}`),
  checkOpen: (key: Buffer, issueId: number, token: string) => verify(key, `open:${issueId}`, token),
  click: (key: Buffer, issueId: number, target: string) => sign(key, `click:${issueId}:${target}`),
  checkClick: (key: Buffer, issueId: number, target: string, token: string) => verify(key, `click:${issueId}:${target}`, token),
};

/** What the HTML part of one issue carries when counting is on: its pixel and its links' counting addresses. */
export interface Tracking {
  pixel: string;
  /** The counting address for a link, or the link unchanged when it does not lead to the site. */
  link: (url: string) => string;
}

export function trackingFor(key: Buffer, publicUrl: string, issueId: number): Tracking {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    pixel: `${base}/newsletters/o/${issueId}/${countingTokens.open(key, issueId)}.gif`,
    link: (url) => {
      const target = siteTarget(url, publicUrl);
      if (!target) return url;
      return `${base}/newsletters/c/${issueId}?u=${encodeURIComponent(target)}&s=${countingTokens.click(key, issueId, target)}`;
    },
  };
}

const decodeAttribute = (value: string) =>
  value
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;|&#38;/g, '&');

const encodeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Every `<a href="…">` in rendered HTML that leads to the site, routed through its counting address. */
export function trackLinks(html: string, tracking: Tracking): string {
  return html.replace(
    /(<a\s(?:[^>]*?\s)?href=")([^"]*)(")/gi,
    (_m, before: string, href: string, after: string) => `${before}${encodeAttribute(tracking.link(decodeAttribute(href)))}${after}`,
  );
}

/** A transparent 1×1 GIF: the open pixel. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
