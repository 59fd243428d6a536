import type { Db } from '../ports/database.js';
import { imagePath } from '../media/model.js';
import type { MediaService } from '../media/service.js';
import { readSetting, writeSetting } from '../site/queries.js';
import { loadSiteSettings, saveSiteSettings } from '../site/settings.js';
import { demoPictures, pictureFor } from './demo/images/index.js';
import { listArticlesWithoutLeadImage, setMissingLeadImages } from './queries.js';

export interface DemoImageDeps {
  db: Db;
  media: Pick<MediaService, 'addGenerated'>;
  /** An SVG document as PNG bytes (sharp in production: see adapters/images/sharp-images.ts). */
  rasterize: (svg: string) => Promise<Buffer>;
  now: Date;
  /** Stops the drawing between two pictures (the server is stopping); what is drawn is kept for the next start. */
  signal?: AbortSignal | undefined;
  /**
   * How wide the pictures are drawn (default 960): their renditions are made at 320, 640 and 960, enough for the
   * lead slot and cards while keeping the drawing to seconds (AVIF encoding is what takes the time).
   */
  width?: number;
}

/** Where the demo notes that it has drawn its pictures, so a restart does not draw them again. */
const DONE_KEY = 'demo-images';
/** The pictures drawn so far (key → image number), so a start stopped halfway goes on where it stopped. */
const DRAWN_KEY = 'demo-images-drawn';

/**
 * Draws the demo's pictures (charts of its market figures, section illustrations, a masthead) and stores them in
 * the image library by the upload path, then gives most demo stories without a lead image one of them and makes
 * the masthead the site's default image (unless a default is set). Once per database: null when already done.
 * Only the pictures some story uses are drawn. Null too when `signal` stopped it (the next call goes on).
 */
export async function seedDemoImages(deps: DemoImageDeps): Promise<{ images: number; articles: number } | null> {
  const { db, now } = deps;
  if ((await readSetting(db, DONE_KEY)) !== null) return null;
  const site = await loadSiteSettings(db);
  const pictures = demoPictures(now, site.publicationName);
  const stories = await listArticlesWithoutLeadImage(db);
  const chosen = new Map<string, number[]>();
  for (const story of stories) {
    const key = pictureFor(story, pictures);
    if (key !== null) chosen.set(key, [...(chosen.get(key) ?? []), story.id]);
  }
  const wanted = pictures.filter((p) => chosen.has(p.key) || (p.key === 'masthead' && site.defaultImageId === null));

  const ids = new Map(Object.entries(((await readSetting(db, DRAWN_KEY)) ?? {}) as Record<string, number>));
  for (const picture of wanted) {
    if (ids.has(picture.key)) continue;
    if (deps.signal?.aborted) return null;
    const saved = await deps.media.addGenerated({
      file: { bytes: await deps.rasterize(picture.svg(deps.width ?? 960)), truncated: false },
      alt: picture.alt,
      caption: picture.caption,
      credit: picture.credit,
      ratio: '16:9',
      focusX: 50,
      focusY: 50,
    });
    if (!saved.ok) throw new Error(`the demo picture ${picture.key} was refused: ${Object.values(saved.errors).join(' ')}`);
    ids.set(picture.key, saved.image.id);
    await writeSetting(db, DRAWN_KEY, Object.fromEntries(ids));
  }

  let articles = 0;
  await db.transaction().execute(async (tx) => {
    for (const [key, storyIds] of chosen) {
      const id = ids.get(key);
      // No alt of the story's own: the picture's alt text says what it shows.
      if (id !== undefined) articles += await setMissingLeadImages(tx, storyIds, { url: imagePath(id), alt: '' });
    }
    const masthead = ids.get('masthead');
    const current = await loadSiteSettings(tx);
    if (masthead !== undefined && current.defaultImageId === null) await saveSiteSettings(tx, { ...current, defaultImageId: masthead });
    await writeSetting(tx, DONE_KEY, { at: now.toISOString(), images: ids.size, articles });
  });
  return { images: ids.size, articles };
}
