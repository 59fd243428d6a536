import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Keys derived from the one secret, each for a single purpose so one leak cannot forge another. */
export interface Keys {
  meter: Buffer;
  networkSalt: Buffer;
  session: Buffer;
  webhook: Buffer;
  /** Signs gift article links (and derives their ids from the salt stored with each). */
  gift: Buffer;
  /** Signs the e-paper's file addresses (page images, zoom, PDFs), which expire. */
  epaper: Buffer;
  /** Signs newsletter links that work without signing in: confirm, unsubscribe, preferences. */
  newsletter: Buffer;
}

/** SECRET_KEY from the environment, or one generated on first start and kept in the data folder. */
export async function resolveSecret(configured: string | null, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = join(dataDir, 'secret-key');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const generated = randomBytes(32).toString('hex');
  await writeFile(file, generated + '\n', { mode: 0o600 });
  return generated;
}

/** Derives the purpose keys from the secret. */
export function deriveKeys(secret: string): Keys {
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', secret, 'masthead', purpose, 32));
  return {
    meter: derive('meter'),
    networkSalt: derive('network'),
    session: derive('session'),
    webhook: derive('webhook'),
    gift: derive('gift'),
    epaper: derive('epaper'),
    newsletter: derive('newsletter'),
  };
}
