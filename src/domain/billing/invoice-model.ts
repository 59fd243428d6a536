/**
 * The shape of tax invoices and credit notes as the domain, views and PDF see them.
 * Kept apart from the queries so renderers import types without pulling in database code.
 */

/** The supplier as printed on a document (snapshotted into each row, so later changes never rewrite history). */
export interface InvoiceSupplier {
  name: string;
  addressLines: string[];
  /** Two-digit GST state code of the supplier's registration. */
  stateCode: string;
  gstin: string;
}

/** Who issues documents and under which series; the series prefixes come from settings. */
export interface SupplierDetails extends InvoiceSupplier {
  /** Prefix of tax invoice numbers, e.g. "DL" → DL/2627/000123 (1–4 of A-Z, 0-9, hyphen). */
  invoiceSeries: string;
  /** Prefix of credit note numbers, e.g. "CN" → CN/2627/000007. */
  creditNoteSeries: string;
}

/** The recipient as printed: Rule 46 wants name, address with PIN and State for unregistered OIDAR buyers. */
export interface InvoiceRecipient {
  name: string;
  email: string | null;
  addressLines: string[];
  pin: string | null;
  stateCode: string | null;
  gstin: string | null;
}

/**
 * A tax invoice, a credit note reducing one, or a debit note (GST s.34(3), Rule 53(1A)) restoring what a
 * credit note took off when its refund failed. Amounts are positive; the kind gives the effect.
 */
export interface Invoice {
  id: number;
  number: string;
  kind: 'invoice' | 'credit-note' | 'debit-note';
  paymentId: number;
  refundId: number | null;
  userId: number;
  issuedAt: Date;
  financialYear: string;
  supplier: InvoiceSupplier;
  recipient: InvoiceRecipient;
  /** Two-digit state code. */
  placeOfSupply: string;
  description: string;
  sac: string;
  currency: string;
  taxableMinor: number;
  cgstMinor: number;
  sgstMinor: number;
  igstMinor: number;
  totalMinor: number;
  /** For a credit or debit note: the invoice it adjusts. */
  original: { number: string; issuedAt: Date } | null;
}

/** The demo publisher (invented address; GSTIN invented but checksum-valid). */
export const DEFAULT_SUPPLIER: SupplierDetails = {
  name: 'The Daily Ledger Media Pvt Ltd',
  addressLines: ['4th Floor, Ledger House, 12 Example Marg', 'Lower Parel, Mumbai 400013'],
  stateCode: '27',
  gstin: '27AAACT0000D1Z9',
  invoiceSeries: 'DL',
  creditNoteSeries: 'CN',
};
