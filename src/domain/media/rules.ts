import type { PixelBox, RenditionFormat } from '../ports/images.js';

/**
 * Images: the site's crop ratios, where a crop falls, which sizes are made, and what an editor must write.
 * Pure functions; the service (service.ts) reads, renders and stores.
 */

/** The site's shapes: 16:9 for a story's lead, 4:3 for cards, 1:1 for squares. */
export const RATIOS = { '16:9': [16, 9], '4:3': [4, 3], '1:1': [1, 1] } as const;
export type Ratio = keyof typeof RATIOS;
export const RATIO_NAMES = Object.keys(RATIOS) as Ratio[];
export const DEFAULT_RATIO: Ratio = '16:9';

/** The widths renditions are made at (never wider than the crop: nothing is upscaled). */
export const RENDITION_WIDTHS = [320, 640, 960, 1280, 1920] as const;

export const UPLOAD_LIMITS = {
  /** Bytes of an upload. */
  bytes: 15 * 1024 * 1024,
  /** Pixels of an upload (width × height): a 40-megapixel camera's, with room to spare. */
  pixels: 50_000_000,
  alt: 500,
  caption: 1_000,
  credit: 200,
} as const;

/** What an editor is told about a file over the size limit. */
export const TOO_LARGE = `This file is larger than ${UPLOAD_LIMITS.bytes / (1024 * 1024)} MB: export it smaller (a 1920-pixel-wide JPEG is plenty) and upload it again.`;

/** The editor's choice: a ratio, and the point (percent across, percent down) the crop keeps in its middle. */
export interface CropChoice {
  ratio: Ratio;
  focusX: number;
  focusY: number;
}

export const CENTRED = { focusX: 50, focusY: 50 } as const;

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/**
 * The largest box of `choice.ratio` inside a `width` × `height` picture, centred on the focal point as far as the
 * picture's edges allow. With the focal point in the middle (the default) it is a centred crop.
 */
export function cropBox(width: number, height: number, choice: CropChoice): PixelBox {
  const [rw, rh] = RATIOS[choice.ratio];
  let boxWidth = width;
  let boxHeight = Math.round((width * rh) / rw);
  if (boxHeight > height) {
    boxHeight = height;
    boxWidth = Math.min(width, Math.round((height * rw) / rh));
  }
  boxWidth = Math.max(1, boxWidth);
  boxHeight = Math.max(1, boxHeight);
  const left = clamp(Math.round((clamp(choice.focusX, 0, 100) / 100) * width - boxWidth / 2), 0, width - boxWidth);
  const top = clamp(Math.round((clamp(choice.focusY, 0, 100) / 100) * height - boxHeight / 2), 0, height - boxHeight);
  return { left, top, width: boxWidth, height: boxHeight };
}

/**
 * The widths made of a crop `cropWidth` pixels wide: each standard width it reaches, and its own width too when
 * that is well beyond the largest of them (a 500-pixel picture is made at 320 and 500), never wider than it is.
 */
export function renditionWidths(cropWidth: number): number[] {
  const widths: number[] = RENDITION_WIDTHS.filter((w) => w <= cropWidth);
  const largest = widths.at(-1) ?? 0;
  if (cropWidth < Math.max(...RENDITION_WIDTHS) && cropWidth > largest * 1.2) widths.push(cropWidth);
  return widths;
}

/** The words of an image an editor writes, checked; messages by field. */
export interface ImageText {
  alt: string;
  caption: string;
  credit: string;
}

export function checkImageText(text: ImageText): Record<string, string> {
  const errors: Record<string, string> = {};
  if (text.alt.trim() === '') errors.alt = 'Describe the image for readers who cannot see it (alt text is required).';
  else if (text.alt.length > UPLOAD_LIMITS.alt) errors.alt = `Use at most ${UPLOAD_LIMITS.alt} characters.`;
  if (text.caption.length > UPLOAD_LIMITS.caption)
    errors.caption = `Use at most ${UPLOAD_LIMITS.caption.toLocaleString('en-IN')} characters.`;
  if (text.credit.length > UPLOAD_LIMITS.credit) errors.credit = `Use at most ${UPLOAD_LIMITS.credit} characters.`;
  return errors;
}

export const CONTENT_TYPES: Record<RenditionFormat, string> = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' };
const EXTENSIONS: Record<RenditionFormat, string> = { avif: 'avif', webp: 'webp', jpeg: 'jpg' };

/**
 * Where an image's renditions live: `images/<first 16 hex of the upload's SHA-256>/<version>/`, the version a hash
 * of the crop. A new crop gets new addresses, so what a CDN or browser keeps for a year is never stale.
 */
export function renditionKey(prefix: string, width: number, format: RenditionFormat): string {
  return `${prefix}${width}.${EXTENSIONS[format]}`;
}

/** Rendition keys and nothing else: originals (which keep their metadata) are never served. */
const RENDITION_KEY = /^images\/[0-9a-f]{16}\/[0-9a-f]{12}\/[1-9]\d{0,4}\.(avif|webp|jpg)$/;

export function isRenditionKey(key: string): boolean {
  return RENDITION_KEY.test(key);
}

/** The content type a rendition key's extension names. */
export function renditionContentType(key: string): string | null {
  const extension = key.slice(key.lastIndexOf('.') + 1);
  const format = (Object.keys(EXTENSIONS) as RenditionFormat[]).find((f) => EXTENSIONS[f] === extension);
  return format ? CONTENT_TYPES[format] : null;
}
