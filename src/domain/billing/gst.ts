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

/** An inclusive total split into taxable value and tax heads, all integer paise; the parts add up to the total. */
export interface GstSplit {
  taxable: number;
  cgst: number;
  sgst: number;
  igst: number;
  rate: typeof GST_RATE_PERCENT;
}

/**
 * Splits a GST-inclusive total: taxable = round(total × 100 / 118) half-up, tax = the rest.
 * Same State (supply within the supplier's State) ⇒ CGST + SGST/UTGST, the odd paisa going to SGST;
 * otherwise IGST. Integer arithmetic only, so no float can lose a paisa.
 */
export function splitGstInclusive(totalMinor: number, supplierState: string, placeOfSupply: string): GstSplit {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0)
    throw new Error(`total must be a non-negative integer of paise, got ${totalMinor}`);
  // round(a / b) half-up as floor((2a + b) / 2b), with exact integer division.
  const numerator = 2 * totalMinor * 100 + (100 + GST_RATE_PERCENT);
  const denominator = 2 * (100 + GST_RATE_PERCENT);
  const taxable = (numerator - (numerator % denominator)) / denominator;
  const tax = totalMinor - taxable;
  if (supplierState === placeOfSupply) {
    const cgst = Math.floor(tax / 2);
    return { taxable, cgst, sgst: tax - cgst, igst: 0, rate: GST_RATE_PERCENT };
  }
  return { taxable, cgst: 0, sgst: 0, igst: tax, rate: GST_RATE_PERCENT };
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
