/** The formats an upload may be in, recognised by its bytes, never by its name or the browser's word. */
export const UPLOAD_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'gif'] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

/** The formats renditions are made in: AVIF and WebP for browsers that take them, JPEG for every other. */
export const RENDITION_FORMATS = ['avif', 'webp', 'jpeg'] as const;
export type RenditionFormat = (typeof RENDITION_FORMATS)[number];

/** What an upload is, read from its header: its format and its size as it shows (after its EXIF orientation). */
export interface ImageFacts {
  format: UploadFormat;
  width: number;
  height: number;
}

/** A part of the picture, in pixels of the picture as it shows. */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Reads and resizes images (sharp in production). Everything it writes is stripped of metadata (EXIF, GPS, XMP). */
export interface ImageCodec {
  /** The upload's facts, or null when its bytes are no image in one of `UPLOAD_FORMATS`. Reads the header only. */
  inspect(bytes: Buffer): Promise<ImageFacts | null>;
  /**
   * The `box` of the picture (turned upright first), at each of `widths`, in each of `formats`. Refuses (throws)
   * a picture of more than `maxPixels`, whatever its header claimed.
   */
  render(
    bytes: Buffer,
    options: { box: PixelBox; widths: readonly number[]; formats: readonly RenditionFormat[]; maxPixels: number },
  ): Promise<{ width: number; height: number; format: RenditionFormat; bytes: Buffer }[]>;
}
