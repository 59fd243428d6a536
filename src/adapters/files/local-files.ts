import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkFileKey, type FileStore } from '../../domain/ports/files.js';

const isMissing = (error: unknown) => (error as { code?: unknown } | null)?.code === 'ENOENT';

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
async function writeAtomically(path: string, data: Buffer | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.partial`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Files in a folder of this machine (`<MASTHEAD_DATA>/files` by default): each file at `objects/<key>`, its content
 * type beside it at `types/<key>`. For one instance, or several sharing a network folder.
 */
export function localFileStore(root: string): FileStore {
  const object = (key: string) => join(root, 'objects', checkFileKey(key));
  const type = (key: string) => join(root, 'types', checkFileKey(key));

  return {
    kind: 'local',
    async put(key, body, { contentType }) {
      await writeAtomically(type(key), contentType);
      await writeAtomically(object(key), body);
    },
    async get(key) {
      const path = object(key);
      let size: number;
      try {
        const info = await stat(path);
        if (!info.isFile()) return null;
        size = info.size;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      const contentType = await readFile(type(key), 'utf8').catch((error: unknown) => {
        if (isMissing(error)) return 'application/octet-stream';
        throw error;
      });
      return { body: createReadStream(path), contentType, size };
    },
    async delete(key) {
      await rm(object(key), { force: true });
      await rm(type(key), { force: true });
    },
    async exists(key) {
      try {
        return (await stat(object(key))).isFile();
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async close() {},
  };
}
