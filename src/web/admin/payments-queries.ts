import type { Queryable } from '../../adapters/db/legacy.js';

/** A payment as the admin list shows it, with its invoice and any credit notes. */
export interface PaymentRow {
  id: number;
  email: string;
  planName: string;
  kind: 'initial' | 'renewal' | 'upgrade';
  amountMinor: number;
  refundedMinor: number;
  currency: string;
  capturedAt: Date;
  invoiceNumber: string | null;
  creditNotes: string[];
}

interface Row {
  id: number;
  email: string;
  plan_name: string;
  kind: PaymentRow['kind'];
  amount_minor: number;
  refunded_minor: number;
  currency: string;
  captured_at: Date;
  invoice_number: string | null;
  credit_notes: string[] | null;
}

/** The newest payments first. */
export async function listRecentPayments(db: Queryable, limit = 100): Promise<PaymentRow[]> {
  const { rows } = await db.query<Row>(
    `select p.id, u.email, pl.name as plan_name, p.kind, p.amount_minor, p.refunded_minor, p.currency, p.captured_at,
       (select i.number from invoices i where i.payment_id = p.id and i.kind = 'invoice') as invoice_number,
       array(select c.number from invoices c where c.payment_id = p.id and c.kind = 'credit-note' order by c.id) as credit_notes
     from payments p join users u on u.id = p.user_id join plans pl on pl.id = p.plan_id
     order by p.captured_at desc, p.id desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    planName: r.plan_name,
    kind: r.kind,
    amountMinor: r.amount_minor,
    refundedMinor: r.refunded_minor,
    currency: r.currency,
    capturedAt: new Date(r.captured_at),
    invoiceNumber: r.invoice_number,
    creditNotes: r.credit_notes ?? [],
  }));
}
