import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PageBox, PageSize } from '../ports/pdf-pages.js';

/** The entitlement that opens the e-paper's pages, images and text. */
export const EPAPER = 'epaper';

/** The sizes each page is drawn at: thumbnails for the edition's contents, the reading size, and the zoom (also cut into tiles). */
export const PAGE_SIZES: readonly PageSize[] = [
  { name: 'thumb', width: 240 },
  { name: 'page', width: 1000 },
  { name: 'zoom', width: 2000, tile: 512 },
];
export type PageSizeName = 'thumb' | 'page' | 'zoom';

export const UPLOAD_LIMITS = { bytes: 100 * 1024 * 1024, files: 48, pages: 200 } as const;

/** Signed file addresses live at least this long, and are the same address for this long, so caches can keep them. */
export const URL_LIFETIME_S = 3600;
const URL_STEP_S = 900;

/** Words of the e-paper's own addresses (/epaper/shared/…, /epaper/files/…), which no edition may take. */
const RESERVED = new Set(['shared', 'files', 'assets', 'clippings']);

const slugOf = (name: string) =>
  name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

/** An edition name's problems (by field), and its slug in the addresses when it is good. */
export function checkEditionName(name: string): { slug: string } | { problem: string } {
  const trimmed = name.trim();
  if (trimmed.length === 0) return { problem: 'Name the edition (for example Mumbai or Delhi).' };
  if (trimmed.length > 60) return { problem: 'Use at most 60 characters.' };
  const slug = slugOf(trimmed);
  if (!/^[a-z0-9][a-z0-9-]{0,59}$/.test(slug)) return { problem: 'Use letters or digits in the name.' };
  if (RESERVED.has(slug)) return { problem: `“${trimmed}” names a part of the e-paper’s addresses: choose another name.` };
  return { slug };
}

/** A YYYY-MM-DD date that exists, from 1900 to 2999 (PostgreSQL has no year 0; no newspaper is older). */
export function isEditionDate(date: string): boolean {
  if (!/^(19|2\d)\d{2}-\d{2}-\d{2}$/.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

/** A box that lies on the page and is not empty (ten-thousandths of the page). */
export function isPageBox(box: PageBox): boolean {
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n <= 10000;
  return ok(box.x) && ok(box.y) && ok(box.w) && ok(box.h) && box.w >= 50 && box.h >= 50 && box.x + box.w <= 10000 && box.y + box.h <= 10000;
}

/** The moment a file address made at `now` stops working: at least `URL_LIFETIME_S` away, on a 15-minute step. */
export function urlExpiry(now: Date): number {
  const seconds = Math.floor(now.getTime() / 1000) + URL_LIFETIME_S;
  return Math.ceil(seconds / URL_STEP_S) * URL_STEP_S;
}

/** The signature of a file address: key and expiry under the e-paper key (base64url, 128 bits). */
export function signFile(key: Buffer, fileKey: string, expires: number): string {
  return createHmac('sha256', key).update(`epaper-file\n${fileKey}\n${expires}`).digest('base64url').slice(0, 22);
}

/** Whether `signature` is the one of `fileKey` until `expires`, and that moment has not passed. */
export function checkFileSignature(key: Buffer, fileKey: string, expires: number, signature: string, now: Date): boolean {
  if (!Number.isSafeInteger(expires) || expires * 1000 <= now.getTime()) return false;
  const expected = Buffer.from(signFile(key, fileKey, expires));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
