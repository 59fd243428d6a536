/**
 * Indian GST facts and arithmetic for tax invoices (pure, no I/O).
 * Prices are GST-inclusive, so every figure here is derived from a total in integer paise.
 * Sources: CGST Rule 46 (invoice contents), IGST Act s.12(2) (place of supply), GST state code list.
 */

/** Rate for online news subscriptions (OIDAR, SAC 998431). */
export const GST_RATE_PERCENT = 18;

/** SAC 998431: "On-line text based information such as online books, newspapers, periodicals". */
export const NEWS_SUBSCRIPTION_SAC = '998431';

export interface GstState {
  /** Two-digit GST state code, the first two characters of a GSTIN. */
  code: string;
  name: string;
  /**
   * Name of the local half of an intra-State levy: UTs without a legislature levy UTGST instead of SGST
   * (Delhi, Puducherry and J&K count as States for SGST).
   */
  localTax: 'SGST' | 'UTGST';
  /** Codes no longer issued (pre-merger Daman and Diu, pre-bifurcation Andhra Pradesh); old GSTINs still carry them. */
  legacy?: true;
}

const S = (code: string, name: string): GstState => ({ code, name, localTax: 'SGST' });
const UT = (code: string, name: string): GstState => ({ code, name, localTax: 'UTGST' });

/** Every State and Union Territory by GST state code, plus 97 "Other Territory" (offshore areas). */
export const GST_STATES: readonly GstState[] = [
  S('01', 'Jammu and Kashmir'),
  S('02', 'Himachal Pradesh'),
  S('03', 'Punjab'),
  UT('04', 'Chandigarh'),
  S('05', 'Uttarakhand'),
  S('06', 'Haryana'),
  S('07', 'Delhi'),
  S('08', 'Rajasthan'),
  S('09', 'Uttar Pradesh'),
  S('10', 'Bihar'),
  S('11', 'Sikkim'),
  S('12', 'Arunachal Pradesh'),
  S('13', 'Nagaland'),
  S('14', 'Manipur'),
  S('15', 'Mizoram'),
  S('16', 'Tripura'),
  S('17', 'Meghalaya'),
  S('18', 'Assam'),
  S('19', 'West Bengal'),
  S('20', 'Jharkhand'),
  S('21', 'Odisha'),
  S('22', 'Chhattisgarh'),
  S('23', 'Madhya Pradesh'),
  S('24', 'Gujarat'),
  { ...UT('25', 'Daman and Diu'), legacy: true },
  UT('26', 'Dadra and Nagar Haveli and Daman and Diu'),
  S('27', 'Maharashtra'),
  { ...S('28', 'Andhra Pradesh (old)'), legacy: true },
  S('29', 'Karnataka'),
  S('30', 'Goa'),
  UT('31', 'Lakshadweep'),
  S('32', 'Kerala'),
  S('33', 'Tamil Nadu'),
  S('34', 'Puducherry'),
  UT('35', 'Andaman and Nicobar Islands'),
  S('36', 'Telangana'),
  S('37', 'Andhra Pradesh'),
  UT('38', 'Ladakh'),
  UT('97', 'Other Territory'),
];

const BY_CODE = new Map(GST_STATES.map((s) => [s.code, s]));

/** The State or UT with this two-digit GST code, or undefined. */
export function stateByCode(code: string): GstState | undefined {
  return BY_CODE.get(code);
}

/** States a reader can pick today (legacy codes left out). */
export function selectableStates(): GstState[] {
  return GST_STATES.filter((s) => !s.legacy);
}

/**
 * An inclusive total split into taxable value and tax heads, all integer paise. Each tax is its rate of the
 * taxable value, rounded half-up to the paisa; `rounding` is what is left of the total (usually 0, never
 * more than a paisa either way), so taxable + taxes + rounding = total always.
 */
export interface GstSplit {
  taxable: number;
  cgst: number;
  sgst: number;
  igst: number;
  /** Total − taxable − taxes: printed as a "Rounding" line when it is not zero. */
  rounding: number;
  rate: typeof GST_RATE_PERCENT;
}

/** round(a / b) half-up for non-negative integers, as floor((2a + b) / 2b) with exact integer division. */
function divideRounded(a: number, b: number): number {
  const numerator = 2 * a + b;
  const denominator = 2 * b;
  return (numerator - (numerator % denominator)) / denominator;
}

/** The tax heads on a taxable value: each its rate of the value, rounded half-up to the paisa. */
export function taxesOn(taxable: number, intraState: boolean): Pick<GstSplit, 'cgst' | 'sgst' | 'igst'> {
  if (intraState) {
    const half = divideRounded(taxable * (GST_RATE_PERCENT / 2), 100);
    return { cgst: half, sgst: half, igst: 0 };
  }
  return { cgst: 0, sgst: 0, igst: divideRounded(taxable * GST_RATE_PERCENT, 100) };
}

/**
 * Splits a GST-inclusive total so that every printed figure can be checked with a calculator: each tax is
 * round(taxable × rate) (CGST and SGST/UTGST at half the rate each, so always equal) and the parts add up
 * to the total. The taxable value is the paisa nearest total / 1.18 for which that holds exactly, looking
 * one paisa either side; where no such value exists (the rounded taxes step over the total), it is the
 * nearest paisa and a `rounding` of ±1 paisa carries the difference. Same State (supply within the
 * supplier's State) ⇒ CGST + SGST/UTGST; otherwise IGST. Integer arithmetic only.
 */
export function splitGstInclusive(totalMinor: number, supplierState: string, placeOfSupply: string): GstSplit {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0)
    throw new Error(`total must be a non-negative integer of paise, got ${totalMinor}`);
  const intraState = supplierState === placeOfSupply;
  const nearest = divideRounded(totalMinor * 100, 100 + GST_RATE_PERCENT);
  // Candidates nearest first: distance to total·100/118, compared in integers as |118·v − 100·total|.
  const distance = (v: number) => Math.abs((100 + GST_RATE_PERCENT) * v - 100 * totalMinor);
  const candidates = [nearest, nearest - 1, nearest + 1].filter((v) => v >= 0).sort((a, b) => distance(a) - distance(b));
  const split = (taxable: number): GstSplit => {
    const taxes = taxesOn(taxable, intraState);
    const rounding = totalMinor - taxable - taxes.cgst - taxes.sgst - taxes.igst;
    return { taxable, ...taxes, rounding, rate: GST_RATE_PERCENT };
  };
  return candidates.map(split).find((s) => s.rounding === 0) ?? split(nearest);
}

/**
 * Whether a document's figures keep the rule `splitGstInclusive` follows: each tax is its rate of the
 * taxable value (rounded to the paisa), CGST equals SGST, and what is left of the total is at most a paisa.
 */
export function isConsistentSplit(split: GstHeads, totalMinor: number, intraState: boolean): boolean {
  if (split.taxable < 0) return false;
  const taxes = taxesOn(split.taxable, intraState);
  const rounding = totalMinor - split.taxable - split.cgst - split.sgst - split.igst;
  return taxes.cgst === split.cgst && taxes.sgst === split.sgst && taxes.igst === split.igst && Math.abs(rounding) <= 1;
}

/** The amounts a tax document prints: taxable value and tax heads, in paise. */
export type GstHeads = Pick<GstSplit, 'taxable' | 'cgst' | 'sgst' | 'igst'>;

/**
 * What a credit note of `amount` credits against an invoice, given the credit notes issued before it.
 * Split like any document (`splitGstInclusive`), so every tax is its rate of the taxable value and CGST
 * equals SGST. The note that completes a full refund credits what is left of each head instead, when those
 * figures keep the same rule (`isConsistentSplit`), so the invoice and its notes cancel to the paisa (or
 * at least its taxes do, with a taxable value a paisa or two off); a single full refund thus mirrors its
 * invoice. Where no checkable note can carry what is left, the notes leave a paisa of a head uncancelled.
 */
export function creditNoteHeads(
  amount: number,
  invoice: GstHeads & { total: number },
  earlier: readonly (GstHeads & { total: number })[],
  supplierState: string,
  placeOfSupply: string,
): GstHeads {
  const { taxable, cgst, sgst, igst } = splitGstInclusive(amount, supplierState, placeOfSupply);
  const own = { taxable, cgst, sgst, igst };
  const sum = (head: (d: GstHeads & { total: number }) => number) => earlier.reduce((total, d) => total + head(d), 0);
  if (sum((d) => d.total) + amount !== invoice.total) return own;
  const rest = {
    taxable: invoice.taxable - sum((d) => d.taxable),
    cgst: invoice.cgst - sum((d) => d.cgst),
    sgst: invoice.sgst - sum((d) => d.sgst),
    igst: invoice.igst - sum((d) => d.igst),
  };
  // The taxes left are credited as they are when a taxable value within two paise of what is left keeps them
  // checkable: the tax cancels exactly, and the taxable value is the nearest that prints true.
  for (const shift of [0, -1, 1, -2, 2]) {
    const candidate = { ...rest, taxable: rest.taxable + shift };
    if (isConsistentSplit(candidate, amount, supplierState === placeOfSupply)) return candidate;
  }
  return own;
}

/**
 * Place of supply of an OIDAR service, IGST Act s.12(2): a registered recipient's location (their
 * GSTIN's state code); else an unregistered recipient's State when an address is on record; else the
 * supplier's location. Returns a two-digit state code.
 */
export function placeOfSupply(input: { recipientGstin?: string | null; recipientState?: string | null; supplierState: string }): string {
  if (input.recipientGstin) return input.recipientGstin.slice(0, 2);
  if (input.recipientState) return input.recipientState;
  return input.supplierState;
}

const yearMonthFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The Indian financial year (April–March) a moment falls in, as "2026-27". The date is read in
 * `timeZone` (IST by default), so 31 Mar 23:30 IST belongs to the old year though it is April nowhere.
 */
export function financialYear(date: Date, timeZone = 'Asia/Kolkata'): string {
  let f = yearMonthFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric' });
    yearMonthFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(date);
  // Stryker disable next-line OptionalChaining: the year part is always there (formatToParts throws for an invalid date)
  const year = Number(parts.find((p) => p.type === 'year')?.value);
  // Stryker disable next-line OptionalChaining: the month part is always there (formatToParts throws for an invalid date)
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  const start = month >= 4 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

const GSTIN_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
// State code, PAN (5 letters, 4 digits, 1 letter), entity number, a letter or digit (Z by default), check character.
const GSTIN_PATTERN = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z][0-9A-Z][0-9A-Z]$/;

/**
 * The 15th character of a GSTIN from its first 14: base-36 values, weights alternating 1 and 2,
 * each product's base-36 digits summed, check = (36 − sum mod 36) mod 36.
 */
export function gstinCheckCharacter(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const value = GSTIN_ALPHABET.indexOf(first14[i] ?? '');
    if (value < 0) throw new Error('GSTIN characters must be 0-9 or A-Z');
    const product = value * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return GSTIN_ALPHABET[(36 - (sum % 36)) % 36] as string;
}

/** True for a well-formed GSTIN: 15 characters, a known state code, a PAN, and a correct check character. */
export function isValidGstin(gstin: string): boolean {
  if (!GSTIN_PATTERN.test(gstin)) return false;
  if (!stateByCode(gstin.slice(0, 2))) return false;
  // Stryker disable next-line MethodExpression: gstinCheckCharacter reads the first 14 characters only
  return gstinCheckCharacter(gstin.slice(0, 14)) === gstin[14];
}

/** True for an Indian PIN code: six digits, not starting with 0. */
export function isValidPin(pin: string): boolean {
  return /^[1-9][0-9]{5}$/.test(pin);
}
