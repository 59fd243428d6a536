/**
 * The reader's billing details (name and address for the tax invoice, optional GSTIN). One row per
 * reader; the invoice snapshots it when issued, so editing it later never rewrites an invoice.
 */
export interface BillingProfile {
  name: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  /** Two-digit GST state code. */
  stateCode: string;
  pin: string;
  gstin: string | null;
}
