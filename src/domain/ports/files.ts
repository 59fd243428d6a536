import type { Readable } from 'node:stream';

/**
 * Where Masthead keeps files (image renditions, uploaded originals): a folder on this machine by default, any
 * S3-compatible store when configured. Files are named by keys like `images/12/3f9c…/640.webp`; there is no
 * listing, so nothing can be found that a page does not name.
 */
export interface FileStore {
  /** Stores `body` under `key` (replacing what was there), with its content type. */
  put(key: string, body: Buffer, options: { contentType: string }): Promise<void>;
  /** The file under `key` as a stream with its content type and size, or null when there is none. */
  get(key: string): Promise<StoredFile | null>;
  /** Removes the file under `key`; removing a key that holds nothing is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  close(): Promise<void>;
  readonly kind: 'local' | 's3';
}

export interface StoredFile {
  body: Readable;
  contentType: string;
  /** Bytes. */
  size: number;
}

/**
 * A key is lower-case letters, digits, `.`, `_`, `-`, in segments separated by single `/`, at most 512 characters:
 * no `..`, no leading or trailing slash, nothing a file system or a URL would read as anything but a name.
 */
const KEY = /^(?!.*\/\/)(?!.*(^|\/)\.\.?(\/|$))[a-z0-9._-]+(\/[a-z0-9._-]+)*$/;

export function isFileKey(key: string): boolean {
  return key.length <= 512 && KEY.test(key);
}

/** Throws on a key `isFileKey` refuses: keys are made by the code, so a bad one is a bug, not input. */
export function checkFileKey(key: string): string {
  if (!isFileKey(key)) throw new Error(`not a file key: ${JSON.stringify(key.slice(0, 80))}`);
  return key;
}
