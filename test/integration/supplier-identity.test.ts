import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { listUserInvoices } from '../../src/domain/billing/invoice-queries.js';
import { DEFAULT_SUPPLIER } from '../../src/domain/billing/invoice-model.js';
import { loadSupplier } from '../../src/domain/billing/supplier.js';
import { refuseDemoSupplierWhenLive } from '../../src/main.js';
import { describeEachEngine } from '../support/databases.js';
import { buildTestApp } from '../support/app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { startBilling } from './billing-harness.js';

const IDENTITY = {
  MASTHEAD_SUPPLIER_NAME: 'Bengaluru Courier Media Pvt Ltd',
  MASTHEAD_SUPPLIER_ADDRESS: '3rd Floor, 14 Residency Road | Bengaluru 560025',
  MASTHEAD_SUPPLIER_STATE: '29',
  MASTHEAD_SUPPLIER_GSTIN: '29AAGCB1286Q1Z0',
  MASTHEAD_INVOICE_SERIES: 'BC',
};
const RAZORPAY = { RAZORPAY_KEY_ID: 'rzp_live_x', RAZORPAY_KEY_SECRET: 'secret', RAZORPAY_WEBHOOK_SECRET: 'whsec' };

/** The publisher's identity from the environment, on invoices issued through the real app. */
describeEachEngine("the publisher's identity", (get) => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(() => smtp.close());

  it('refuses a live gateway while invoices would carry the demo company, and starts once the identity is stored', async () => {
    const db = get();
    const live = loadConfig({ ...RAZORPAY, MASTHEAD_DATA: '/tmp/unused' });
    const refusal = refuseDemoSupplierWhenLive(live, db);
    await expect(refusal).rejects.toBeInstanceOf(ConfigError);
    await expect(refusal).rejects.toThrow(/^RAZORPAY_KEY_ID: a live gateway issues real tax invoices, .*MASTHEAD_SUPPLIER_GSTIN/);
    // The test gateway and the demo keep the demo identity.
    await expect(refuseDemoSupplierWhenLive(loadConfig({ MASTHEAD_PAYMENT_GATEWAY: 'test' }), db)).resolves.toBeUndefined();
  });

  it('an invoice issued after a start with the identity carries it and its series; one issued before keeps the demo company', async () => {
    const before = await startBilling(get(), smtp);
    const early = await before.reader();
    await before.subscribe(early);
    await before.close();
    // A start with the identity stores it; the invoice already issued keeps the supplier stored in its row.
    const restarted = await buildTestApp(get(), { env: IDENTITY, jobs: 'manual' });
    await restarted.app.close();
    await restarted.ctx.mailer.close();
    await restarted.ctx.counters.close();
    const [issued] = await listUserInvoices(get(), early.id);
    expect(issued).toMatchObject({ number: 'DL/2627/000001', supplier: { name: DEFAULT_SUPPLIER.name, gstin: DEFAULT_SUPPLIER.gstin } });

    const after = await startBilling(get(), smtp, { start: '2026-11-25T10:00:00.000Z', env: IDENTITY });
    try {
      const reader = await after.reader();
      await after.subscribe(reader);
      const [invoice] = await after.invoices(reader.id);
      expect(invoice).toMatchObject({
        number: 'BC/2627/000001',
        supplier: {
          name: 'Bengaluru Courier Media Pvt Ltd',
          addressLines: ['3rd Floor, 14 Residency Road', 'Bengaluru 560025'],
          stateCode: '29',
          gstin: '29AAGCB1286Q1Z0',
        },
        // No address on record: the place of supply is the supplier's State, so the tax is CGST + SGST.
        placeOfSupply: '29',
      });
      expect(await loadSupplier(get())).toMatchObject({ gstin: '29AAGCB1286Q1Z0', creditNoteSeries: DEFAULT_SUPPLIER.creditNoteSeries });
      await expect(refuseDemoSupplierWhenLive(loadConfig({ ...RAZORPAY, MASTHEAD_DATA: '/tmp/unused' }), get())).resolves.toBeUndefined();
    } finally {
      await after.close();
    }
  });
});
