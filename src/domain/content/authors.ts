import { slugFrom } from './newsroom.js';

/**
 * Authors: the people in bylines. A name is unique (two journalists of one name are told apart by an initial),
 * so the import's and the editor's lists of names each name one author. The slug is the author page's address.
 */

export interface AuthorLink {
  label: string;
  url: string;
}

export interface AuthorFields {
  slug: string;
  name: string;
  bio: string;
  /** An image address (https or a path on this site), until uploaded images can be chosen. */
  photoUrl: string | null;
  links: AuthorLink[];
}

export interface Author extends AuthorFields {
  id: number;
  createdAt: Date;
  updatedAt: Date;
}

export const AUTHOR_LIMITS = { name: 120, slug: 120, bio: 2_000, photoUrl: 2_000, links: 10, label: 60, url: 500 } as const;

const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,119}$/;

/** The slug an author of `name` gets: "Asha Rao" → "asha-rao"; a name with no Latin letters or digits → "author". */
export function authorSlugFrom(name: string): string {
  return slugFrom(name) || 'author';
}

/** An https:// address, or (for a photo) a path on this site. */
function isImageUrl(url: string): boolean {
  const siteRelative = url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\');
  return (siteRelative || /^https:\/\/[^/\s]+/.test(url)) && !/\s/.test(url);
}

/** Only http(s) links: no javascript:, data: or other schemes on a reader's page. */
export function isWebLink(url: string): boolean {
  if (/\s/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The links as an editor types them, one a line: `Label | https://…`, or the address alone (its host is the
 * label). The lines that are not a link come back as `bad`, to be named in the message.
 */
export function parseLinks(text: string): { links: AuthorLink[]; bad: string[] } {
  const links: AuthorLink[] = [];
  const bad: string[] = [];
  for (const line of text.split(/\r?\n/).map((l) => l.trim())) {
    if (line === '') continue;
    const bar = line.lastIndexOf('|');
    const url = (bar >= 0 ? line.slice(bar + 1) : line).trim();
    let label = bar >= 0 ? line.slice(0, bar).trim() : '';
    if (!isWebLink(url) || url.length > AUTHOR_LIMITS.url || label.length > AUTHOR_LIMITS.label) {
      bad.push(line);
      continue;
    }
    if (label === '') label = new URL(url).hostname;
    links.push({ label, url });
  }
  return { links, bad };
}

/** The links as the form shows them. */
export const linksText = (links: readonly AuthorLink[]) => links.map((l) => `${l.label} | ${l.url}`).join('\n');

/** Checks an author's fields; messages by form field (`links` for the links). */
export function checkAuthorFields(fields: AuthorFields): Record<string, string> {
  const errors: Record<string, string> = {};
  if (fields.name === '') errors.name = 'Write the author’s name.';
  else if (fields.name.length > AUTHOR_LIMITS.name) errors.name = `Use at most ${AUTHOR_LIMITS.name} characters.`;
  else if (fields.name.includes(',')) errors.name = 'A name cannot contain a comma (bylines list names separated by commas).';
  if (!SLUG_PATTERN.test(fields.slug)) errors.slug = 'Use lowercase letters, digits and hyphens, starting with a letter or digit.';
  if (fields.bio.length > AUTHOR_LIMITS.bio) errors.bio = `Use at most ${AUTHOR_LIMITS.bio.toLocaleString('en-IN')} characters.`;
  if (fields.photoUrl !== null && (fields.photoUrl.length > AUTHOR_LIMITS.photoUrl || !isImageUrl(fields.photoUrl)))
    errors.photoUrl = 'Give an address starting with https:// or a path on this site starting with "/".';
  if (fields.links.length > AUTHOR_LIMITS.links) errors.links = `List at most ${AUTHOR_LIMITS.links} links.`;
  // Checked here, whatever the route (form or API): a reader's page never carries a javascript: or data: link.
  const notWeb = fields.links.find((l) => !isWebLink(l.url) || l.url.length > AUTHOR_LIMITS.url || l.label.length > AUTHOR_LIMITS.label);
  if (!errors.links && notWeb) errors.links = `“${notWeb.url.slice(0, 60)}” is not a web address: links start with https:// or http://.`;
  return errors;
}
