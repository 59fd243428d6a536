import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPPLIER, type Invoice } from '../../domain/billing/invoices.js';
import { sampleInvoice } from '../../../test/support/invoices.js';
import { formatRupeesAscii, renderInvoicePdf } from './invoice-pdf.js';
import { extractPdfText } from '../../../test/support/pdf-text.js';

/** A reader in Karnataka: IGST. */
const invoice = sampleInvoice({
  recipient: { name: 'Asha Rao', email: null, addressLines: ['1 MG Road', 'Bengaluru'], pin: '560001', stateCode: '29', gstin: null },
  placeOfSupply: '29',
  cgstMinor: 0,
  sgstMinor: 0,
  igstMinor: 41_186,
});

describe('renderInvoicePdf', () => {
  it('prints the invoice with the ₹ sign from the embedded Noto Sans', async () => {
    const pdf = await renderInvoicePdf(invoice, { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('NotoSans');
    const text = extractPdfText(pdf);
    for (const line of [
      'Tax Invoice',
      'Invoice no.: DL/2627/000123',
      'Date: 24 Nov 2026',
      DEFAULT_SUPPLIER.name,
      `GSTIN: ${DEFAULT_SUPPLIER.gstin}`,
      'Asha Rao',
      'PIN 560001',
      'State: Karnataka (29)',
      'Place of supply: Karnataka (29)',
      '998431',
      'IGST @ 18%',
      '₹2,288.14',
      '₹411.86',
      '₹2,700',
      'Whether tax is payable on reverse charge: No',
    ])
      expect(text).toContain(line);
  });

  it('falls back to "Rs." with the standard Helvetica, which has no ₹', async () => {
    const text = extractPdfText(await renderInvoicePdf(invoice, { compress: false, font: 'standard' }));
    expect(text).toContain('Invoice no.: DL/2627/000123');
    expect(text).toContain('Rs. 2,700.00');
    expect(text).toContain('Rs. 411.86');
    expect(text.join('\n')).not.toContain('₹');
  });

  it('compresses by default and is dated by the invoice', async () => {
    const pdf = await renderInvoicePdf(invoice);
    const raw = pdf.toString('latin1');
    expect(raw.startsWith('%PDF-')).toBe(true);
    expect(raw.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(raw).toContain('FlateDecode');
    expect(raw).toContain('D:20261124050000Z');
  });

  it('titles a credit note and cites the original invoice', async () => {
    const note: Invoice = {
      ...invoice,
      kind: 'credit-note',
      number: 'CN/2627/000007',
      original: { number: 'DL/2627/000123', issuedAt: invoice.issuedAt },
    };
    const text = extractPdfText(await renderInvoicePdf(note, { compress: false }));
    expect(text).toContain('Credit Note');
    expect(text).toContain('Credit note no.: CN/2627/000007');
    expect(text).toContain('Against invoice: DL/2627/000123 dated 24 Nov 2026');
  });
});

describe('formatRupeesAscii', () => {
  it('groups the Indian way and always shows paise', () => {
    expect(formatRupeesAscii({ minor: 270_000, currency: 'INR' })).toBe('Rs. 2,700.00');
    expect(formatRupeesAscii({ minor: 10_000_005, currency: 'INR' })).toBe('Rs. 1,00,000.05');
    expect(formatRupeesAscii({ minor: 7, currency: 'INR' })).toBe('Rs. 0.07');
    expect(formatRupeesAscii({ minor: -41_186, currency: 'INR' })).toBe('-Rs. 411.86');
  });
});
