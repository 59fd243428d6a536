import type { Tx } from '../ports/database.js';
import { takeNextSerial } from './invoice-queries.js';

/** CGST Rule 46(b): a serial number of at most 16 characters, unique for the financial year. */
export const MAX_DOCUMENT_NUMBER_LENGTH = 16;

/** Series prefixes: up to 4 capitals, digits or hyphens, so "SSSS/2627/000001" stays within 16 characters. */
const SERIES_PATTERN = /^[A-Z0-9-]{1,4}$/;

/** True when `series` can prefix document numbers (Rule 46 allows letters, digits, hyphen and slash; the slash is ours). */
export function isValidSeries(series: string): boolean {
  return SERIES_PATTERN.test(series);
}

/** "2026-27" → "2627": the financial year as it appears inside a document number. */
export function financialYearCode(financialYear: string): string {
  const match = /^\d{2}(\d{2})-(\d{2})$/.exec(financialYear);
  if (!match) throw new Error(`financial year must look like 2026-27, got ${financialYear}`);
  return `${match[1]}${match[2]}`;
}

/** "DL", "2026-27", 123 → "DL/2627/000123". Throws rather than print a number Rule 46 would not accept. */
export function formatDocumentNumber(series: string, financialYear: string, serial: number): string {
  if (!isValidSeries(series)) throw new Error(`invalid invoice series ${JSON.stringify(series)}`);
  if (!Number.isSafeInteger(serial) || serial < 1) throw new Error(`invalid serial ${serial}`);
  const number = `${series}/${financialYearCode(financialYear)}/${String(serial).padStart(6, '0')}`;
  if (number.length > MAX_DOCUMENT_NUMBER_LENGTH) throw new Error(`document number ${number} is longer than 16 characters`);
  return number;
}

/**
 * Takes the next serial of `series` in `financialYear` and returns the formatted number.
 * One atomic upsert: the row lock it takes is held until the caller's transaction ends, so concurrent
 * issuers queue on it, and a rolled-back transaction gives its number back — the series stays gap-free.
 * Must run inside the transaction that stores the document.
 */
export async function nextDocumentNumber(tx: Tx, series: string, financialYear: string): Promise<string> {
  if (!isValidSeries(series)) throw new Error(`invalid invoice series ${JSON.stringify(series)}`);
  return formatDocumentNumber(series, financialYear, await takeNextSerial(tx, series, financialYear));
}
