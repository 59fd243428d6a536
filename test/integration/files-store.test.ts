import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { buffer } from 'node:stream/consumers';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFileStore } from '../../src/adapters/files/local-files.js';
import { s3FileStore } from '../../src/adapters/files/s3-files.js';
import type { FileStore } from '../../src/domain/ports/files.js';
import { tempDir } from '../support/temp.js';

/** The same promises from every adapter of the files port. */
function fileStoreContract(name: string, open: () => Promise<{ store: FileStore; close: () => Promise<void> }>) {
  describe(`files port: ${name}`, () => {
    let store: FileStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
    }, 30_000);
    afterAll(async () => {
      await close();
    });

    it('gives back the bytes it was given, with their content type and size', async () => {
      const bytes = randomBytes(70_000);
      await store.put('images/1/abc/640.webp', bytes, { contentType: 'image/webp' });
      const file = await store.get('images/1/abc/640.webp');
      expect(file?.contentType).toBe('image/webp');
      expect(file?.size).toBe(bytes.length);
      expect((await buffer(file!.body)).equals(bytes)).toBe(true);
      expect(await store.exists('images/1/abc/640.webp')).toBe(true);
    });

    it('answers null and false for a key that holds nothing, and deletes idempotently', async () => {
      expect(await store.get('images/1/abc/missing.jpg')).toBeNull();
      expect(await store.exists('images/1/abc/missing.jpg')).toBe(false);
      await store.put('notes/a.txt', Buffer.from('first'), { contentType: 'text/plain' });
      await store.put('notes/a.txt', Buffer.from('second'), { contentType: 'text/markdown' });
      const replaced = await store.get('notes/a.txt');
      expect(replaced?.contentType).toBe('text/markdown');
      expect(await text(replaced!.body)).toBe('second');
      await store.delete('notes/a.txt');
      await store.delete('notes/a.txt');
      expect(await store.get('notes/a.txt')).toBeNull();
      expect(await store.exists('notes/a.txt')).toBe(false);
    });

    it('refuses keys that could leave its folder or read as anything but a name', async () => {
      for (const key of ['../etc/passwd', '/abs', 'a//b', 'a/../b', 'A/B', 'a/./b', 'trailing/', '']) {
        await expect(store.put(key, Buffer.from('x'), { contentType: 'text/plain' }), key).rejects.toThrow(/not a file key/);
        await expect(store.get(key), key).rejects.toThrow(/not a file key/);
      }
    });
  });
}

fileStoreContract('local folder', async () => {
  const root = tempDir();
  const store = localFileStore(root);
  return {
    store,
    close: async () => {
      // Files sit where the adapter says, so an operator can back the folder up.
      expect(existsSync(join(root, 'objects', 'images', '1', 'abc', '640.webp'))).toBe(true);
      await store.close();
    },
  };
});

fileStoreContract('S3-compatible store (s3rver)', async () => {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: tempDir(),
    configureBuckets: [{ name: 'masthead-media' }],
  });
  const { port } = await server.run();
  const store = s3FileStore({
    bucket: 'masthead-media',
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix: 'site-a/',
  });
  return {
    store,
    close: async () => {
      await store.close();
      await server.close();
    },
  };
});
