/**
 * Reads an edition's PDF: how many pages it has, each page drawn at the sizes readers see, its text, and the
 * article areas its layout shows (pdf.js and @napi-rs/canvas in production: src/adapters/pdf/pdfjs-pages.ts).
 */
export interface PdfPages {
  /** Opens a PDF; refuses (a `problem` to show the editor) a file that is not one or cannot be read. */
  open(bytes: Uint8Array): Promise<{ ok: true; document: PdfDocument } | { ok: false; problem: string }>;
}

export interface PdfDocument {
  readonly pageCount: number;
  /** Page `number` (1-based) drawn once and encoded at each of `sizes` (widths in pixels), with its text and areas. */
  renderPage(number: number, sizes: readonly PageSize[]): Promise<RenderedPage>;
  /** Frees the document's memory. */
  close(): Promise<void>;
}

export interface PageSize {
  name: string;
  width: number;
  /** When given, the image at this size is also cut into square tiles of this many pixels (the last row and column smaller). */
  tile?: number;
}

/** An image cut into tiles: `parts` in rows from the top, each row from the left. */
export interface ImageTiles {
  size: number;
  columns: number;
  rows: number;
  parts: { column: number; row: number; width: number; height: number; bytes: Buffer }[];
}

/** A box in ten-thousandths of the page's width and height, from its top left corner. */
export interface PageBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PageArea extends PageBox {
  headline: string;
  text: string;
}

export interface RenderedPage {
  /** The page's size in PDF points. */
  width: number;
  height: number;
  /** The page's text in reading order (for search and the text view). */
  text: string;
  /** Article areas found from the layout: a headline (larger type) and the body text below it. */
  areas: PageArea[];
  images: { size: string; width: number; height: number; bytes: Buffer; contentType: string; tiles?: ImageTiles }[];
}
