import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createCanvas } from '@napi-rs/canvas';
import sharp, { type Sharp } from 'sharp';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import type { ImageTiles, PageArea, PdfDocument, PdfPages, RenderedPage } from '../../domain/ports/pdf-pages.js';

const require = createRequire(import.meta.url);
const PDFJS_ROOT = dirname(require.resolve('pdfjs-dist/package.json'));
/** pdf.js draws the 14 standard PDF fonts from these files (shipped in the package) when a PDF does not embed them. */
const STANDARD_FONTS = join(PDFJS_ROOT, 'standard_fonts') + '/';
const CMAPS = join(PDFJS_ROOT, 'cmaps') + '/';

/** The most pixels one page is drawn at (a 2,000-pixel-wide broadsheet page is about 2000 × 3200). */
const MAX_PIXELS = 12_000_000;

const WEBP = { quality: 80, effort: 3 } as const;

/** Square tiles of `tile` pixels (the last column and row narrower), in rows from the top. */
async function cutTiles(pixels: () => Sharp, width: number, height: number, tile: number): Promise<ImageTiles> {
  const columns = Math.ceil(width / tile);
  const rows = Math.ceil(height / tile);
  const parts: ImageTiles['parts'] = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const left = column * tile;
      const top = row * tile;
      const box = { left, top, width: Math.min(tile, width - left), height: Math.min(tile, height - top) };
      const bytes = await pixels().extract(box).webp(WEBP).toBuffer();
      parts.push({ column, row, width: box.width, height: box.height, bytes });
    }
  }
  return { size: tile, columns, rows, parts };
}

/** A line of text on the page, in points from the top left. */
interface Line {
  str: string;
  x: number;
  y: number;
  w: number;
  size: number;
}

/**
 * PDF pages through pdf.js (Mozilla's PDF reader, Apache-2.0) drawn on @napi-rs/canvas (Skia, prebuilt binaries from
 * npm), encoded to WebP by sharp. Scripts in a PDF are never run (`isEvalSupported: false`, no scripting).
 */
export function pdfjsPages(): PdfPages {
  return {
    async open(bytes) {
      if (Buffer.from(bytes.subarray(0, 1024)).indexOf('%PDF-') < 0) {
        return { ok: false, problem: 'This file is not a PDF: upload the edition as PDF.' };
      }
      let pdf: PDFDocumentProxy;
      try {
        pdf = await getDocument({
          // pdf.js takes ownership of the buffer it is given: a copy keeps the caller's bytes whole.
          data: new Uint8Array(bytes),
          isEvalSupported: false,
          enableXfa: false,
          standardFontDataUrl: STANDARD_FONTS,
          cMapUrl: CMAPS,
          cMapPacked: true,
          verbosity: 0,
        }).promise;
      } catch (error) {
        const reason = error instanceof Error && error.name === 'PasswordException' ? 'it is protected by a password' : 'it is damaged';
        return { ok: false, problem: `This PDF could not be read (${reason}): export it again and upload it.` };
      }
      return { ok: true, document: documentOf(pdf) };
    },
  };
}

function documentOf(pdf: PDFDocumentProxy): PdfDocument {
  return {
    pageCount: pdf.numPages,
    async renderPage(number, sizes): Promise<RenderedPage> {
      const page = await pdf.getPage(number);
      try {
        const base = page.getViewport({ scale: 1 });
        const largest = Math.max(...sizes.map((s) => s.width));
        let scale = largest / base.width;
        if (base.width * base.height * scale * scale > MAX_PIXELS) scale = Math.sqrt(MAX_PIXELS / (base.width * base.height));
        const viewport = page.getViewport({ scale });
        const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
        const context = canvas.getContext('2d');
        context.fillStyle = '#ffffff';
        context.fillRect(0, 0, canvas.width, canvas.height);
        await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
        await yieldToLoop();
        const pixels = canvas.data();
        const images = [];
        for (const size of sizes) {
          const width = Math.min(size.width, canvas.width);
          const resized = sharp(pixels, { raw: { width: canvas.width, height: canvas.height, channels: 4 } }).resize({ width });
          if (!size.tile) {
            const { data, info } = await resized.webp(WEBP).toBuffer({ resolveWithObject: true });
            images.push({ size: size.name, width: info.width, height: info.height, bytes: data, contentType: 'image/webp' });
            continue;
          }
          // Resized once to raw pixels, then encoded whole and cut into tiles from the same pixels.
          const { data: raw, info } = await resized.raw().toBuffer({ resolveWithObject: true });
          const pixelsOf = () => sharp(raw, { raw: { width: info.width, height: info.height, channels: info.channels } });
          const bytes = await pixelsOf().webp(WEBP).toBuffer();
          images.push({
            size: size.name,
            width: info.width,
            height: info.height,
            bytes,
            contentType: 'image/webp',
            tiles: await cutTiles(pixelsOf, info.width, info.height, size.tile),
          });
        }
        const content = await page.getTextContent();
        const lines: Line[] = content.items
          .filter((item): item is TextItem => 'str' in item && item.str.trim() !== '')
          .map((item) => ({
            str: item.str,
            x: item.transform[4] as number,
            // PDF space grows upwards from the bottom; pages are read from the top.
            y: base.height - (item.transform[5] as number) - Math.abs(item.transform[3] as number),
            w: item.width,
            size: Math.abs(item.transform[3] as number) || item.height,
          }));
        return {
          width: Math.round(base.width),
          height: Math.round(base.height),
          text: lines
            .map((l) => l.str)
            .join(' ')
            .replace(/\s+/g, ' ')
            .trim(),
          areas: areasOf(lines, base.width, base.height),
          images,
        };
      } finally {
        page.cleanup();
      }
    },
    close: () => pdf.destroy(),
  };
}

const overlaps = (a: { x: number; w: number }, b: { x: number; w: number }) => a.x < b.x + b.w && b.x < a.x + a.w;

/**
 * Article areas from the page's layout: a run of lines set clearly larger than the body type is a headline, and the
 * body lines below it in the same columns, down to the next headline there, are its story.
 */
export function areasOf(lines: readonly Line[], pageWidth: number, pageHeight: number): PageArea[] {
  if (lines.length === 0) return [];
  const sizes = lines.map((l) => l.size).toSorted((a, b) => a - b);
  const body = sizes[Math.floor(sizes.length / 2)] ?? 10;
  const isHead = (l: Line) => l.size >= body * 1.4;
  const ordered = lines.toSorted((a, b) => a.y - b.y || a.x - b.x);
  // Headlines: consecutive large lines of one size that touch vertically merge into one.
  const heads: { x: number; y: number; w: number; bottom: number; size: number; str: string }[] = [];
  for (const line of ordered.filter(isHead)) {
    // Columns interleave in top-to-bottom order: the line continues the headline above it in its own column.
    const last = heads.findLast(
      (h) => Math.abs(h.size - line.size) < 0.5 && line.y - h.bottom < line.size && line.y >= h.y && overlaps(h, line),
    );
    if (last) {
      const right = Math.max(last.x + last.w, line.x + line.w);
      last.x = Math.min(last.x, line.x);
      last.w = right - last.x;
      last.bottom = line.y + line.size;
      last.str += ` ${line.str}`;
    } else heads.push({ x: line.x, y: line.y, w: line.w, bottom: line.y + line.size, size: line.size, str: line.str });
  }
  const areas: PageArea[] = [];
  for (const head of heads) {
    const next = heads.filter((h) => h !== head && h.y > head.y && overlaps(h, head)).reduce((min, h) => Math.min(min, h.y), pageHeight);
    const story = ordered.filter((l) => !isHead(l) && l.y >= head.bottom - 1 && l.y < next && overlaps(l, head));
    const top = head.y;
    let [left, right, bottom] = [head.x, head.x + head.w, head.bottom];
    for (const l of story) {
      left = Math.min(left, l.x);
      right = Math.max(right, l.x + l.w);
      bottom = Math.max(bottom, l.y + l.size * 1.2);
    }
    const part = (value: number, of: number) => Math.max(0, Math.min(10000, Math.round((value / of) * 10000)));
    const x = part(left, pageWidth);
    const y = part(top, pageHeight);
    areas.push({
      x,
      y,
      w: Math.max(1, part(right, pageWidth) - x),
      h: Math.max(1, part(bottom, pageHeight) - y),
      headline: head.str.replace(/\s+/g, ' ').trim().slice(0, 300),
      text: story
        .map((l) => l.str)
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim(),
    });
  }
  return areas;
}
