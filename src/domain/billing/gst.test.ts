import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  financialYear,
  GST_STATES,
  gstinCheckCharacter,
  isValidGstin,
  isValidPin,
  placeOfSupply,
  selectableStates,
  splitGstInclusive,
  stateByCode,
} from './gst.js';
import { DEFAULT_SUPPLIER } from './invoices.js';

describe('splitGstInclusive', () => {
  it('matches the reference table for the three plans (intra-State)', () => {
    expect(splitGstInclusive(90_000, '27', '27')).toEqual({ taxable: 76_271, cgst: 6_864, sgst: 6_865, igst: 0, rate: 18 });
    expect(splitGstInclusive(270_000, '27', '27')).toEqual({ taxable: 228_814, cgst: 20_593, sgst: 20_593, igst: 0, rate: 18 });
    expect(splitGstInclusive(390_000, '27', '27')).toEqual({ taxable: 330_508, cgst: 29_746, sgst: 29_746, igst: 0, rate: 18 });
  });

  it('levies IGST on the whole tax when the place of supply is another State', () => {
    expect(splitGstInclusive(90_000, '27', '29')).toEqual({ taxable: 76_271, cgst: 0, sgst: 0, igst: 13_729, rate: 18 });
    expect(splitGstInclusive(270_000, '27', '07')).toEqual({ taxable: 228_814, cgst: 0, sgst: 0, igst: 41_186, rate: 18 });
  });

  it('handles zero and the smallest amounts', () => {
    expect(splitGstInclusive(0, '27', '27')).toEqual({ taxable: 0, cgst: 0, sgst: 0, igst: 0, rate: 18 });
    expect(splitGstInclusive(1, '27', '27')).toEqual({ taxable: 1, cgst: 0, sgst: 0, igst: 0, rate: 18 });
  });

  it('rejects fractions, negatives and unsafe integers', () => {
    expect(() => splitGstInclusive(1.5, '27', '27')).toThrow();
    expect(() => splitGstInclusive(-1, '27', '27')).toThrow();
    expect(() => splitGstInclusive(2 ** 53, '27', '27')).toThrow();
  });

  it('always adds up to the total, to the paisa, with taxable the nearest paisa to total / 1.18', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), fc.boolean(), (total, intra) => {
        const s = splitGstInclusive(total, '27', intra ? '27' : '33');
        expect(s.taxable + s.cgst + s.sgst + s.igst).toBe(total);
        for (const part of [s.taxable, s.cgst, s.sgst, s.igst]) expect(Number.isInteger(part) && part >= 0).toBe(true);
        // |taxable − total·100/118| ≤ ½, compared in integers: |118·taxable − 100·total| ≤ 59.
        expect(Math.abs(118 * s.taxable - 100 * total)).toBeLessThanOrEqual(59);
        if (intra) {
          expect(s.igst).toBe(0);
          expect(s.sgst - s.cgst === 0 || s.sgst - s.cgst === 1).toBe(true);
        } else {
          expect(s.cgst + s.sgst).toBe(0);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('GST states', () => {
  it('knows the codes by their names', () => {
    expect(stateByCode('27')?.name).toBe('Maharashtra');
    expect(stateByCode('29')?.name).toBe('Karnataka');
    expect(stateByCode('07')?.name).toBe('Delhi');
    expect(stateByCode('33')?.name).toBe('Tamil Nadu');
    expect(stateByCode('36')?.name).toBe('Telangana');
    expect(stateByCode('37')?.name).toBe('Andhra Pradesh');
    expect(stateByCode('38')?.name).toBe('Ladakh');
    expect(stateByCode('00')).toBeUndefined();
    expect(stateByCode('7')).toBeUndefined();
  });

  it('has unique two-digit codes and marks UTs without a legislature as UTGST', () => {
    const codes = GST_STATES.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((c) => /^\d{2}$/.test(c))).toBe(true);
    expect(stateByCode('04')?.localTax).toBe('UTGST');
    expect(stateByCode('07')?.localTax).toBe('SGST');
    expect(stateByCode('34')?.localTax).toBe('SGST');
    expect(selectableStates().some((s) => s.code === '28' || s.code === '25')).toBe(false);
    expect(selectableStates()).toHaveLength(37); // 28 States, 8 UTs, Other Territory
  });
});

describe('placeOfSupply (IGST s.12(2))', () => {
  it("uses a registered recipient's GSTIN State over any address", () => {
    expect(placeOfSupply({ recipientGstin: '29AAPFU0939F1ZR', recipientState: '27', supplierState: '27' })).toBe('29');
  });
  it("uses an unregistered recipient's State when an address is on record", () => {
    expect(placeOfSupply({ recipientGstin: null, recipientState: '33', supplierState: '27' })).toBe('33');
  });
  it("falls back to the supplier's State without an address", () => {
    expect(placeOfSupply({ supplierState: '27' })).toBe('27');
    expect(placeOfSupply({ recipientGstin: '', recipientState: null, supplierState: '27' })).toBe('27');
  });
});

describe('financialYear', () => {
  it('turns over at midnight IST between 31 March and 1 April', () => {
    expect(financialYear(new Date('2027-03-31T18:29:59.999Z'))).toBe('2026-27'); // 23:59:59.999 IST, 31 Mar
    expect(financialYear(new Date('2027-03-31T18:30:00.000Z'))).toBe('2027-28'); // 00:00 IST, 1 Apr
    expect(financialYear(new Date('2026-04-01T00:00:00+05:30'))).toBe('2026-27');
    expect(financialYear(new Date('2026-12-31T23:00:00+05:30'))).toBe('2026-27');
    expect(financialYear(new Date('2027-01-01T00:00:00+05:30'))).toBe('2026-27');
  });
  it('reads the date in the zone given', () => {
    expect(financialYear(new Date('2027-03-31T20:00:00Z'), 'UTC')).toBe('2026-27');
    expect(financialYear(new Date('2027-03-31T20:00:00Z'))).toBe('2027-28');
  });
  it('pads the closing year across a century', () => {
    expect(financialYear(new Date('2099-06-01T00:00:00Z'))).toBe('2099-00');
    expect(financialYear(new Date('2008-06-01T00:00:00Z'))).toBe('2008-09');
  });
});

describe('GSTIN', () => {
  it('accepts well-formed GSTINs with the right check character', () => {
    expect(isValidGstin('27AAPFU0939F1ZV')).toBe(true);
    expect(isValidGstin(DEFAULT_SUPPLIER.gstin)).toBe(true);
    expect(gstinCheckCharacter('27AAPFU0939F1Z')).toBe('V');
  });

  it('rejects a wrong check character, case, length, unknown State and a broken PAN', () => {
    expect(isValidGstin('27AAPFU0939F1ZW')).toBe(false);
    expect(isValidGstin('27aapfu0939f1zv')).toBe(false);
    expect(isValidGstin('27AAPFU0939F1Z')).toBe(false);
    expect(isValidGstin('27AAPFU0939F1ZVV')).toBe(false);
    const unknownState = `00AAPFU0939F1Z`;
    expect(isValidGstin(unknownState + gstinCheckCharacter(unknownState))).toBe(false);
    const badPan = `27AAPF10939F1Z`;
    expect(isValidGstin(badPan + gstinCheckCharacter(badPan))).toBe(false);
  });

  it('catches every single-character change of the check character', () => {
    const letter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const digit = fc.constantFrom(...'0123456789');
    const prefix = fc
      .tuple(
        fc.constantFrom(...selectableStates().map((s) => s.code)),
        fc.array(letter, { minLength: 5, maxLength: 5 }),
        fc.array(digit, { minLength: 4, maxLength: 4 }),
        letter,
        fc.constantFrom(...'123456789ABC'),
      )
      .map(([state, a, d, l, entity]) => `${state}${a.join('')}${d.join('')}${l}${entity}Z`);
    fc.assert(
      fc.property(prefix, fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), (first14, other) => {
        const check = gstinCheckCharacter(first14);
        expect(isValidGstin(first14 + check)).toBe(true);
        if (other !== check) expect(isValidGstin(first14 + other)).toBe(false);
      }),
    );
  });
});

describe('isValidPin', () => {
  it('accepts six digits not starting with zero', () => {
    expect(isValidPin('400013')).toBe(true);
    expect(isValidPin('560001')).toBe(true);
    expect(isValidPin('012345')).toBe(false);
    expect(isValidPin('40001')).toBe(false);
    expect(isValidPin('4000133')).toBe(false);
    expect(isValidPin('40 013')).toBe(false);
  });
});
