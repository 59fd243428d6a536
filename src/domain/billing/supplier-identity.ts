import { gstinCheckCharacter, isValidGstin, GST_STATES, stateByCode } from './gst.js';
import { DEFAULT_SUPPLIER, type SupplierDetails } from './invoice-model.js';
import { isValidSeries } from './invoice-numbering.js';

/** The publisher's legal identity as configured: what every new invoice prints, and the series it is numbered in. */
export type SupplierIdentity = Omit<SupplierDetails, 'creditNoteSeries'>;

/** The identity as an operator types it: the address is one string, its lines separated by `|`. */
export interface SupplierIdentityInput {
  name: string;
  address: string;
  /** The two-digit GST state code of the registration, e.g. "27" (Maharashtra). */
  state: string;
  gstin: string;
  invoiceSeries: string;
}

export type SupplierIdentityField = keyof SupplierIdentityInput;

/** The first problem of an identity, naming the field, or the identity ready to store. */
export type SupplierIdentityCheck = { ok: true; value: SupplierIdentity } | { ok: false; field: SupplierIdentityField; problem: string };

/** Separates the lines of the address in one configuration value. */
export const ADDRESS_LINE_SEPARATOR = '|';

const quote = (value: string): string => JSON.stringify(value);

/**
 * Checks an identity the way a tax invoice needs it: a name and address on one line each, a GSTIN of the right
 * shape and check character (not the demo's invented one), the State it was issued in, and a series that fits
 * Rule 46's 16 characters and is not the credit notes' series (the two share no counter otherwise).
 */
export function checkSupplierIdentity(input: SupplierIdentityInput, creditNoteSeries: string): SupplierIdentityCheck {
  const fail = (field: SupplierIdentityField, problem: string): SupplierIdentityCheck => ({ ok: false, field, problem });
  const name = input.name.trim();
  if (name === '' || /[\r\n]/.test(name) || name.length > 200)
    return fail('name', 'expected the legal name on one line (at most 200 characters)');
  const addressLines = input.address.split(ADDRESS_LINE_SEPARATOR).map((line) => line.trim());
  if (/[\r\n]/.test(input.address) || addressLines.some((line) => line === '' || line.length > 120) || addressLines.length > 6) {
    return fail('address', `expected 1 to 6 non-empty lines of at most 120 characters, separated by "${ADDRESS_LINE_SEPARATOR}"`);
  }
  const gstin = input.gstin.trim().toUpperCase();
  const gstinProblem = checkGstin(gstin);
  if (gstinProblem) return fail('gstin', gstinProblem);
  const state = input.state.trim();
  const stateProblem = checkState(state, gstin);
  if (stateProblem) return fail('state', stateProblem);
  const invoiceSeries = input.invoiceSeries.trim();
  if (!isValidSeries(invoiceSeries)) {
    return fail('invoiceSeries', `expected 1 to 4 capitals, digits or hyphens (DL → DL/2627/000123), got ${quote(invoiceSeries)}`);
  }
  if (invoiceSeries === creditNoteSeries) return fail('invoiceSeries', `${quote(invoiceSeries)} is the credit notes' series; pick another`);
  return { ok: true, value: { name, addressLines, stateCode: state, gstin, invoiceSeries } };
}

function checkGstin(gstin: string): string | null {
  if (gstin === DEFAULT_SUPPLIER.gstin) return "is the demo's invented GSTIN; set the publisher's own";
  if (isValidGstin(gstin)) return null;
  const first14 = gstin.slice(0, 14);
  // Right in every way but the 15th character: most likely a typo, so say which character was expected.
  if (/^[0-9A-Z]{15}$/.test(gstin) && isValidGstin(first14 + gstinCheckCharacter(first14))) {
    return `${quote(gstin)} fails its check character (a typo?)`;
  }
  return `${quote(gstin)} is not a GSTIN: expected 15 characters, the state code, PAN, entity number, Z and a check character`;
}

function checkState(state: string, gstin: string): string | null {
  const registered = stateByCode(gstin.slice(0, 2));
  if (!/^\d{2}$/.test(state)) {
    const named = GST_STATES.find((s) => s.name.toLowerCase() === state.toLowerCase() && !s.legacy);
    return `expected the two-digit GST state code${named ? ` (${named.name} is ${named.code})` : ', e.g. 27 for Maharashtra'}, got ${quote(state)}`;
  }
  if (state !== gstin.slice(0, 2)) {
    return `${state} does not match the GSTIN, which was issued in ${gstin.slice(0, 2)}${registered ? ` (${registered.name})` : ''}`;
  }
  return null;
}
