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

// The image and PDF libraries hold tens of megabytes once loaded: the server runs them in a helper process
// (adapters/render-helper/render-helper.ts) and never loads them itself.
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

it('stores a picture with sharp in a helper process, never in its own', async () => {
  const png = await t.ctx.renderer.rasterize(
    '<svg xmlns="http://www.w3.org/2000/svg" width="960" height="540"><rect width="100%" height="100%" fill="#2f6690"/></svg>',
  );
  const saved = await t.ctx.media.addGenerated({
    file: { bytes: png, truncated: false },
    alt: 'A blue field',
    caption: '',
    credit: '',
    ratio: '16:9',
    focusX: 50,
    focusY: 50,
  });
  expect(saved.ok && saved.image.renditions.length).toBeGreaterThan(0);
  expect(loadedLibraries(IMAGE_AND_PDF_LIBRARIES)).toEqual([]);
  await t.ctx.renderer.close();

  // The check can see a loaded library: sharp, imported here, shows.
  await import('sharp');
  expect(loadedLibraries(IMAGE_AND_PDF_LIBRARIES).length).toBeGreaterThan(0);
});
