import PDFDocument from 'pdfkit';

/** A story on a test edition's page: a headline in large type over its body text. */
export interface TestStory {
  headline: string;
  body: string;
}

/**
 * A small newspaper edition as PDF, made by pdfkit: each page has its stories in two columns, a headline at 26 pt
 * over body text at 10 pt, as a print layout would set them.
 */
export function editionPdf(pages: readonly (readonly TestStory[])[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 36, info: { Title: 'Test edition' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  pages.forEach((stories, index) => {
    if (index > 0) doc.addPage();
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(`Page ${index + 1}`, 36, 20);
    stories.forEach((story, column) => {
      const x = 36 + column * 270;
      doc.font('Helvetica-Bold').fontSize(26).text(story.headline, x, 60, { width: 250 });
      doc
        .font('Helvetica')
        .fontSize(10)
        .text(story.body, x, doc.y + 10, { width: 250 });
    });
  });
  doc.end();
  return done;
}
