import { invoiceSheet } from '../../domain/billing/invoice-sheet.js';
import type { Invoice } from '../../domain/billing/invoices.js';
import { formatMoney } from '../../domain/billing/money.js';
import { html, type SafeHtml } from './html.js';

// Lines of an address, one per <br>: each is escaped by the html tag.
function lines(values: readonly string[]): SafeHtml[] {
  return values.map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`));
}

/**
 * A printable tax invoice or credit note with every particular CGST Rule 46 asks for: supplier and
 * recipient details with GSTINs, serial number and date, place of supply with the State's name, SAC,
 * description, taxable value, each tax head with its rate, total, and the reverse-charge statement.
 * A fragment for `layout()`; no inline styles, since the CSP allows only the site stylesheet.
 */
export function invoiceHtml(invoice: Invoice): SafeHtml {
  const s = invoiceSheet(invoice);
  return html`<article class="invoice" aria-labelledby="invoice-title">
<header class="invoice-head">
<h1 id="invoice-title">${s.title}</h1>
<dl class="invoice-meta">
<dt>${s.title === 'Tax Invoice' ? 'Invoice no.' : `${s.title[0]}${s.title.slice(1).toLowerCase()} no.`}</dt><dd>${s.number}</dd>
<dt>Date</dt><dd>${s.date}</dd>
${s.original ? html`<dt>Against invoice</dt><dd>${s.original.number} dated ${s.original.date}</dd>` : ''}
</dl>
</header>
<section class="invoice-parties">
<div class="invoice-supplier"><h2>Supplier</h2>
<p><strong>${s.supplier.name}</strong><br>${lines(s.supplier.lines)}<br>GSTIN: ${s.supplier.gstin}</p></div>
<div class="invoice-recipient"><h2>Recipient</h2>
<p><strong>${s.recipient.name}</strong>${s.recipient.lines.length ? html`<br>${lines(s.recipient.lines)}` : ''}${
    s.recipient.gstin ? html`<br>GSTIN: ${s.recipient.gstin}` : html`<br>Unregistered`
  }</p></div>
</section>
<dl class="invoice-supply">
<dt>Place of supply</dt><dd>${s.placeOfSupply}</dd>
</dl>
<table class="invoice-lines">
<thead><tr><th scope="col">Description</th><th scope="col">SAC</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody><tr><td>${s.description}</td><td>${s.sac}</td><td class="num">${formatMoney(s.taxable)}</td></tr></tbody>
<tfoot>
<tr><th scope="row" colspan="2">Taxable value</th><td class="num">${formatMoney(s.taxable)}</td></tr>
${s.taxes.map((t) => html`<tr><th scope="row" colspan="2">${t.label}</th><td class="num">${formatMoney(t.amount)}</td></tr>`)}
${s.rounding ? html`<tr><th scope="row" colspan="2">Rounding</th><td class="num">${formatMoney(s.rounding)}</td></tr>` : ''}
<tr class="invoice-total"><th scope="row" colspan="2">Total</th><td class="num">${formatMoney(s.total)}</td></tr>
</tfoot>
</table>
<p class="invoice-reverse-charge">${s.reverseCharge}</p>
${s.footer.map((line) => html`<p class="invoice-footer">${line}</p>`)}
</article>`;
}
