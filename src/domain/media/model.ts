import { createHash } from 'node:crypto';
import type { PixelBox, RenditionFormat, UploadFormat } from '../ports/images.js';
import type { CropChoice } from './rules.js';

/** One file made from an image: a width in a format, at `key` in the files store. */
export interface Rendition {
  width: number;
  height: number;
  format: RenditionFormat;
  key: string;
  bytes: number;
}

/** An uploaded image as the newsroom keeps it. */
export interface StoredImage {
  id: number;
  /** Where its current renditions live (see `renditionKey`). */
  keyPrefix: string;
  /** The upload itself, kept private to crop again; never served. */
  originalKey: string;
  originalFormat: UploadFormat;
  originalBytes: number;
  /** The picture as it shows (after its EXIF orientation). */
  width: number;
  height: number;
  alt: string;
  caption: string;
  credit: string;
  crop: CropChoice & { box: PixelBox };
  renditions: Rendition[];
  uploadedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a page needs to show an image: its words, the shape of its crop, and its renditions. */
export type ImageView = Pick<StoredImage, 'id' | 'alt' | 'caption' | 'credit' | 'renditions'> & {
  /** Of the crop: a page reserves this shape before the image loads. */
  width: number;
  height: number;
  /** Changes with what pages show of it (words, crop): caches of pages showing the image key on it. */
  version: string;
};

export function imageView(image: StoredImage): ImageView {
  return {
    id: image.id,
    alt: image.alt,
    caption: image.caption,
    credit: image.credit,
    renditions: image.renditions,
    width: image.crop.box.width,
    height: image.crop.box.height,
    version: createHash('sha256')
      .update(JSON.stringify([image.alt, image.caption, image.credit, image.keyPrefix]))
      .digest('hex')
      .slice(0, 12),
  };
}

/**
 * How an article names an uploaded image as its lead image: the site path `/media/image/<id>` in its lead image
 * address, which itself leads to the image's largest JPEG. Imports keep any other address, shown as it is.
 */
export const IMAGE_PATH = /^\/media\/image\/([1-9]\d{0,9})$/;

export function imagePath(id: number): string {
  return `/media/image/${id}`;
}

/** The uploaded image an address names, or null for any other address. */
export function imageIdOf(url: string): number | null {
  const match = IMAGE_PATH.exec(url);
  const id = match ? Number(match[1]) : null;
  return id !== null && id <= 2_147_483_647 ? id : null;
}
