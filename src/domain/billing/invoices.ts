import type { Queryable } from '../../adapters/db/legacy.js';
import { financialYear, NEWS_SUBSCRIPTION_SAC, placeOfSupply, splitGstInclusive, type GstSplit } from './gst.js';
import type { Invoice, InvoiceRecipient, InvoiceSupplier, SupplierDetails } from './invoice-model.js';
import { nextDocumentNumber } from './invoice-numbering.js';
import { formatInvoiceDate } from './invoice-sheet.js';

export { DEFAULT_SUPPLIER, type Invoice, type InvoiceRecipient, type InvoiceSupplier, type SupplierDetails } from './invoice-model.js';

interface InvoiceRow {
  id: number;
  number: string;
  kind: 'invoice' | 'credit-note';
  payment_id: number;
  refund_id: number | null;
  user_id: number;
  issued_at: Date;
  financial_year: string;
  supplier: InvoiceSupplier;
  recipient: InvoiceRecipient;
  place_of_supply: string;
  description: string;
  sac: string;
  currency: string;
  taxable_minor: number;
  cgst_minor: number;
  sgst_minor: number;
  igst_minor: number;
  total_minor: number;
  original_number: string | null;
  original_issued_at: Date | null;
}

// A credit note names its invoice through the payment both belong to, so no extra column is needed.
const SELECT_INVOICES = `select i.*, o.number as original_number, o.issued_at as original_issued_at
  from invoices i
  left join invoices o on i.kind = 'credit-note' and o.kind = 'invoice' and o.payment_id = i.payment_id`;

function toInvoice(r: InvoiceRow): Invoice {
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    paymentId: r.payment_id,
    refundId: r.refund_id,
    userId: r.user_id,
    issuedAt: new Date(r.issued_at),
    financialYear: r.financial_year,
    supplier: r.supplier,
    recipient: r.recipient,
    placeOfSupply: r.place_of_supply,
    description: r.description,
    sac: r.sac,
    currency: r.currency,
    taxableMinor: r.taxable_minor,
    cgstMinor: r.cgst_minor,
    sgstMinor: r.sgst_minor,
    igstMinor: r.igst_minor,
    totalMinor: r.total_minor,
    original: r.original_number && r.original_issued_at ? { number: r.original_number, issuedAt: new Date(r.original_issued_at) } : null,
  };
}

async function selectOne(db: Queryable, where: string, params: unknown[]): Promise<Invoice | null> {
  const { rows } = await db.query<InvoiceRow>(`${SELECT_INVOICES} where ${where}`, params);
  return rows[0] ? toInvoice(rows[0]) : null;
}

interface PaymentRow {
  id: number;
  user_id: number;
  amount_minor: number;
  currency: string;
  period_start: Date;
  period_end: Date;
  plan_name: string;
}

/** Locks the payment row: issuers of documents for one payment queue here, which makes the existence checks safe. */
async function lockPayment(tx: Queryable, paymentId: number): Promise<PaymentRow> {
  const { rows } = await tx.query<PaymentRow>(
    `select p.id, p.user_id, p.amount_minor, p.currency, p.period_start, p.period_end, pl.name as plan_name
     from payments p join plans pl on pl.id = p.plan_id where p.id = $1 for update of p`,
    [paymentId],
  );
  const payment = rows[0];
  if (!payment) throw new Error(`payment ${paymentId} not found`);
  // A GST invoice is in rupees; a foreign-currency charge would need a conversion rule first.
  if (payment.currency !== 'INR') throw new Error(`payment ${paymentId} is in ${payment.currency}, not INR`);
  return payment;
}

async function loadRecipient(tx: Queryable, userId: number): Promise<InvoiceRecipient> {
  const { rows } = await tx.query<{
    email: string;
    user_name: string;
    name: string | null;
    address_line1: string | null;
    address_line2: string | null;
    city: string | null;
    state_code: string | null;
    pin: string | null;
    gstin: string | null;
  }>(
    `select u.email, u.name as user_name, b.name, b.address_line1, b.address_line2, b.city, b.state_code, b.pin, b.gstin
     from users u left join billing_profiles b on b.user_id = u.id where u.id = $1`,
    [userId],
  );
  const r = rows[0];
  if (!r) throw new Error(`user ${userId} not found`);
  // Without a billing profile the invoice still goes out, addressed by name or email; place of supply then
  // falls back to the supplier's State (s.12(2)(b)(ii)). Checkout is what should capture the address.
  const addressLines = [r.address_line1, r.address_line2, r.city].filter((line): line is string => !!line);
  return {
    name: r.name || r.user_name || r.email,
    email: r.email || null,
    addressLines,
    pin: r.pin,
    stateCode: r.state_code,
    gstin: r.gstin,
  };
}

interface NewDocument {
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
  amounts: GstSplit & { total: number };
}

async function insertDocument(tx: Queryable, d: NewDocument): Promise<Invoice> {
  const supplier: InvoiceSupplier = {
    name: d.supplier.name,
    addressLines: d.supplier.addressLines,
    stateCode: d.supplier.stateCode,
    gstin: d.supplier.gstin,
  };
  const { rows } = await tx.query<{ id: number }>(
    `insert into invoices (number, kind, payment_id, refund_id, user_id, issued_at, financial_year, supplier, recipient,
       place_of_supply, description, sac, taxable_minor, cgst_minor, sgst_minor, igst_minor, total_minor, currency)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'INR') returning id`,
    [
      d.number,
      d.kind,
      d.paymentId,
      d.refundId,
      d.userId,
      d.now,
      financialYear(d.now),
      JSON.stringify(supplier),
      JSON.stringify(d.recipient),
      d.placeOfSupply,
      d.description,
      NEWS_SUBSCRIPTION_SAC,
      d.amounts.taxable,
      d.amounts.cgst,
      d.amounts.sgst,
      d.amounts.igst,
      d.amounts.total,
    ],
  );
  const stored = await selectOne(tx, 'i.id = $1', [rows[0]?.id]);
  if (!stored) throw new Error('invoice vanished after insert');
  return stored;
}

/**
 * Issues the tax invoice for a captured payment, or returns the one already issued (idempotent: webhook
 * retries and replays are safe). Must run in a transaction: the number is taken and the row stored together.
 */
export async function issueInvoice(tx: Queryable, input: { paymentId: number; now: Date; supplier: SupplierDetails }): Promise<Invoice> {
  const payment = await lockPayment(tx, input.paymentId);
  const existing = await selectOne(tx, `i.payment_id = $1 and i.kind = 'invoice'`, [payment.id]);
  if (existing) return existing;
  const recipient = await loadRecipient(tx, payment.user_id);
  const pos = placeOfSupply({
    recipientGstin: recipient.gstin,
    recipientState: recipient.stateCode,
    supplierState: input.supplier.stateCode,
  });
  // The last day of service: period ends are exclusive instants, so step back a millisecond before naming the day.
  const lastDay = new Date(new Date(payment.period_end).getTime() - 1);
  return insertDocument(tx, {
    number: await nextDocumentNumber(tx, input.supplier.invoiceSeries, financialYear(input.now)),
    kind: 'invoice',
    paymentId: payment.id,
    refundId: null,
    userId: payment.user_id,
    now: input.now,
    supplier: input.supplier,
    recipient,
    placeOfSupply: pos,
    description: `${payment.plan_name} digital subscription, ${formatInvoiceDate(new Date(payment.period_start))} to ${formatInvoiceDate(lastDay)}`,
    amounts: { ...splitGstInclusive(payment.amount_minor, input.supplier.stateCode, pos), total: payment.amount_minor },
  });
}

/**
 * Issues the credit note for a refund (idempotent per refund), issuing the payment's invoice first if it
 * has none. Addressed like the invoice it reduces, with the same place of supply. Each head is credited as
 * split(refunded so far, this one included) − split(refunded before it), so partial refunds never drift
 * from the invoice by a paisa and a full refund cancels every head exactly.
 */
export async function issueCreditNote(tx: Queryable, input: { refundId: number; now: Date; supplier: SupplierDetails }): Promise<Invoice> {
  const { rows } = await tx.query<{ payment_id: number; amount_minor: number }>(
    'select payment_id, amount_minor from refunds where id = $1',
    [input.refundId],
  );
  const refund = rows[0];
  if (!refund) throw new Error(`refund ${input.refundId} not found`);
  const payment = await lockPayment(tx, refund.payment_id);
  const existing = await selectOne(tx, 'i.refund_id = $1', [input.refundId]);
  if (existing) return existing;
  const original = await issueInvoice(tx, { paymentId: payment.id, now: input.now, supplier: input.supplier });
  // Earlier refunds are those with a smaller id, whatever order their credit notes are issued in.
  const { rows: sums } = await tx.query<{ before: number }>(
    'select coalesce(sum(amount_minor), 0)::int as before from refunds where payment_id = $1 and id < $2',
    [payment.id, input.refundId],
  );
  const before = sums[0]?.before ?? 0;
  const after = before + refund.amount_minor;
  if (after > original.totalMinor) throw new Error(`refunds of payment ${payment.id} exceed its invoice ${original.number}`);
  const split = (total: number) => splitGstInclusive(total, original.supplier.stateCode, original.placeOfSupply);
  const [a, b] = [split(after), split(before)];
  return insertDocument(tx, {
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
    amounts: {
      taxable: a.taxable - b.taxable,
      cgst: a.cgst - b.cgst,
      sgst: a.sgst - b.sgst,
      igst: a.igst - b.igst,
      rate: a.rate,
      total: refund.amount_minor,
    },
  });
}

/** A reader's invoices and credit notes, newest first. */
export async function listInvoices(db: Queryable, userId: number): Promise<Invoice[]> {
  const { rows } = await db.query<InvoiceRow>(`${SELECT_INVOICES} where i.user_id = $1 order by i.issued_at desc, i.id desc`, [userId]);
  return rows.map(toInvoice);
}

/** One invoice or credit note, only if it belongs to `userId` (access control lives in the query, not the caller). */
export async function findInvoice(db: Queryable, userId: number, id: number): Promise<Invoice | null> {
  // Ids are int4: anything else cannot match, and would make PostgreSQL raise instead.
  if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return null;
  return selectOne(db, 'i.id = $1 and i.user_id = $2', [id, userId]);
}
