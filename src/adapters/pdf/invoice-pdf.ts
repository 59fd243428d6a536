import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { invoiceSheet, type InvoiceSheet } from '../../domain/billing/invoice-sheet.js';
import type { Invoice } from '../../domain/billing/invoices.js';
import { formatMoney, minorPerMajor, type Money } from '../../domain/billing/money.js';

export interface RenderInvoicePdfOptions {
  /** Deflate page streams (default true). Tests turn it off to read the text operators. */
  compress?: boolean;
  /**
   * 'unicode' (default) embeds Noto Sans from @expo-google-fonts/noto-sans so amounts print as ₹2,700;
   * 'standard' uses the built-in Helvetica, whose WinAnsi encoding has no ₹, so amounts print as "Rs. 2,700.00".
   * 'unicode' falls back to 'standard' when the font package cannot be found.
   */
  font?: 'unicode' | 'standard';
}

const require = createRequire(import.meta.url);

interface Fonts {
  regular: string;
  bold: string;
  unicode: boolean;
}

function resolveFonts(wanted: RenderInvoicePdfOptions['font']): Fonts {
  if (wanted !== 'standard') {
    try {
      return {
        regular: require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'),
        bold: require.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'),
        unicode: true,
      };
    } catch {
      // Font package missing (trimmed install): a PDF with "Rs." beats no PDF.
    }
  }
  return { regular: 'Helvetica', bold: 'Helvetica-Bold', unicode: false };
}

const groupedRupees = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });

/** "Rs. 2,700.00": Indian grouping, paise always shown, for fonts without the ₹ sign. Exact: integer parts only. */
export function formatRupeesAscii(money: Money): string {
  const unit = minorPerMajor(money.currency);
  if (money.currency !== 'INR' || unit !== 100) return formatMoney(money);
  const sign = money.minor < 0 ? '-' : '';
  const abs = Math.abs(money.minor);
  return `${sign}Rs. ${groupedRupees.format(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Renders a tax invoice or credit note as an A4 PDF with the same particulars as the HTML view.
 * Dated by the invoice (not the clock) so the same invoice renders to the same document metadata.
 */
export function renderInvoicePdf(invoice: Invoice, options: RenderInvoicePdfOptions = {}): Promise<Buffer> {
  const sheet = invoiceSheet(invoice);
  const fonts = resolveFonts(options.font);
  const money = fonts.unicode ? formatMoney : formatRupeesAscii;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options.compress ?? true,
    info: {
      Title: `${sheet.title} ${sheet.number}`,
      Author: sheet.supplier.name,
      Subject: sheet.description,
      CreationDate: invoice.issuedAt,
      ModDate: invoice.issuedAt,
    },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  layOut(doc, sheet, money);
  doc.end();
  return done;
}

function layOut(doc: PDFKit.PDFDocument, s: InvoiceSheet, money: (m: Money) => string): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const column = (width - 20) / 2;

  doc.font('bold').fontSize(18).text(s.title, left, doc.y);
  doc.moveDown(0.3).font('regular').fontSize(10);
  doc.text(`${s.title === 'Tax Invoice' ? 'Invoice no.' : `${s.title[0]}${s.title.slice(1).toLowerCase()} no.`}: ${s.number}`);
  doc.text(`Date: ${s.date}`);
  if (s.original) doc.text(`Against invoice: ${s.original.number} dated ${s.original.date}`);
  doc.moveDown();

  // Supplier and recipient side by side; continue below whichever block is taller.
  const top = doc.y;
  const block = (x: number, heading: string, name: string, lines: string[], gstin: string | null, unregistered: boolean) => {
    doc.font('bold').fontSize(11).text(heading, x, top, { width: column });
    doc.font('bold').fontSize(10).text(name, { width: column });
    doc.font('regular');
    for (const line of lines) doc.text(line, { width: column });
    if (gstin) doc.text(`GSTIN: ${gstin}`, { width: column });
    else if (unregistered) doc.text('Unregistered', { width: column });
    return doc.y;
  };
  const supplierEnd = block(left, 'Supplier', s.supplier.name, s.supplier.lines, s.supplier.gstin, false);
  const recipientEnd = block(left + column + 20, 'Recipient', s.recipient.name, s.recipient.lines, s.recipient.gstin, true);
  doc.x = left;
  doc.y = Math.max(supplierEnd, recipientEnd);
  doc.moveDown();
  doc.text(`Place of supply: ${s.placeOfSupply}`, left, doc.y, { width });
  doc.moveDown();

  // Table: description | SAC | amount, then the tax rows right-aligned under the amount column.
  const amountWidth = 110;
  const sacWidth = 60;
  const descriptionWidth = width - amountWidth - sacWidth;
  const row = (cells: [string, string, string], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'bold' : 'regular');
    doc.text(cells[0], left, y, { width: descriptionWidth - 10 });
    const end = doc.y;
    doc.text(cells[1], left + descriptionWidth, y, { width: sacWidth });
    doc.text(cells[2], left + descriptionWidth + sacWidth, y, { width: amountWidth, align: 'right' });
    doc.y = Math.max(end, doc.y) + 4;
  };
  const rule = () => {
    doc
      .moveTo(left, doc.y)
      .lineTo(left + width, doc.y)
      .lineWidth(0.5)
      .stroke();
    doc.y += 4;
  };
  row(['Description', 'SAC', 'Amount'], true);
  rule();
  row([s.description, s.sac, money(s.taxable)]);
  rule();
  row(['Taxable value', '', money(s.taxable)]);
  for (const tax of s.taxes) row([tax.label, '', money(tax.amount)]);
  if (s.rounding) row(['Rounding', '', money(s.rounding)]);
  rule();
  row(['Total', '', money(s.total)], true);
  doc.moveDown();
  doc.font('regular').text(s.reverseCharge, left, doc.y, { width });
  doc.moveDown();
  for (const line of s.footer) doc.text(line, { width });
}
