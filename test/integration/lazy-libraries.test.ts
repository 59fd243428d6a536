import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

/** The native libraries this process has loaded whose names match `pattern` (from Node's diagnostic report). */
function loadedLibraries(pattern: RegExp): string[] {
  const report = process.report.getReport() as { sharedObjects: string[] };
  return report.sharedObjects.filter((path) => pattern.test(path));
}

const IMAGE_AND_PDF_LIBRARIES = /sharp|libvips|canvas|skia/;

// The image and PDF libraries hold tens of megabytes once loaded (src/main.ts loads them on first use): a server
// that only serves readers must never load them.
let database: TestDatabase;
let t: TestApp;
beforeAll(async () => {
  database = await createTestDatabase('pglite');
  t = await buildTestApp(database.db);
});
afterAll(() => database.destroy());

it('serves the home page, an article and a search without loading the image or PDF libraries', async () => {
  const story = await createArticle(database.db, { headline: 'Monsoon arrives early in Kerala', visibility: 'free' });
  for (const url of ['/', `/article/${story.slug}`, '/search?q=monsoon', '/api/v1/articles']) {
    const res = await t.app.inject({ url });
    expect(res.statusCode, url).toBe(200);
  }
  expect(loadedLibraries(IMAGE_AND_PDF_LIBRARIES)).toEqual([]);
});

it('stores a picture all the same, sharp loading on demand (and the check above sees a loaded library)', async () => {
  const { default: sharp } = await import('sharp');
  expect(loadedLibraries(IMAGE_AND_PDF_LIBRARIES).length).toBeGreaterThan(0); // the check above can see a loaded one
  const png = await sharp({ create: { width: 960, height: 540, channels: 3, background: '#2f6690' } })
    .png()
    .toBuffer();
  const saved = await t.ctx.media.addGenerated({
    file: { bytes: png, truncated: false },
    alt: 'A blue field',
    caption: '',
    credit: '',
    ratio: '16:9',
    focusX: 50,
    focusY: 50,
  });
  expect(saved.ok).toBe(true);
});
