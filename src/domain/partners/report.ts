import { dayIn } from '../time/zoned.js';
import type { IssuedCode } from './code-queries.js';

/**
 * The partner report: every code handed out, in the order claimed, with its status, so the partner activates and
 * deactivates them. Columns: date (the day claimed, publisher's zone), code, status (`active` or `revoke`:
 * the reader no longer holds the entitlement, deactivate it), claimed_at, revoke_requested_at, expires_on.
 * No reader's name or email: the code is what the partner activates, and the terms need no more.
 */
export const REPORT_HEADER = 'date,code,status,claimed_at,revoke_requested_at,expires_on';

/** A CSV field: quoted when it must be, and never read as a formula by a spreadsheet. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function reportLine(code: IssuedCode, timeZone: string): string {
  return [
    dayIn(code.claimedAt, timeZone).date,
    csvField(code.code),
    code.revokeRequestedAt ? 'revoke' : 'active',
    code.claimedAt.toISOString(),
    code.revokeRequestedAt?.toISOString() ?? '',
    code.expiresOn ?? '',
  ].join(',');
}

/** The report's lines (each ending in CRLF), a keyset page at a time from `page`. */
export async function* reportLines(
  page: (after: { claimedAt: Date; id: number } | null) => Promise<IssuedCode[]>,
  timeZone: string,
): AsyncGenerator<string> {
  yield `${REPORT_HEADER}\r\n`;
  let after: { claimedAt: Date; id: number } | null = null;
  for (;;) {
    const rows = await page(after);
    const last = rows.at(-1);
    if (!last) return;
    yield rows.map((row) => `${reportLine(row, timeZone)}\r\n`).join('');
    after = { claimedAt: last.claimedAt, id: last.id };
  }
}
