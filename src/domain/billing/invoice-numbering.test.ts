import { describe, expect, it } from 'vitest';
import { financialYearCode, formatDocumentNumber, isValidSeries } from './invoice-numbering.js';

describe('document numbers', () => {
  it('read series/financial year/serial within Rule 46’s 16 characters', () => {
    expect(formatDocumentNumber('DL', '2026-27', 123)).toBe('DL/2627/000123');
    expect(formatDocumentNumber('CN', '2027-28', 7)).toBe('CN/2728/000007');
    expect(formatDocumentNumber('ABCD', '2099-00', 999_999)).toHaveLength(16);
  });

  it('refuse numbers that would not fit or could not be told apart', () => {
    expect(() => formatDocumentNumber('ABCD', '2026-27', 1_000_000)).toThrow(
      'document number ABCD/2627/1000000 is longer than 16 characters',
    );
    expect(() => formatDocumentNumber('DL', '2026-27', 0)).toThrow('invalid serial 0');
    expect(() => formatDocumentNumber('DL', '2026-27', 1.5)).toThrow('invalid serial 1.5');
    expect(formatDocumentNumber('DL', '2026-27', 1)).toBe('DL/2627/000001');
    expect(() => formatDocumentNumber('dl', '2026-27', 1)).toThrow('invalid invoice series "dl"');
    expect(() => formatDocumentNumber('D/L', '2026-27', 1)).toThrow();
  });

  it('validate series and financial years', () => {
    expect(isValidSeries('DL')).toBe(true);
    expect(isValidSeries('CN-1')).toBe(true);
    expect(isValidSeries('')).toBe(false);
    expect(isValidSeries('TOOLONG')).toBe(false);
    expect(financialYearCode('2026-27')).toBe('2627');
    for (const bad of ['2026', '12026-27', '2026-271', '2026-7']) {
      expect(() => financialYearCode(bad), bad).toThrow(`financial year must look like 2026-27, got ${bad}`);
    }
  });
});
