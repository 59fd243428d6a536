import { GST_RATE_PERCENT, stateByCode } from './gst.js';
import type { Invoice } from './invoice-model.js';
import type { Money } from './money.js';

/**
 * What a printed tax invoice or credit note says, in order, independent of the medium. The HTML view and
 * the PDF both render this, so the two can never disagree about what Rule 46 requires.
 */
export interface InvoiceSheet {
  title: 'Tax Invoice' | 'Credit Note' | 'Debit Note';
  number: string;
  date: string;
  /** Credit notes: the invoice they reduce (number and date, as Rule 53 asks). */
  original: { number: string; date: string } | null;
  supplier: { name: string; lines: string[]; gstin: string };
  recipient: { name: string; lines: string[]; gstin: string | null };
  /** "Maharashtra (27)". */
  placeOfSupply: string;
  sac: string;
  description: string;
  taxable: Money;
  /** CGST + SGST/UTGST for a supply within the supplier's State, IGST otherwise. */
  taxes: { label: string; amount: Money }[];
  /**
   * What the total holds beyond the taxable value and the taxes (a paisa either way), or null when they add
   * up exactly: each tax is printed as its rate of the printed taxable value, so the reader can check it.
   */
  rounding: Money | null;
  total: Money;
  reverseCharge: string;
  footer: string[];
}

const dateFormat = new Intl.DateTimeFormat('en-IN', { timeZone: 'Asia/Kolkata', day: 'numeric', month: 'short', year: 'numeric' });

/** A calendar date as printed on invoices, read in IST: "24 Nov 2026". */
export function formatInvoiceDate(date: Date): string {
  return dateFormat.format(date);
}

/** "Maharashtra (27)", or the bare code if it is unknown. */
export function stateLabel(code: string): string {
  const state = stateByCode(code);
  return state ? `${state.name} (${code})` : code;
}

/** Lays out an invoice for printing. */
export function invoiceSheet(invoice: Invoice): InvoiceSheet {
  const money = (minor: number): Money => ({ minor, currency: invoice.currency });
  const { supplier, recipient } = invoice;
  // Intra- or inter-State follows the place of supply, not which amounts happen to be non-zero.
  const intraState = invoice.placeOfSupply === supplier.stateCode;
  const half = GST_RATE_PERCENT / 2;
  const localTax = stateByCode(supplier.stateCode)?.localTax ?? 'SGST';
  const taxes = intraState
    ? [
        { label: `CGST @ ${half}%`, amount: money(invoice.cgstMinor) },
        { label: `${localTax} @ ${half}%`, amount: money(invoice.sgstMinor) },
      ]
    : [{ label: `IGST @ ${GST_RATE_PERCENT}%`, amount: money(invoice.igstMinor) }];
  const rounding = invoice.totalMinor - invoice.taxableMinor - invoice.cgstMinor - invoice.sgstMinor - invoice.igstMinor;
  const recipientLines = [...recipient.addressLines];
  if (recipient.pin) recipientLines.push(`PIN ${recipient.pin}`);
  if (recipient.stateCode) recipientLines.push(`State: ${stateLabel(recipient.stateCode)}`);
  if (recipient.email) recipientLines.push(recipient.email);
  return {
    title: invoice.kind === 'credit-note' ? 'Credit Note' : invoice.kind === 'debit-note' ? 'Debit Note' : 'Tax Invoice',
    number: invoice.number,
    date: formatInvoiceDate(invoice.issuedAt),
    original: invoice.original ? { number: invoice.original.number, date: formatInvoiceDate(invoice.original.issuedAt) } : null,
    supplier: { name: supplier.name, lines: [...supplier.addressLines, `State: ${stateLabel(supplier.stateCode)}`], gstin: supplier.gstin },
    recipient: { name: recipient.name, lines: recipientLines, gstin: recipient.gstin },
    placeOfSupply: stateLabel(invoice.placeOfSupply),
    sac: invoice.sac,
    description: invoice.description,
    taxable: money(invoice.taxableMinor),
    taxes,
    rounding: rounding === 0 ? null : money(rounding),
    total: money(invoice.totalMinor),
    reverseCharge: 'Whether tax is payable on reverse charge: No',
    footer: [`For ${supplier.name}: authorised signatory (electronically issued invoice).`],
  };
}
