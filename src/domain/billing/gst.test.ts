import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  financialYear,
  GST_RATE_PERCENT,
  creditNoteHeads,
  GST_STATES,
  isConsistentSplit,
  gstinCheckCharacter,
  isValidGstin,
  isValidPin,
  NEWS_SUBSCRIPTION_SAC,
  placeOfSupply,
  selectableStates,
  splitGstInclusive,
  stateByCode,
} from './gst.js';
import { DEFAULT_SUPPLIER } from './invoices.js';

describe('GST facts on a news subscription invoice', () => {
  it('classifies it under SAC 998431 at 18%', () => {
    expect(NEWS_SUBSCRIPTION_SAC).toBe('998431');
    expect(GST_RATE_PERCENT).toBe(18);
  });
});

describe('splitGstInclusive', () => {
  it('splits the three plans so each tax is 9% (or 18%) of the printed taxable value and the parts add up', () => {
    // ₹900: 76,271 (nearest to 900/1.18) would print taxes of 2 × 6,864 and add up to 899.99; 76,272 adds up exactly.
    expect(splitGstInclusive(90_000, '27', '27')).toEqual({ taxable: 76_272, cgst: 6_864, sgst: 6_864, igst: 0, rounding: 0, rate: 18 });
    expect(splitGstInclusive(270_000, '27', '27')).toEqual({
      taxable: 228_814,
      cgst: 20_593,
      sgst: 20_593,
      igst: 0,
      rounding: 0,
      rate: 18,
    });
    expect(splitGstInclusive(390_000, '27', '27')).toEqual({
      taxable: 330_508,
      cgst: 29_746,
      sgst: 29_746,
      igst: 0,
      rounding: 0,
      rate: 18,
    });
  });

  it('levies IGST at 18% of the taxable value when the place of supply is another State', () => {
    expect(splitGstInclusive(90_000, '27', '29')).toEqual({ taxable: 76_271, cgst: 0, sgst: 0, igst: 13_729, rounding: 0, rate: 18 });
    // ₹2,700: 18% of 2,28,814 is 41,186.52 → 41,187, one paisa over; no taxable value adds up exactly, so a rounding of −₹0.01.
    expect(splitGstInclusive(270_000, '27', '07')).toEqual({ taxable: 228_814, cgst: 0, sgst: 0, igst: 41_187, rounding: -1, rate: 18 });
  });

  it('handles zero and the smallest amounts', () => {
    expect(splitGstInclusive(0, '27', '27')).toEqual({ taxable: 0, cgst: 0, sgst: 0, igst: 0, rounding: 0, rate: 18 });
    expect(splitGstInclusive(1, '27', '27')).toEqual({ taxable: 1, cgst: 0, sgst: 0, igst: 0, rounding: 0, rate: 18 });
  });

  it('rejects fractions, negatives and unsafe integers, saying it wants paise', () => {
    expect(() => splitGstInclusive(1.5, '27', '27')).toThrow('total must be a non-negative integer of paise, got 1.5');
    expect(() => splitGstInclusive(-1, '27', '27')).toThrow(/non-negative integer of paise/);
    expect(() => splitGstInclusive(2 ** 53, '27', '27')).toThrow(/non-negative integer of paise/);
  });

  it('never splits CGST and SGST unequally (₹10 was 76 + 77); where no taxable value adds up, a rounding line takes the paisa', () => {
    expect(splitGstInclusive(1_000, '04', '04')).toEqual({ taxable: 848, cgst: 76, sgst: 76, igst: 0, rounding: 0, rate: 18 });
    // Across States, 18% of 847 is 152.46 → 152 (999 paise) and of 848 is 152.64 → 153 (1,001): ₹10 needs a rounding line.
    expect(splitGstInclusive(1_000, '27', '33')).toEqual({ taxable: 847, cgst: 0, sgst: 0, igst: 152, rounding: 1, rate: 18 });
  });

  /** What is wrong with one document's figures, checked as a reader with a calculator would, in integers only. */
  function problems(total: number, intra: boolean): string[] {
    const s = splitGstInclusive(total, '27', intra ? '27' : '33');
    const found: string[] = [];
    const fail = (what: string) => found.push(`${total} ${intra ? 'intra' : 'inter'}: ${what} in ${JSON.stringify(s)}`);
    if (s.taxable + s.cgst + s.sgst + s.igst + s.rounding !== total) fail('parts do not add up');
    if (Math.abs(s.rounding) > 1) fail('rounding over a paisa');
    if (s.taxable < 0) fail('negative taxable value');
    // Each tax is round-half-up(rate × taxable): 100·tax − 50 ≤ rate·taxable < 100·tax + 50.
    const rounded = (tax: number, ratePercent: number) =>
      100 * tax - 50 <= ratePercent * s.taxable && ratePercent * s.taxable < 100 * tax + 50;
    if (intra && (s.igst !== 0 || s.cgst !== s.sgst || !rounded(s.cgst, 9))) fail('CGST/SGST not 9% each of the taxable value');
    if (!intra && (s.cgst + s.sgst !== 0 || !rounded(s.igst, 18))) fail('IGST not 18% of the taxable value');
    // The taxable value is within 1.5 paise of total / 1.18 (|118·taxable − 100·total| ≤ 177).
    if (Math.abs(118 * s.taxable - 100 * total) > 177) fail('taxable value too far from total / 1.18');
    // A rounding line only where no taxable value within a paisa of the nearest adds up exactly.
    if (s.rounding !== 0) {
      const nearest = Math.floor((2 * total * 100 + 118) / 236);
      for (const v of [nearest - 1, nearest, nearest + 1]) {
        const tax = intra ? 2 * Math.floor((18 * v + 100) / 200) : Math.floor((36 * v + 100) / 200);
        if (v >= 0 && v + tax === total) fail(`rounding line though ${v} adds up`);
      }
    }
    return found;
  }

  it('every price from 0 to ₹1,000 in paise, within the State and across States, is checkable to the paisa', () => {
    const found: string[] = [];
    let rounded = 0;
    for (let total = 0; total <= 100_000; total++) {
      for (const intra of [true, false]) {
        found.push(...problems(total, intra));
        if (splitGstInclusive(total, '27', intra ? '27' : '33').rounding !== 0) rounded++;
      }
    }
    expect(found.slice(0, 5)).toEqual([]);
    // The rounded taxes step over about one total in seven; only those print a rounding line.
    expect(rounded / 200_002).toBeLessThan(0.16);
  });

  it('large totals are checkable too', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), fc.boolean(), (total, intra) => problems(total, intra).length === 0),
      { numRuns: 5_000 },
    );
  });
});

describe('creditNoteHeads', () => {
  const heads = (total: number, intra: boolean) => {
    const { taxable, cgst, sgst, igst } = splitGstInclusive(total, '27', intra ? '27' : '33');
    return { taxable, cgst, sgst, igst, total };
  };
  const note = (amount: number, invoiceTotal: number, earlier: number[], intra: boolean) =>
    creditNoteHeads(
      amount,
      heads(invoiceTotal, intra),
      earlier.map((e) => heads(e, intra)),
      '27',
      intra ? '27' : '33',
    );

  it('a refund of everything at once mirrors its invoice', () => {
    for (const total of [90_000, 270_000, 390_000, 1_234_567])
      for (const intra of [true, false]) expect({ ...note(total, total, [], intra), total }).toEqual(heads(total, intra));
  });

  it('partial refunds of each plan price, and the refund of the rest, are checkable, with CGST equal to SGST', () => {
    const found: string[] = [];
    // Every refund of ₹900; of the dearer plans every seventh paisa, which keeps the run short and still
    // steps through every remainder modulo 118 that the split of a GST-inclusive amount depends on.
    for (const [price, step] of [
      [90_000, 1],
      [270_000, 7],
      [390_000, 7],
    ] as const) {
      for (let refund = 1; refund < price; refund += step) {
        for (const intra of [true, false]) {
          const first = note(refund, price, [], intra);
          const rest = note(price - refund, price, [refund], intra);
          if (!isConsistentSplit(first, refund, intra) || first.cgst !== first.sgst) found.push(`${price} ${intra}: first ${refund}`);
          if (!isConsistentSplit(rest, price - refund, intra) || rest.cgst !== rest.sgst)
            found.push(`${price} ${intra}: rest after ${refund}`);
        }
      }
    }
    expect(found.slice(0, 5)).toEqual([]);
  });

  it('the refund that completes a full refund cancels the invoice to the paisa whenever the rest is checkable', () => {
    let cancelled = 0;
    for (let refund = 1; refund < 90_000; refund++) {
      const [invoice, first, rest] = [heads(90_000, true), note(refund, 90_000, [], true), note(90_000 - refund, 90_000, [refund], true)];
      const left = { taxable: invoice.taxable - first.taxable, cgst: invoice.cgst - first.cgst, sgst: invoice.sgst - first.sgst, igst: 0 };
      if (isConsistentSplit(left, 90_000 - refund, true)) {
        expect(rest).toEqual(left);
        cancelled++;
      }
    }
    // ₹450.01 then ₹449.99, for one.
    expect(note(44_999, 90_000, [45_001], true).taxable + note(45_001, 90_000, [], true).taxable).toBe(76_272);
    // About half the ways of refunding ₹900 in two parts: the others leave a paisa that no checkable note can carry.
    expect(cancelled).toBeGreaterThan(40_000);
  });
});

/** The GST state code list (GSTN), with the UTs that levy UTGST instead of SGST. */
const OFFICIAL_STATE_CODES: [code: string, name: string, localTax: 'SGST' | 'UTGST'][] = [
  ['01', 'Jammu and Kashmir', 'SGST'],
  ['02', 'Himachal Pradesh', 'SGST'],
  ['03', 'Punjab', 'SGST'],
  ['04', 'Chandigarh', 'UTGST'],
  ['05', 'Uttarakhand', 'SGST'],
  ['06', 'Haryana', 'SGST'],
  ['07', 'Delhi', 'SGST'],
  ['08', 'Rajasthan', 'SGST'],
  ['09', 'Uttar Pradesh', 'SGST'],
  ['10', 'Bihar', 'SGST'],
  ['11', 'Sikkim', 'SGST'],
  ['12', 'Arunachal Pradesh', 'SGST'],
  ['13', 'Nagaland', 'SGST'],
  ['14', 'Manipur', 'SGST'],
  ['15', 'Mizoram', 'SGST'],
  ['16', 'Tripura', 'SGST'],
  ['17', 'Meghalaya', 'SGST'],
  ['18', 'Assam', 'SGST'],
  ['19', 'West Bengal', 'SGST'],
  ['20', 'Jharkhand', 'SGST'],
  ['21', 'Odisha', 'SGST'],
  ['22', 'Chhattisgarh', 'SGST'],
  ['23', 'Madhya Pradesh', 'SGST'],
  ['24', 'Gujarat', 'SGST'],
  ['26', 'Dadra and Nagar Haveli and Daman and Diu', 'UTGST'],
  ['27', 'Maharashtra', 'SGST'],
  ['29', 'Karnataka', 'SGST'],
  ['30', 'Goa', 'SGST'],
  ['31', 'Lakshadweep', 'UTGST'],
  ['32', 'Kerala', 'SGST'],
  ['33', 'Tamil Nadu', 'SGST'],
  ['34', 'Puducherry', 'SGST'],
  ['35', 'Andaman and Nicobar Islands', 'UTGST'],
  ['36', 'Telangana', 'SGST'],
  ['37', 'Andhra Pradesh', 'SGST'],
  ['38', 'Ladakh', 'UTGST'],
  ['97', 'Other Territory', 'UTGST'],
];

describe('GST states', () => {
  it.each(OFFICIAL_STATE_CODES)('%s is %s, levying CGST + %s within it', (code, name, localTax) => {
    expect(stateByCode(code)).toMatchObject({ code, name, localTax });
  });

  it('offers readers exactly the codes issued today, in code order', () => {
    expect(selectableStates().map((s) => [s.code, s.name])).toEqual(OFFICIAL_STATE_CODES.map(([code, name]) => [code, name]));
  });

  it('still knows the legacy codes old GSTINs carry', () => {
    expect(stateByCode('25')).toMatchObject({ name: 'Daman and Diu', localTax: 'UTGST', legacy: true });
    expect(stateByCode('28')).toMatchObject({ name: 'Andhra Pradesh (old)', localTax: 'SGST', legacy: true });
  });

  it('knows no other codes', () => {
    expect(stateByCode('00')).toBeUndefined();
    expect(stateByCode('7')).toBeUndefined();
    expect(stateByCode('39')).toBeUndefined();
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

  it('computes the check character from the first 14 characters only', () => {
    expect(gstinCheckCharacter('27AAPFU0939F1ZV')).toBe('V');
  });

  it('refuses to compute a check character over anything but 0-9 and A-Z', () => {
    expect(() => gstinCheckCharacter('27aapfu0939f1z')).toThrow('GSTIN characters must be 0-9 or A-Z');
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

  it('refuses 16 characters even when the last 15 would pass as a GSTIN', () => {
    expect(isValidGstin('09ZFWCC5399G1ZT')).toBe(true);
    expect(isValidGstin('109ZFWCC5399G1ZT')).toBe(false); // a stray digit in front
  });

  it('catches every single-character change of the check character', () => {
    const letter = fc.constantFrom(...Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZ'));
    const digit = fc.constantFrom(...Array.from('0123456789'));
    const prefix = fc
      .tuple(
        fc.constantFrom(...selectableStates().map((s) => s.code)),
        fc.array(letter, { minLength: 5, maxLength: 5 }),
        fc.array(digit, { minLength: 4, maxLength: 4 }),
        letter,
        fc.constantFrom(...Array.from('123456789ABC')),
      )
      .map(([state, a, d, l, entity]) => `${state}${a.join('')}${d.join('')}${l}${entity}Z`);
    fc.assert(
      fc.property(prefix, fc.constantFrom(...Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ')), (first14, other) => {
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
    expect(isValidPin('1400013')).toBe(false); // seven digits whose last six would pass
    expect(isValidPin('PIN 400013')).toBe(false);
    expect(isValidPin('40 013')).toBe(false);
  });
});
