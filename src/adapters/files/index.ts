import type { FilesConfig } from '../../config/config.js';
import type { FileStore } from '../../domain/ports/files.js';
import { localFileStore } from './local-files.js';
import { s3FileStore } from './s3-files.js';

/** The configured files adapter: the data folder's `files/`, or a bucket of an S3-compatible store. */
export function openFileStore(config: FilesConfig): FileStore {
  return config.kind === 'local' ? localFileStore(config.dir) : s3FileStore(config);
}
