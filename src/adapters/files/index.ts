import type { FilesConfig } from '../../config/config.js';
import type { FileStore } from '../../domain/ports/files.js';
import { localFileStore } from './local-files.js';

/**
 * The configured files adapter: the data folder's `files/`, or a bucket of an S3-compatible store (the AWS SDK is
 * loaded only then).
 */
export async function openFileStore(config: FilesConfig): Promise<FileStore> {
  if (config.kind === 'local') return localFileStore(config.dir);
  const { s3FileStore } = await import('./s3-files.js');
  return s3FileStore(config);
}
