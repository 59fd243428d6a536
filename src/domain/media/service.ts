import { createHash } from 'node:crypto';
import { DomainError } from '../errors.js';
import { recordChange } from '../audit/audit.js';
import type { Db, Tx } from '../ports/database.js';
import { announceChange } from '../site/changes.js';
import type { FileStore, StoredFile } from '../ports/files.js';
import { RENDITION_FORMATS, type ImageCodec, type ImageFacts } from '../ports/images.js';
import { ANONYMOUS, authorize, type Actor } from '../policies/policies.js';
import { imageView, type ImageView, type Rendition, type StoredImage } from './model.js';
import { findImage, findImages, insertImage, listImages, lockImage, updateImage } from './queries.js';
import {
  checkImageText,
  CONTENT_TYPES,
  cropBox,
  isRenditionKey,
  renditionKey,
  renditionWidths,
  TOO_LARGE,
  UPLOAD_LIMITS,
  type CropChoice,
  type ImageText,
} from './rules.js';

/** An upload as the web layer read it: the file's bytes (null when none came), and whether it was cut at the size limit. */
export interface UploadInput extends ImageText, CropChoice {
  file: { bytes: Buffer; truncated: boolean } | null;
}

export type EditInput = ImageText & CropChoice;

/** The saved image, or why nothing was saved: messages by field; `too-large` when the file passed the size limit. */
export type ImageSaveResult =
  { ok: true; image: StoredImage } | { ok: false; kind: 'invalid' | 'too-large'; errors: Record<string, string> };

export interface MediaService {
  /** Checks, crops, renders and stores an upload (policy `editContent`). */
  upload(actor: Actor, input: UploadInput): Promise<ImageSaveResult>;
  /**
   * Stores an image the site draws itself (the demo's charts and illustrations) by the same path as an upload:
   * checked, cropped, rendered, logged. Nobody uploaded it, so it has no uploader and needs no actor.
   */
  addGenerated(input: UploadInput): Promise<ImageSaveResult>;
  /** Changes an image's words and crop; a new crop makes new renditions at new addresses (policy `editContent`). */
  edit(actor: Actor, id: number, input: EditInput): Promise<ImageSaveResult>;
  /** The library, newest first (policy `editContent`). */
  list(actor: Actor, options: { before?: { createdAt: Date; id: number } | undefined; limit: number }): Promise<StoredImage[]>;
  image(actor: Actor, id: number): Promise<StoredImage | null>;
  /** What pages show of these images (published images are public: no actor). */
  views(ids: readonly number[]): Promise<Map<number, ImageView>>;
  /** A rendition to serve; null for any key that is not a rendition's, or holds nothing. Originals are never served. */
  rendition(key: string): Promise<StoredFile | null>;
}

export interface MediaDeps {
  db: Db;
  files: FileStore;
  codec: ImageCodec;
  now: () => Date;
  /** Drops this instance's caches after a change pages may show (a new crop, new words); others hear the announcement. */
  onChange: () => Promise<void>;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const FORMAT_NAMES = 'a JPEG, PNG, WebP, AVIF or GIF';

/** Why an upload's file cannot be used, or null when it can. */
function fileProblem(file: UploadInput['file'], facts: ImageFacts | null): string | null {
  if (!file || file.bytes.length === 0) return 'Choose an image to upload.';
  if (!facts) return `This file is not an image we can use: upload ${FORMAT_NAMES}.`;
  if (facts.width * facts.height > UPLOAD_LIMITS.pixels) {
    const megapixels = Math.round((facts.width * facts.height) / 1e6);
    return `This image is ${facts.width} × ${facts.height} pixels (${megapixels} megapixels); the most we take is ${UPLOAD_LIMITS.pixels / 1e6} megapixels.`;
  }
  return null;
}

/**
 * The newsroom's images. Every upload is read by its bytes (the name and the browser's type are ignored), cut to
 * one of the site's ratios around the editor's focal point, and made at each width up to the crop's (never
 * upscaled) in AVIF, WebP and JPEG, without the original's metadata. The original is kept under `originals/`,
 * which is never served, so the crop can change later.
 */
export function createMediaService(deps: MediaDeps): MediaService {
  const { db, files, codec, now } = deps;

  /** Renders and stores the renditions of `original` for `choice`; the prefix is a hash of the upload and the crop. */
  async function renditionsOf(original: Buffer, facts: Pick<ImageFacts, 'width' | 'height'>, choice: CropChoice) {
    const box = cropBox(facts.width, facts.height, choice);
    const digest = sha256(original);
    const prefix = `images/${digest.slice(0, 16)}/${sha256(`${digest}|${box.left},${box.top},${box.width},${box.height}|v1`).slice(0, 12)}/`;
    const made = await codec.render(original, {
      box,
      widths: renditionWidths(box.width),
      formats: RENDITION_FORMATS,
      maxPixels: UPLOAD_LIMITS.pixels,
    });
    const renditions: Rendition[] = [];
    for (const rendition of made) {
      const key = renditionKey(prefix, rendition.width, rendition.format);
      await files.put(key, rendition.bytes, { contentType: CONTENT_TYPES[rendition.format] });
      renditions.push({ width: rendition.width, height: rendition.height, format: rendition.format, key, bytes: rendition.bytes.length });
    }
    return { prefix, box, renditions, digest };
  }

  const choiceOf = (input: CropChoice): CropChoice => ({ ratio: input.ratio, focusX: input.focusX, focusY: input.focusY });

  async function store(actor: Actor, input: UploadInput): Promise<ImageSaveResult> {
    const errors = checkImageText(input);
    if (input.file?.truncated) {
      return { ok: false, kind: 'too-large', errors: { ...errors, file: TOO_LARGE } };
    }
    // A file whose header the image library cannot survive (it runs in a helper process, which ends) is no image.
    const facts = input.file && input.file.bytes.length > 0 ? await codec.inspect(input.file.bytes).catch(() => null) : null;
    const problem = fileProblem(input.file, facts);
    if (problem) errors.file = problem;
    if (Object.keys(errors).length > 0 || !facts || !input.file) return { ok: false, kind: 'invalid', errors };

    const original = input.file.bytes;
    const choice = choiceOf(input);
    let made;
    try {
      made = await renditionsOf(original, facts, choice);
    } catch {
      // The header was an image's, the rest was not (a damaged or truncated file, or more pixels than it said).
      return {
        ok: false,
        kind: 'invalid',
        errors: { file: `This image could not be read (it may be damaged): upload ${FORMAT_NAMES} again.` },
      };
    }
    const originalKey = `originals/${made.digest}`;
    await files.put(originalKey, original, { contentType: `image/${facts.format}` });
    const at = now();
    const image = await db.transaction().execute(async (tx) => {
      const inserted = await insertImage(tx, {
        keyPrefix: made.prefix,
        originalKey,
        originalFormat: facts.format,
        originalBytes: original.length,
        width: facts.width,
        height: facts.height,
        alt: input.alt.trim(),
        caption: input.caption.trim(),
        credit: input.credit.trim(),
        crop: { ...choice, box: made.box },
        renditions: made.renditions,
        uploadedBy: actor.kind === 'user' ? actor.id : null,
        createdAt: at,
        updatedAt: at,
      });
      await audit(tx, { actor, action: 'create', image: inserted, before: null, at });
      return inserted;
    });
    return { ok: true, image };
  }

  return {
    async upload(actor, input) {
      authorize(actor, 'editContent');
      return store(actor, input);
    },

    addGenerated(input) {
      return store(ANONYMOUS, input);
    },

    async edit(actor, id, input) {
      authorize(actor, 'editContent');
      const errors = checkImageText(input);
      if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors };
      const choice = choiceOf(input);
      const image = await db.transaction().execute(async (tx) => {
        const current = await lockImage(tx, id);
        if (!current) throw new DomainError('not-found', 'There is no such image.');
        let { keyPrefix, renditions, crop } = current;
        if (choice.ratio !== crop.ratio || choice.focusX !== crop.focusX || choice.focusY !== crop.focusY) {
          const stored = await files.get(current.originalKey);
          if (!stored) throw new Error(`the original of image ${id} is missing from the files store`);
          const chunks: Buffer[] = [];
          for await (const chunk of stored.body) chunks.push(chunk as Buffer);
          const made = await renditionsOf(Buffer.concat(chunks), current, choice);
          // The old renditions stay: pages and CDNs may hold their addresses for a while.
          ({ prefix: keyPrefix, renditions } = made);
          crop = { ...choice, box: made.box };
        }
        const updated = await updateImage(tx, id, {
          alt: input.alt.trim(),
          caption: input.caption.trim(),
          credit: input.credit.trim(),
          crop,
          keyPrefix,
          renditions,
          updatedAt: now(),
        });
        await audit(tx, { actor, action: 'update', image: updated, before: current, at: updated.updatedAt });
        // Pages showing it change: every instance drops its caches.
        await announceChange(tx);
        return updated;
      });
      await deps.onChange();
      return { ok: true, image };
    },

    async list(actor, options) {
      authorize(actor, 'editContent');
      return listImages(db, options);
    },

    async image(actor, id) {
      authorize(actor, 'editContent');
      return findImage(db, id);
    },

    async views(ids) {
      const found = await findImages(db, [...new Set(ids)]);
      return new Map(found.map((image) => [image.id, imageView(image)]));
    },

    async rendition(key) {
      if (!isRenditionKey(key)) return null;
      return files.get(key);
    },
  };
}

/** Writes an image's change to the audit log, on the change's transaction. */
async function audit(tx: Tx, entry: { actor: Actor; action: string; image: StoredImage; before: StoredImage | null; at: Date }) {
  await recordChange(
    tx,
    {
      actor: entry.actor,
      area: 'image',
      subject: `#${entry.image.id} ${entry.image.alt.slice(0, 60)}`,
      action: entry.action,
      before: entry.before && auditedImage(entry.before),
      after: auditedImage(entry.image),
    },
    entry.at,
  );
}

/** The fields of an image the audit log keeps (the words and the crop; not the files). */
export function auditedImage(image: StoredImage): Record<string, unknown> {
  return {
    alt: image.alt,
    caption: image.caption,
    credit: image.credit,
    ratio: image.crop.ratio,
    focus: `${image.crop.focusX}%, ${image.crop.focusY}%`,
    renditions: image.keyPrefix,
  };
}
