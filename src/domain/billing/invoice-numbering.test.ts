import { describe, expect, it } from 'vitest';
import { financialYearCode, formatDocumentNumber, isValidSeries } from './invoice-numbering.js';

describe('document numbers', () => {
  it('read series/financial year/serial within Rule 46’s 16 characters', () => {
    expect(formatDocumentNumber('DL', '2026-27', 123)).toBe('DL/2627/000123');
    expect(formatDocumentNumber('CN', '2027-28', 7)).toBe('CN/2728/000007');
    expect(formatDocumentNumber('ABCD', '2099-00', 999_999)).toHaveLength(16);
  });

  it('refuse numbers that would not fit or could not be told apart', () => {
    expect(() => formatDocumentNumber('ABCD', '2026-27', 1_000_000)).toThrow(/16 characters/);
    expect(() => formatDocumentNumber('DL', '2026-27', 0)).toThrow();
    expect(() => formatDocumentNumber('dl', '2026-27', 1)).toThrow();
    expect(() => formatDocumentNumber('D/L', '2026-27', 1)).toThrow();
  });

  it('validate series and financial years', () => {
    expect(isValidSeries('DL')).toBe(true);
    expect(isValidSeries('CN-1')).toBe(true);
    expect(isValidSeries('')).toBe(false);
    expect(isValidSeries('TOOLONG')).toBe(false);
    expect(financialYearCode('2026-27')).toBe('2627');
    expect(() => financialYearCode('2026')).toThrow();
  });
});
