import { beforeAll, expect, it } from 'vitest';
import type { TestDb } from '../support/raw-sql.js';
import { renderInvoicePdf } from '../../src/adapters/pdf/invoice-pdf.js';
import { extractPdfText } from '../support/pdf-text.js';
import { splitGstInclusive } from '../../src/domain/billing/gst.js';
import { findUserInvoice as findInvoice, listUserInvoices as listInvoices } from '../../src/domain/billing/invoice-queries.js';
import {
  DEFAULT_SUPPLIER,
  issueCreditNote as issueNote,
  issueInvoice as issue,
  type SupplierDetails,
} from '../../src/domain/billing/invoices.js';
import { seedBaseline } from '../../src/domain/content/seed.js';
import type { Tx } from '../../src/domain/ports/database.js';
import { findReaders } from '../../src/main.js';
import { describeEachEngine } from '../support/databases.js';

const NOW = new Date('2026-11-24T05:00:00Z'); // FY 2026-27

/** The demo supplier under its own series, so each test counts from 1 whatever ran before it. */
function supplier(invoiceSeries: string, creditNoteSeries = `C${invoiceSeries.slice(0, 3)}`): SupplierDetails {
  return { ...DEFAULT_SUPPLIER, invoiceSeries, creditNoteSeries };
}

/** Issuing as the app does: the reader's name and email come from the accounts module's lookup. */
const issueInvoice = (tx: Tx, input: Omit<Parameters<typeof issue>[1], 'findReaders'>) => issue(tx, { ...input, findReaders });
const issueCreditNote = (tx: Tx, input: Omit<Parameters<typeof issueNote>[1], 'findReaders'>) => issueNote(tx, { ...input, findReaders });

let sequence = 0;

async function createUser(db: TestDb, profile?: { state: string; gstin?: string }): Promise<number> {
  sequence++;
  const { rows } = await db.query<{ id: number }>('insert into users (email, name) values ($1, $2) returning id', [
    `reader${sequence}@example.com`,
    `Reader ${sequence}`,
  ]);
  const id = rows[0]!.id;
  if (profile) {
    await db.query(
      `insert into billing_profiles (user_id, name, address_line1, city, state_code, pin, gstin) values ($1, $2, '12 Park Street', 'Somewhere', $3, '411001', $4)`,
      [id, `Billing Name ${sequence}`, profile.state, profile.gstin ?? null],
    );
  }
  return id;
}

async function createPayment(db: TestDb, userId: number, planSlug = 'smart-essential'): Promise<{ id: number; amount: number }> {
  sequence++;
  const plan = (await db.query<{ id: number; price_minor: number }>('select id, price_minor from plans where slug = $1', [planSlug]))
    .rows[0]!;
  const sub = await db.query<{ id: number }>(
    `insert into subscriptions (user_id, plan_id, status, gateway, created_at, updated_at) values ($1, $2, 'active', 'test', $3, $3) returning id`,
    [userId, plan.id, NOW],
  );
  const { rows } = await db.query<{ id: number }>(
    `insert into payments (subscription_id, user_id, gateway, gateway_payment_id, kind, plan_id, amount_minor, currency, period_start, period_end, captured_at)
     values ($1, $2, 'test', $3, 'initial', $4, $5, 'INR', '2026-04-01T00:00:00+05:30', '2027-04-01T00:00:00+05:30', $6) returning id`,
    [sub.rows[0]!.id, userId, `pay_${sequence}`, plan.id, plan.price_minor, NOW],
  );
  return { id: rows[0]!.id, amount: plan.price_minor };
}

async function createRefund(db: TestDb, paymentId: number, amount: number): Promise<number> {
  sequence++;
  const { rows } = await db.query<{ id: number }>(
    `insert into refunds (payment_id, gateway_refund_id, amount_minor, reason, created_at) values ($1, $2, $3, 'requested', $4) returning id`,
    [paymentId, `rfnd_${sequence}`, amount, NOW],
  );
  return rows[0]!.id;
}

describeEachEngine('tax invoices and credit notes', (getDb: () => TestDb) => {
  beforeAll(async () => {
    await seedBaseline(getDb());
  });

  it('issues one invoice per payment, however often or concurrently asked', async () => {
    const db = getDb();
    const payment = await createPayment(db, await createUser(db, { state: '27' }));
    const first = await db.transaction().execute((tx) => issueInvoice(tx, { paymentId: payment.id, now: NOW, supplier: supplier('ID') }));
    const again = await db
      .transaction()
      .execute((tx) => issueInvoice(tx, { paymentId: payment.id, now: new Date('2026-12-01T00:00:00Z'), supplier: supplier('ID') }));
    const racing = await Promise.all(
      [1, 2, 3].map(() =>
        db.transaction().execute((tx) => issueInvoice(tx, { paymentId: payment.id, now: NOW, supplier: supplier('ID') })),
      ),
    );
    expect(first.number).toBe('ID/2627/000001');
    expect(again).toEqual(first);
    for (const r of racing) expect(r.id).toBe(first.id);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from invoices where payment_id = $1', [payment.id]);
    expect(rows[0]!.n).toBe(1);
    // No serial was burnt by the repeats: the next invoice is number 2.
    const next = await createPayment(db, await createUser(db));
    expect(
      (await db.transaction().execute((tx) => issueInvoice(tx, { paymentId: next.id, now: NOW, supplier: supplier('ID') }))).number,
    ).toBe('ID/2627/000002');
  });

  it('gives 30 concurrent payments 30 distinct consecutive numbers', async () => {
    const db = getDb();
    const payments = [];
    for (let i = 0; i < 30; i++) payments.push(await createPayment(db, await createUser(db, { state: i % 2 ? '27' : '29' })));
    const invoices = await Promise.all(
      payments.map((p) => db.transaction().execute((tx) => issueInvoice(tx, { paymentId: p.id, now: NOW, supplier: supplier('CC') }))),
    );
    const numbers = invoices.map((i) => i.number).sort();
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => `CC/2627/${String(i + 1).padStart(6, '0')}`));
  });

  it('keeps the series gap-free when a transaction rolls back', async () => {
    const db = getDb();
    const [a, b] = [await createPayment(db, await createUser(db)), await createPayment(db, await createUser(db))];
    await expect(
      db.transaction().execute(async (tx) => {
        await issueInvoice(tx, { paymentId: a.id, now: NOW, supplier: supplier('RB') });
        throw new Error('webhook handler failed later');
      }),
    ).rejects.toThrow('webhook handler failed later');
    const issued = await db.transaction().execute((tx) => issueInvoice(tx, { paymentId: b.id, now: NOW, supplier: supplier('RB') }));
    expect(issued.number).toBe('RB/2627/000001');
  });

  it('restarts numbering in a new financial year (1 April, IST)', async () => {
    const db = getDb();
    const issue = async (now: Date) => {
      const p = await createPayment(db, await createUser(db));
      return db.transaction().execute((tx) => issueInvoice(tx, { paymentId: p.id, now, supplier: supplier('FY') }));
    };
    const march = await issue(new Date('2027-03-31T18:29:00Z'));
    const march2 = await issue(new Date('2027-03-31T18:29:59Z'));
    const april = await issue(new Date('2027-03-31T18:30:00Z'));
    expect([march.number, march2.number, april.number]).toEqual(['FY/2627/000001', 'FY/2627/000002', 'FY/2728/000001']);
    expect([march.financialYear, april.financialYear]).toEqual(['2026-27', '2027-28']);
  });

  it('splits each plan’s price exactly and picks CGST+SGST or IGST by place of supply', async () => {
    const db = getDb();
    const cases = [
      { plan: 'smart-quarterly', profile: { state: '27' }, pos: '27' },
      { plan: 'smart-essential', profile: { state: '29' }, pos: '29' },
      // A registered buyer is taxed where its GSTIN is, not where the address says.
      { plan: 'super-saver', profile: { state: '29', gstin: '07AAPFU0939F1ZX' }, pos: '07' },
      // No address on record: the supplier's State.
      { plan: 'smart-essential', profile: undefined, pos: '27' },
    ];
    for (const c of cases) {
      const userId = await createUser(db, c.profile);
      const payment = await createPayment(db, userId, c.plan);
      const inv = await db.transaction().execute((tx) => issueInvoice(tx, { paymentId: payment.id, now: NOW, supplier: supplier('SP') }));
      const expected = splitGstInclusive(payment.amount, '27', c.pos);
      expect(inv.placeOfSupply).toBe(c.pos);
      expect(inv.totalMinor).toBe(payment.amount);
      // ₹2,700 across States prints a rounding of −₹0.01: 18% of ₹2,288.14 is ₹411.87.
      expect(inv.taxableMinor + inv.cgstMinor + inv.sgstMinor + inv.igstMinor + expected.rounding).toBe(payment.amount);
      expect({ taxable: inv.taxableMinor, cgst: inv.cgstMinor, sgst: inv.sgstMinor, igst: inv.igstMinor }).toEqual({
        taxable: expected.taxable,
        cgst: expected.cgst,
        sgst: expected.sgst,
        igst: expected.igst,
      });
      expect(inv.sac).toBe('998431');
      expect(inv.supplier).toEqual({
        name: DEFAULT_SUPPLIER.name,
        addressLines: DEFAULT_SUPPLIER.addressLines,
        stateCode: '27',
        gstin: DEFAULT_SUPPLIER.gstin,
      });
      expect(inv.recipient.gstin).toBe(c.profile?.gstin ?? null);
      expect(inv.recipient.pin).toBe(c.profile ? '411001' : null);
      expect(inv.recipient.name).toMatch(c.profile ? /^Billing Name/ : /^Reader/);
      expect(inv.description).toMatch(/digital subscription, 1 Apr 2026 to 31 Mar 2027$/);
    }
    const quarterly = (
      await db.query<{ taxable_minor: number; cgst_minor: number; sgst_minor: number }>(
        `select taxable_minor, cgst_minor, sgst_minor from invoices where number like 'SP/%' order by number limit 1`,
      )
    ).rows[0];
    expect(quarterly).toEqual({ taxable_minor: 76_272, cgst_minor: 6_864, sgst_minor: 6_864 });
  });

  it('issues credit notes that cite the invoice and, summed, cancel it to the paisa', async () => {
    const db = getDb();
    const payment = await createPayment(db, await createUser(db, { state: '27' }), 'smart-quarterly');
    const invoice = await db
      .transaction()
      .execute((tx) => issueInvoice(tx, { paymentId: payment.id, now: NOW, supplier: supplier('CR', 'CRN') }));
    const partial = await createRefund(db, payment.id, 30_001);
    const rest = await createRefund(db, payment.id, payment.amount - 30_001);
    // Issued out of order on purpose: the split follows refund order, not issue order.
    const second = await db
      .transaction()
      .execute((tx) => issueCreditNote(tx, { refundId: rest, now: NOW, supplier: supplier('CR', 'CRN') }));
    const first = await db
      .transaction()
      .execute((tx) => issueCreditNote(tx, { refundId: partial, now: NOW, supplier: supplier('CR', 'CRN') }));
    const repeat = await db
      .transaction()
      .execute((tx) => issueCreditNote(tx, { refundId: partial, now: NOW, supplier: supplier('CR', 'CRN') }));
    expect(repeat.id).toBe(first.id);
    expect([second.number, first.number]).toEqual(['CRN/2627/000001', 'CRN/2627/000002']);
    for (const note of [first, second]) {
      expect(note.kind).toBe('credit-note');
      expect(note.original).toEqual({ number: invoice.number, issuedAt: invoice.issuedAt });
      expect(note.description).toContain(invoice.number);
      expect(note.placeOfSupply).toBe(invoice.placeOfSupply);
      expect(note.taxableMinor + note.cgstMinor + note.sgstMinor + note.igstMinor).toBe(note.totalMinor);
    }
    expect(first.totalMinor).toBe(30_001);
    for (const head of ['taxableMinor', 'cgstMinor', 'sgstMinor', 'igstMinor', 'totalMinor'] as const) {
      expect(first[head] + second[head]).toBe(invoice[head]);
    }
    const tooMuch = await createRefund(db, payment.id, 1);
    await expect(
      db.transaction().execute((tx) => issueCreditNote(tx, { refundId: tooMuch, now: NOW, supplier: supplier('CR', 'CRN') })),
    ).rejects.toThrow(/exceed/);
  });

  it('prints a partial refund’s credit note with equal CGST and SGST, each 9% of its taxable value, and a rounding line for the paisa', async () => {
    const db = getDb();
    const payment = await createPayment(db, await createUser(db, { state: '27' }), 'smart-essential');
    await db.transaction().execute((tx) => issueInvoice(tx, { paymentId: payment.id, now: NOW, supplier: supplier('RD', 'RDN') }));
    // ₹24.97 back: its tax of ₹3.81 used to be printed as CGST ₹1.90 and SGST ₹1.91, neither of them 9% of ₹21.16.
    const refund = await createRefund(db, payment.id, 2_497);
    const note = await db
      .transaction()
      .execute((tx) => issueCreditNote(tx, { refundId: refund, now: NOW, supplier: supplier('RD', 'RDN') }));
    expect(note).toMatchObject({ taxableMinor: 2_116, cgstMinor: 190, sgstMinor: 190, igstMinor: 0, totalMinor: 2_497 });

    const text = extractPdfText(await renderInvoicePdf(note, { compress: false }));
    const amountAfter = (label: string) => text[text.findIndex((line) => line.startsWith(label)) + 1];
    expect(amountAfter('Taxable value')).toBe('₹21.16');
    expect(amountAfter('CGST @ 9%')).toBe('₹1.90');
    expect(amountAfter('SGST @ 9%')).toBe('₹1.90');
    expect(amountAfter('Rounding')).toBe('₹0.01');
    expect(amountAfter('Total')).toBe('₹24.97');
    expect(text.join('\n')).not.toContain('₹1.91');
  });

  it('issues the invoice first when a refund comes before it', async () => {
    const db = getDb();
    const payment = await createPayment(db, await createUser(db, { state: '33' }));
    const refund = await createRefund(db, payment.id, payment.amount);
    const note = await db.transaction().execute((tx) => issueCreditNote(tx, { refundId: refund, now: NOW, supplier: supplier('EF') }));
    const [noteAgain, invoice] = await listInvoices(db, note.userId).then((all) => [
      all.find((i) => i.kind === 'credit-note'),
      all.find((i) => i.kind === 'invoice'),
    ]);
    expect(noteAgain?.id).toBe(note.id);
    expect(note.original?.number).toBe(invoice?.number);
    expect(note.igstMinor).toBe(invoice?.igstMinor);
  });

  it('keeps every number within 16 characters', async () => {
    const { rows } = await getDb().query<{ number: string }>('select number from invoices');
    expect(rows.length).toBeGreaterThan(30);
    for (const r of rows) expect(r.number.length).toBeLessThanOrEqual(16);
  });

  it('shows readers only their own invoices, and renders them as PDF', async () => {
    const db = getDb();
    const [owner, other] = [await createUser(db, { state: '27' }), await createUser(db, { state: '27' })];
    const payment = await createPayment(db, owner);
    const inv = await db.transaction().execute((tx) => issueInvoice(tx, { paymentId: payment.id, now: NOW, supplier: supplier('AC') }));
    expect(await findInvoice(db, other, inv.id)).toBeNull();
    expect(await findInvoice(db, owner, 2 ** 40)).toBeNull();
    expect(await listInvoices(db, other)).toEqual([]);
    const found = await findInvoice(db, owner, inv.id);
    expect(found).toEqual(inv);
    expect((await listInvoices(db, owner)).map((i) => i.id)).toEqual([inv.id]);

    const pdf = await renderInvoicePdf(found!, { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = extractPdfText(pdf);
    expect(text).toContain(`Invoice no.: ${inv.number}`);
    expect(text).toContain('₹2,700');
  });
});
