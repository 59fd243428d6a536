import type { Invoice } from '../billing/invoice-model.js';

/** Renders a tax invoice or credit note as a PDF file, for downloads and receipt attachments (the `pdf` adapter). */
export type RenderInvoicePdf = (invoice: Invoice) => Promise<Buffer>;
