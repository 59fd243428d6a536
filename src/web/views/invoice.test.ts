import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPPLIER } from '../../domain/billing/invoices.js';
import { sampleInvoice } from '../../../test/support/invoices.js';
import { invoiceHtml } from './invoice.js';

const invoice = sampleInvoice;

describe('invoiceHtml', () => {
  it('shows every Rule 46 particular for a supply within Maharashtra', () => {
    const page = invoiceHtml(invoice()).value;
    for (const text of [
      'Tax Invoice',
      'DL/2627/000123',
      '24 Nov 2026',
      DEFAULT_SUPPLIER.name,
      'Lower Parel, Mumbai 400013',
      `GSTIN: ${DEFAULT_SUPPLIER.gstin}`,
      'Asha Rao',
      '12 Park Street',
      'PIN 411001',
      'State: Maharashtra (27)',
      'Place of supply</dt><dd>Maharashtra (27)',
      '998431',
      'Smart Essential digital subscription',
      '₹2,288.14',
      'CGST @ 9%',
      'SGST @ 9%',
      '₹205.93',
      '₹2,700',
      'Whether tax is payable on reverse charge: No',
      'Unregistered',
    ])
      expect(page).toContain(text);
    expect(page).not.toContain('IGST');
  });

  it('shows IGST at 18% for another State and the recipient’s GSTIN when registered', () => {
    const page = invoiceHtml(
      invoice({
        placeOfSupply: '29',
        cgstMinor: 0,
        sgstMinor: 0,
        igstMinor: 41_186,
        recipient: {
          name: 'Bengaluru Traders LLP',
          email: null,
          addressLines: ['1 MG Road', 'Bengaluru'],
          pin: '560001',
          stateCode: '29',
          gstin: '29AAPFU0939F1ZR',
        },
      }),
    ).value;
    expect(page).toContain('IGST @ 18%');
    expect(page).toContain('₹411.86');
    expect(page).toContain('Karnataka (29)');
    expect(page).toContain('GSTIN: 29AAPFU0939F1ZR');
    expect(page).not.toContain('CGST');
    expect(page).not.toContain('Unregistered');
  });

  it('names the local tax UTGST for a supplier in a UT without a legislature', () => {
    const chandigarh = invoice({ placeOfSupply: '04', supplier: { ...invoice().supplier, stateCode: '04' } });
    expect(invoiceHtml(chandigarh).value).toContain('UTGST @ 9%');
  });

  it('titles a credit note and cites the invoice it reduces', () => {
    const page = invoiceHtml(
      invoice({
        kind: 'credit-note',
        number: 'CN/2627/000007',
        refundId: 3,
        original: { number: 'DL/2627/000123', issuedAt: new Date('2026-11-24T05:00:00Z') },
      }),
    ).value;
    expect(page).toContain('Credit Note');
    expect(page).toContain('Credit note no.</dt><dd>CN/2627/000007');
    expect(page).toContain('Against invoice</dt><dd>DL/2627/000123 dated 24 Nov 2026');
  });

  it('prints a Rounding line for the paisa the rounded taxes cannot carry, and none when the parts add up', () => {
    // ₹2,700 across States: IGST is 18% of ₹2,288.14 = ₹411.87, one paisa over the total.
    const page = invoiceHtml(invoice({ placeOfSupply: '29', cgstMinor: 0, sgstMinor: 0, igstMinor: 41_187 })).value;
    expect(page).toContain('IGST @ 18%</th><td class="num">₹411.87</td>');
    expect(page).toContain('Rounding</th><td class="num">-₹0.01</td>');
    expect(invoiceHtml(invoice()).value).not.toContain('Rounding');
  });

  it('escapes what readers typed', () => {
    const page = invoiceHtml(invoice({ recipient: { ...invoice().recipient, name: '<script>alert(1)</script>' } })).value;
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;');
  });
});
