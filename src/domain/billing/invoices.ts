import type { Tx } from '../ports/database.js';
import { creditNoteHeads, financialYear, NEWS_SUBSCRIPTION_SAC, placeOfSupply, splitGstInclusive, type GstHeads } from './gst.js';
import type { Invoice, InvoiceRecipient, InvoiceSupplier, SupplierDetails } from './invoice-model.js';
import { nextDocumentNumber } from './invoice-numbering.js';
import { findPaymentInvoice, findRefundCreditNote, insertDocument, listPaymentCreditNotes } from './invoice-queries.js';
import { formatInvoiceDate } from './invoice-sheet.js';
import { findRefund, lockPayment, refundedBefore } from './payment-queries.js';
import type { Payment } from './payments.js';
import { findPlan } from './plan-queries.js';
import { describeTerm } from './plans.js';
import { findBillingProfile } from './profile-queries.js';
import { findReader, type FindReaders } from './readers.js';

export { DEFAULT_SUPPLIER, type Invoice, type InvoiceRecipient, type InvoiceSupplier, type SupplierDetails } from './invoice-model.js';

/** Issuing tax invoices and credit notes: numbered, split into GST heads, addressed, stored. */

/** What issuing a document needs besides its payment or refund. */
export interface IssueInput {
  now: Date;
  supplier: SupplierDetails;
  /** The accounts module's lookup of the reader (name and email on the document). */
  findReaders: FindReaders;
}

/** Locks the payment row: issuers of documents for one payment queue here, which makes the existence checks safe. */
async function lockInvoicedPayment(tx: Tx, paymentId: number): Promise<Payment> {
  const payment = await lockPayment(tx, paymentId);
  if (!payment) throw new Error(`payment ${paymentId} not found`);
  // A GST invoice is in rupees; a foreign-currency charge would need a conversion rule first.
  if (payment.currency !== 'INR') throw new Error(`payment ${paymentId} is in ${payment.currency}, not INR`);
  return payment;
}

async function loadRecipient(tx: Tx, userId: number, findReaders: FindReaders): Promise<InvoiceRecipient> {
  const reader = await findReader(findReaders, tx, userId);
  const profile = await findBillingProfile(tx, userId);
  // Without a billing profile the invoice still goes out, addressed by name or email; place of supply then
  // falls back to the supplier's State (s.12(2)(b)(ii)). Checkout is what should capture the address.
  const addressLines = [profile?.addressLine1, profile?.addressLine2, profile?.city].filter((line): line is string => !!line);
  return {
    name: profile?.name || reader?.name || reader?.email || 'Reader (account deleted)',
    email: reader?.email || null,
    addressLines,
    pin: profile?.pin ?? null,
    stateCode: profile?.stateCode ?? null,
    gstin: profile?.gstin ?? null,
  };
}

interface Document {
  number: string;
  kind: Invoice['kind'];
  paymentId: number;
  refundId: number | null;
  userId: number;
  now: Date;
  supplier: InvoiceSupplier;
  recipient: InvoiceRecipient;
  placeOfSupply: string;
  description: string;
  amounts: GstHeads & { total: number };
}

function store(tx: Tx, d: Document): Promise<Invoice> {
  return insertDocument(tx, {
    number: d.number,
    kind: d.kind,
    paymentId: d.paymentId,
    refundId: d.refundId,
    userId: d.userId,
    issuedAt: d.now,
    financialYear: financialYear(d.now),
    // The supplier as printed; the series prefixes are settings, not part of the document.
    supplier: { name: d.supplier.name, addressLines: d.supplier.addressLines, stateCode: d.supplier.stateCode, gstin: d.supplier.gstin },
    recipient: d.recipient,
    placeOfSupply: d.placeOfSupply,
    description: d.description,
    sac: NEWS_SUBSCRIPTION_SAC,
    currency: 'INR',
    taxableMinor: d.amounts.taxable,
    cgstMinor: d.amounts.cgst,
    sgstMinor: d.amounts.sgst,
    igstMinor: d.amounts.igst,
    totalMinor: d.amounts.total,
  });
}

/**
 * Issues the tax invoice for a captured payment, or returns the one already issued (idempotent: webhook
 * retries and replays are safe). Must run in a transaction: the number is taken and the row stored together.
 */
export async function issueInvoice(tx: Tx, input: IssueInput & { paymentId: number }): Promise<Invoice> {
  const payment = await lockInvoicedPayment(tx, input.paymentId);
  const existing = await findPaymentInvoice(tx, payment.id);
  if (existing) return existing;
  const plan = await findPlan(tx, payment.planId);
  if (!plan) throw new Error(`payment ${payment.id} has no plan ${payment.planId}`);
  const recipient = await loadRecipient(tx, payment.userId, input.findReaders);
  const pos = placeOfSupply({
    recipientGstin: recipient.gstin,
    recipientState: recipient.stateCode,
    supplierState: input.supplier.stateCode,
  });
  // The last day of service: period ends are exclusive instants, so step back a millisecond before naming the day.
  const lastDay = new Date(payment.periodEnd.getTime() - 1);
  return store(tx, {
    number: await nextDocumentNumber(tx, input.supplier.invoiceSeries, financialYear(input.now)),
    kind: 'invoice',
    paymentId: payment.id,
    refundId: null,
    userId: payment.userId,
    now: input.now,
    supplier: input.supplier,
    recipient,
    placeOfSupply: pos,
    // A gift's term starts when it is redeemed, so its invoice names the term, not dates.
    description:
      payment.kind === 'gift'
        ? `${plan.name} digital subscription, ${describeTerm(plan.term)}, bought as a gift (no renewal)`
        : `${plan.name} digital subscription, ${formatInvoiceDate(payment.periodStart)} to ${formatInvoiceDate(lastDay)}`,
    amounts: { ...splitGstInclusive(payment.amountMinor, input.supplier.stateCode, pos), total: payment.amountMinor },
  });
}

/**
 * Issues the credit note for a refund (idempotent per refund), issuing the payment's invoice first if it
 * has none. Addressed like the invoice it reduces, with the same place of supply. Its amount is split by
 * the invoice's own rule (`splitGstInclusive`), so every printed tax is its rate of the printed taxable
 * value and CGST equals SGST. The refund that completes a full refund credits what is left of each head
 * instead, when those figures keep that rule, so the invoice and its credit notes cancel to the paisa;
 * otherwise partial refunds may leave a paisa per head uncancelled (a refund of everything at once never does).
 */
export async function issueCreditNote(tx: Tx, input: IssueInput & { refundId: number }): Promise<Invoice> {
  const refund = await findRefund(tx, input.refundId);
  if (!refund) throw new Error(`refund ${input.refundId} not found`);
  const payment = await lockInvoicedPayment(tx, refund.paymentId);
  const existing = await findRefundCreditNote(tx, input.refundId);
  if (existing) return existing;
  const original = await issueInvoice(tx, { ...input, paymentId: payment.id });
  // Earlier refunds are those with a smaller id, whatever order their credit notes are issued in.
  const before = await refundedBefore(tx, payment.id, input.refundId);
  const after = before + refund.amountMinor;
  if (after > original.totalMinor) throw new Error(`refunds of payment ${payment.id} exceed its invoice ${original.number}`);
  const heads = await creditedHeads(tx, original, input.refundId, refund.amountMinor);
  return store(tx, {
    number: await nextDocumentNumber(tx, input.supplier.creditNoteSeries, financialYear(input.now)),
    kind: 'credit-note',
    paymentId: payment.id,
    refundId: input.refundId,
    userId: original.userId,
    now: input.now,
    supplier: input.supplier,
    recipient: original.recipient,
    placeOfSupply: original.placeOfSupply,
    description: `Refund against invoice ${original.number}: ${original.description}`,
    amounts: { ...heads, total: refund.amountMinor },
  });
}

/** The heads a credit note of `amount` credits against `original`, after the notes issued before it (`creditNoteHeads`). */
async function creditedHeads(tx: Tx, original: Invoice, refundId: number, amount: number): Promise<GstHeads> {
  const heads = (d: Invoice) => ({ taxable: d.taxableMinor, cgst: d.cgstMinor, sgst: d.sgstMinor, igst: d.igstMinor, total: d.totalMinor });
  const earlier = (await listPaymentCreditNotes(tx, original.paymentId)).filter((n) => n.refundId !== null && n.refundId < refundId);
  return creditNoteHeads(amount, heads(original), earlier.map(heads), original.supplier.stateCode, original.placeOfSupply);
}
