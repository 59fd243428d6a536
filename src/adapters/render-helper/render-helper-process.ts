/*
 * The helper process's side (see render-helper.ts): it answers the server's requests with sharp, pdf.js and its
 * canvas, and ends when the server lets go of it, so the native memory those libraries keep goes with it.
 */
import { rasterizeSvg, sharpImageCodec } from '../images/sharp-images.js';
import type { PdfDocument, PdfPages } from '../../domain/ports/pdf-pages.js';
import { asBuffer, type HelperReply, type HelperRequest, type HelperResult } from './render-helper.js';

const codec = sharpImageCodec();
/** pdf.js and its canvas load on the first PDF: a helper that only makes renditions never holds them. */
let pdf: Promise<PdfPages> | undefined;
const pdfPages = () => (pdf ??= import('../pdf/pdfjs-pages.js').then((module) => module.pdfjsPages()));
/** The PDFs the server has open here, by the number it was given for each. */
const documents = new Map<number, PdfDocument>();
let nextDocument = 1;

function documentOf(id: number): PdfDocument {
  const document = documents.get(id);
  if (!document) throw new Error(`no PDF ${id} is open in the render helper`);
  return document;
}

async function answer(request: HelperRequest): Promise<HelperResult> {
  switch (request.op) {
    case 'inspect':
      return codec.inspect(asBuffer(request.bytes));
    case 'render':
      return codec.render(asBuffer(request.bytes), request.options);
    case 'rasterize':
      return rasterizeSvg(request.svg);
    case 'pdf-open': {
      const opened = await (await pdfPages()).open(request.bytes);
      if (!opened.ok) return opened;
      const id = nextDocument++;
      documents.set(id, opened.document);
      return { ok: true, id, pageCount: opened.document.pageCount };
    }
    case 'pdf-page':
      return documentOf(request.document).renderPage(request.number, request.sizes);
    case 'pdf-close': {
      const document = documents.get(request.document);
      documents.delete(request.document);
      await document?.close();
      return null;
    }
  }
}

process.on('message', (request: HelperRequest) => {
  answer(request).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies HelperReply),
    (error: unknown) =>
      process.send?.({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies HelperReply),
  );
});
// The server stopped, died or has nothing more for it: end with it.
process.on('disconnect', () => process.exit(0));
// Signals meant for the server (Ctrl-C reaches a terminal's whole process group; a service manager may signal every
// process of the service) leave the helper to finish what it draws while the server stops gracefully: the server ends
// it afterwards, by letting go of the channel or with SIGKILL.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);
