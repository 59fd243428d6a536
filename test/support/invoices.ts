import { DEFAULT_SUPPLIER, type Invoice } from '../../src/domain/billing/invoices.js';

/** A ₹2,700 invoice for a reader in Maharashtra (CGST + SGST), with overrides. */
export function sampleInvoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: 1,
    number: 'DL/2627/000123',
    kind: 'invoice',
    paymentId: 1,
    refundId: null,
    userId: 1,
    issuedAt: new Date('2026-11-24T05:00:00Z'),
    financialYear: '2026-27',
    supplier: { name: DEFAULT_SUPPLIER.name, addressLines: DEFAULT_SUPPLIER.addressLines, stateCode: '27', gstin: DEFAULT_SUPPLIER.gstin },
    recipient: {
      name: 'Asha Rao',
      email: 'asha@example.com',
      addressLines: ['12 Park Street', 'Pune'],
      pin: '411001',
      stateCode: '27',
      gstin: null,
    },
    placeOfSupply: '27',
    description: 'Smart Essential digital subscription, 24 Nov 2026 to 23 Nov 2027',
    sac: '998431',
    currency: 'INR',
    taxableMinor: 228_814,
    cgstMinor: 20_593,
    sgstMinor: 20_593,
    igstMinor: 0,
    totalMinor: 270_000,
    original: null,
    ...overrides,
  };
}
