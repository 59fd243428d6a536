import sharp, { type Metadata, type Sharp } from 'sharp';
import type { ImageCodec, ImageFacts, RenditionFormat, UploadFormat } from '../../domain/ports/images.js';

/** sharp's name for each format we take (AVIF is HEIF with AV1 inside; HEIC, HEIF with HEVC, is not taken). */
function uploadFormat(metadata: Metadata): UploadFormat | null {
  switch (metadata.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
      return metadata.format;
    case 'heif':
      return metadata.compression === 'av1' ? 'avif' : null;
    default:
      return null;
  }
}

function encode(image: Sharp, format: RenditionFormat): Sharp {
  switch (format) {
    case 'avif':
      // effort 3 of 9: a little larger than the slowest setting, several times faster on a small server.
      return image.avif({ quality: 52, effort: 3 });
    case 'webp':
      return image.webp({ quality: 78, effort: 4 });
    case 'jpeg':
      // No transparency in JPEG: transparent parts on white, as a page shows them.
      return image.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true, progressive: true });
  }
}

/**
 * Images through sharp (libvips). Nothing it writes keeps the original's metadata: sharp copies none unless asked,
 * and every rendition is re-encoded from pixels. The upload is decoded once, cut and scaled to the largest width,
 * and every rendition is made from those pixels.
 */
export function sharpImageCodec(): ImageCodec {
  return {
    async inspect(bytes): Promise<ImageFacts | null> {
      let metadata: Metadata;
      try {
        metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
      } catch {
        return null;
      }
      const format = uploadFormat(metadata);
      if (!format || !metadata.width || !metadata.height) return null;
      // EXIF orientations 5–8 turn the picture a quarter: it shows with width and height swapped.
      const turned = (metadata.orientation ?? 1) >= 5;
      return { format, width: turned ? metadata.height : metadata.width, height: turned ? metadata.width : metadata.height };
    },

    async render(bytes, { box, widths, formats, maxPixels }) {
      const largest = Math.max(...widths);
      const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
        .rotate()
        .extract(box)
        .resize({ width: largest, withoutEnlargement: true })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const raw = { width: info.width, height: info.height, channels: info.channels };
      const out: { width: number; height: number; format: RenditionFormat; bytes: Buffer }[] = [];
      for (const width of widths) {
        const height = Math.max(1, Math.round((width * box.height) / box.width));
        const rendered = await Promise.all(
          formats.map(async (format) => ({
            width,
            height,
            format,
            bytes: await encode(sharp(data, { raw }).resize(width, height, { fit: 'fill' }), format).toBuffer(),
          })),
        );
        out.push(...rendered);
      }
      return out;
    },
  };
}

/**
 * An SVG document drawn to PNG (librsvg, inside sharp): text uses the fonts the system has, nothing is fetched.
 * For pictures the site draws itself (the demo's charts and illustrations), never for uploads.
 */
export async function rasterizeSvg(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { limitInputPixels: 50_000_000 }).png().toBuffer();
}
