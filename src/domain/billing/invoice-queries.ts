import type { Selectable } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { Invoices } from '../ports/schema.js';
import type { Invoice, InvoiceRecipient, InvoiceSupplier } from './invoice-model.js';

/** Tax invoices and credit notes (table `invoices`) and their number series (table `invoice_sequences`). */

type InvoiceRow = Selectable<Invoices> & { original_number: string | null; original_issued_at: Date | null };

function toInvoice(r: InvoiceRow): Invoice {
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    paymentId: r.payment_id,
    refundId: r.refund_id,
    userId: r.user_id,
    issuedAt: r.issued_at,
    financialYear: r.financial_year,
    supplier: r.supplier as unknown as InvoiceSupplier,
    recipient: r.recipient as unknown as InvoiceRecipient,
    placeOfSupply: r.place_of_supply,
    description: r.description,
    sac: r.sac,
    currency: r.currency,
    taxableMinor: r.taxable_minor,
    cgstMinor: r.cgst_minor,
    sgstMinor: r.sgst_minor,
    igstMinor: r.igst_minor,
    totalMinor: r.total_minor,
    original: r.original_number && r.original_issued_at ? { number: r.original_number, issuedAt: r.original_issued_at } : null,
  };
}

/** Documents with, for a credit or debit note, the invoice it reduces: the one of the same payment, so no extra column is needed. */
function selectDocuments(db: Db) {
  return db
    .selectFrom('invoices as i')
    .leftJoin('invoices as o', (join) =>
      join.on('i.kind', 'in', ['credit-note', 'debit-note']).on('o.kind', '=', 'invoice').onRef('o.payment_id', '=', 'i.payment_id'),
    )
    .selectAll('i')
    .select(['o.number as original_number', 'o.issued_at as original_issued_at']);
}

/**
 * Takes the next serial of `series` in `financialYear`. One atomic upsert: the row lock it takes is held
 * until the transaction ends, so concurrent issuers queue on it, and a rolled-back transaction gives its
 * number back — the series stays gap-free.
 */
export async function takeNextSerial(tx: Tx, series: string, financialYear: string): Promise<number> {
  const row = await tx
    .insertInto('invoice_sequences')
    .values({ series, financial_year: financialYear, last_number: 1 })
    .onConflict((oc) =>
      oc.columns(['series', 'financial_year']).doUpdateSet((eb) => ({ last_number: eb('invoice_sequences.last_number', '+', 1) })),
    )
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return row.last_number;
}

/** A document as issued: its number, amounts and the parties as they stand today (snapshotted as JSON). */
export type NewDocument = Omit<Invoice, 'id' | 'original'>;

/** Stores a document and returns it as read back. */
export async function insertDocument(tx: Tx, d: NewDocument): Promise<Invoice> {
  const { id } = await tx
    .insertInto('invoices')
    .values({
      number: d.number,
      kind: d.kind,
      payment_id: d.paymentId,
      refund_id: d.refundId,
      user_id: d.userId,
      issued_at: d.issuedAt,
      financial_year: d.financialYear,
      supplier: JSON.stringify(d.supplier),
      recipient: JSON.stringify(d.recipient),
      place_of_supply: d.placeOfSupply,
      description: d.description,
      sac: d.sac,
      taxable_minor: d.taxableMinor,
      cgst_minor: d.cgstMinor,
      sgst_minor: d.sgstMinor,
      igst_minor: d.igstMinor,
      total_minor: d.totalMinor,
      currency: d.currency,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const row = await selectDocuments(tx).where('i.id', '=', id).executeTakeFirstOrThrow();
  return toInvoice(row);
}

/** The tax invoice of a payment, if issued. */
export async function findPaymentInvoice(db: Db, paymentId: number): Promise<Invoice | null> {
  const row = await selectDocuments(db).where('i.payment_id', '=', paymentId).where('i.kind', '=', 'invoice').executeTakeFirst();
  return row ? toInvoice(row) : null;
}

/** The credit note of a refund, if issued. */
export function findRefundCreditNote(db: Db, refundId: number): Promise<Invoice | null> {
  return findRefundDocument(db, refundId, 'credit-note');
}

/** A refund's credit note, or the debit note reversing it when the refund failed. */
export async function findRefundDocument(db: Db, refundId: number, kind: 'credit-note' | 'debit-note'): Promise<Invoice | null> {
  const row = await selectDocuments(db).where('i.refund_id', '=', refundId).where('i.kind', '=', kind).executeTakeFirst();
  return row ? toInvoice(row) : null;
}

/** The credit notes issued against a payment's invoice, oldest first. */
export async function listPaymentCreditNotes(db: Db, paymentId: number): Promise<Invoice[]> {
  const rows = await selectDocuments(db)
    .where('i.payment_id', '=', paymentId)
    .where('i.kind', '=', 'credit-note')
    .orderBy('i.id')
    .execute();
  return rows.map(toInvoice);
}

/** A reader's invoices and credit notes, newest first. */
export async function listUserInvoices(db: Db, userId: number): Promise<Invoice[]> {
  const rows = await selectDocuments(db).where('i.user_id', '=', userId).orderBy('i.issued_at', 'desc').orderBy('i.id', 'desc').execute();
  return rows.map(toInvoice);
}

/** One invoice or credit note by id, whoever it belongs to: the caller decides who may see it (policy `viewInvoice`). */
export async function findInvoice(db: Db, id: number): Promise<Invoice | null> {
  // Ids are int4: anything else cannot match, and would make PostgreSQL raise instead.
  if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return null;
  const row = await selectDocuments(db).where('i.id', '=', id).executeTakeFirst();
  return row ? toInvoice(row) : null;
}

/** One invoice or credit note, only if it belongs to `userId` (access control lives in the query, not the caller). */
export async function findUserInvoice(db: Db, userId: number, id: number): Promise<Invoice | null> {
  // Ids are int4: anything else cannot match, and would make PostgreSQL raise instead.
  if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return null;
  const row = await selectDocuments(db).where('i.id', '=', id).where('i.user_id', '=', userId).executeTakeFirst();
  return row ? toInvoice(row) : null;
}

/** The document numbers of some payments: each one's invoice and its credit notes in the order issued. */
export async function documentNumbersOfPayments(
  db: Db,
  paymentIds: readonly number[],
): Promise<Map<number, { invoice: string | null; creditNotes: string[]; debitNotes: string[] }>> {
  const numbers = new Map<number, { invoice: string | null; creditNotes: string[]; debitNotes: string[] }>();
  if (paymentIds.length === 0) return numbers;
  const rows = await db
    .selectFrom('invoices')
    .select(['payment_id', 'kind', 'number'])
    .where('payment_id', 'in', [...new Set(paymentIds)])
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const entry = numbers.get(r.payment_id) ?? { invoice: null, creditNotes: [], debitNotes: [] };
    if (r.kind === 'invoice') entry.invoice = r.number;
    else if (r.kind === 'debit-note') entry.debitNotes.push(r.number);
    else entry.creditNotes.push(r.number);
    numbers.set(r.payment_id, entry);
  }
  return numbers;
}
