import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../errors.js';
import { activeEntitlements } from '../entitlements/queries.js';
import { allowanceMonth, allowanceUsed, lockAllowance } from '../allowances/queries.js';
import type { Db } from '../ports/database.js';
import type { FileStore, StoredFile } from '../ports/files.js';
import type { ImageCodec } from '../ports/images.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { PageBox, PdfPages } from '../ports/pdf-pages.js';
import { authorize, can, type Actor } from '../policies/policies.js';
import {
  isPublished,
  tileKey,
  type Clipping,
  type Edition,
  type EditionPage,
  type EditionSource,
  type Region,
  type TileGrid,
} from './model.js';
import * as q from './queries.js';
import { markedToHtml, passagesAround, probesOf, withEllipses } from '../search/highlight.js';
import { highlightTexts, isStatementTimeout, queryLexemes, tsquery, withSearchSettings } from '../search/queries.js';
import { cleanSearchText, readSearchText } from '../search/query-text.js';
import {
  checkEditionName,
  checkFileSignature,
  EPAPER,
  isEditionDate,
  isPageBox,
  PAGE_SIZES,
  signFile,
  UPLOAD_LIMITS,
  urlExpiry,
} from './rules.js';

export const EPAPER_RENDER_JOB = 'epaper-render';

export interface EditionUpload {
  name: string;
  date: string;
  publishAt: Date;
  /** The PDFs in page order: one for the whole edition, or one per page. */
  files: { bytes: Buffer; truncated: boolean; name?: string }[];
}

export type UploadResult =
  { ok: true; edition: Edition } | { ok: false; kind: 'invalid' | 'too-large' | 'conflict'; errors: Record<string, string> };

export type RegionFields = PageBox & { headline: string; articleId: number | null };
export type RegionResult = { ok: true; id: number } | { ok: false; message: string };

/** What a reader is told when a search of the e-paper runs past its time. */
const TOO_BROAD = 'This search matches too many stories to answer in time. Use rarer words, or fewer quoted phrases.';

/** What a reader is told when the site's monthly share allowance is 0. */
const SHARING_OFF = 'Sharing clippings is turned off on this site.';

export type ShareResult = { ok: true; token: string } | { ok: false; code: 'not-found' | 'cap-reached' | 'forbidden'; message: string };

export interface EpaperDeps {
  db: Db;
  /** The site's text-search configuration (`english`, `simple`…), checked at start: stories are searched in it. */
  searchConfig: string;
  /** The longest a search's query may run (MASTHEAD_SEARCH_TIMEOUT_MS), as for the archive's search. */
  searchTimeoutMs: number | null;
  files: FileStore;
  pdf: PdfPages;
  codec: ImageCodec;
  jobs: JobQueue;
  now: () => Date;
  key: Buffer;
  timeZone: () => string;
  /** Clippings a reader may share a month. */
  monthlyShares: () => number;
}

const SEARCH_PAGE = 20;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The e-paper: editors upload an edition's PDF, a job draws its pages (and only then, at its time, readers see it),
 * readers holding the `epaper` entitlement read it through signed, expiring file addresses, save clippings and
 * share them through links that show only the clipped part.
 */
export function createEpaperService(deps: EpaperDeps) {
  const { db, files, pdf, now } = deps;

  async function upload(actor: Actor, input: EditionUpload): Promise<UploadResult> {
    authorize(actor, 'editContent');
    const errors: Record<string, string> = {};
    const named = checkEditionName(input.name);
    if ('problem' in named) errors.name = named.problem;
    if (!isEditionDate(input.date)) errors.date = 'Give the edition’s date as YYYY-MM-DD.';
    if (input.files.some((f) => f.truncated)) {
      return {
        ok: false,
        kind: 'too-large',
        errors: { ...errors, file: `A file is larger than ${UPLOAD_LIMITS.bytes / 1024 / 1024} MB.` },
      };
    }
    const given = input.files.filter((f) => f.bytes.length > 0);
    if (given.length === 0) errors.file = 'Choose the edition’s PDF (one file, or one per page).';
    else if (given.length > UPLOAD_LIMITS.files) errors.file = `Upload at most ${UPLOAD_LIMITS.files} files at once.`;
    if (Object.keys(errors).length > 0 || 'problem' in named) return { ok: false, kind: 'invalid', errors };
    // Every file is read before anything is stored: one broken file refuses the whole upload.
    const counts: number[] = [];
    for (const [index, file] of given.entries()) {
      const opened = await pdf.open(file.bytes);
      const label = given.length > 1 ? `${file.name || `File ${index + 1}`}: ` : '';
      if (!opened.ok) return { ok: false, kind: 'invalid', errors: { file: label + opened.problem } };
      counts.push(opened.document.pageCount);
      await opened.document.close();
    }
    const pageCount = counts.reduce((a, b) => a + b, 0);
    if (pageCount > UPLOAD_LIMITS.pages) {
      return {
        ok: false,
        kind: 'invalid',
        errors: { file: `An edition has at most ${UPLOAD_LIMITS.pages} pages; these files have ${pageCount}.` },
      };
    }
    const filesPrefix = randomBytes(12).toString('hex');
    const sources: EditionSource[] = [];
    for (const [index, file] of given.entries()) {
      const key = `epaper/${filesPrefix}/source-${index + 1}.pdf`;
      await files.put(key, file.bytes, { contentType: 'application/pdf' });
      sources.push({ key, pages: counts[index] ?? 0 });
    }
    const at = now();
    const { id, replaced } = await db.transaction().execute(async (tx) => {
      const replaced = await q.deleteFailedEdition(tx, named.slug, input.date);
      const inserted = await q.insertEdition(tx, {
        name: input.name.trim(),
        slug: named.slug,
        date: input.date,
        filesPrefix,
        sources,
        pageCount,
        publishAt: input.publishAt,
        uploadedBy: actor.kind === 'user' ? actor.id : null,
        at,
      });
      if (inserted !== null) {
        await deps.jobs.enqueue(tx, { kind: EPAPER_RENDER_JOB, payload: { editionId: inserted }, uniqueKey: `epaper-render:${inserted}` });
      }
      return { id: inserted, replaced };
    });
    // The failed edition this one replaces is gone for good only now: its files go with it.
    for (const key of replaced) await files.delete(key);
    if (id === null) {
      for (const source of sources) await files.delete(source.key);
      return {
        ok: false,
        kind: 'conflict',
        errors: { date: `The ${input.name.trim()} edition of ${input.date} is already uploaded: change that one, or pick another date.` },
      };
    }
    const edition = await q.findEdition(db, id);
    if (!edition) throw new Error(`edition ${id} vanished after its upload`);
    return { ok: true, edition };
  }

  /**
   * The render job: draws every page at each size, stores the images, the text and the areas found, then marks the
   * edition ready. A PDF that fails to draw marks it failed: readers never see an edition with a page missing.
   * Idempotent: a page rendered again replaces its row; a finished edition is left as it is.
   */
  async function renderEdition(editionId: number): Promise<void> {
    const edition = await q.findEdition(db, editionId);
    if (!edition || edition.status !== 'rendering') return;
    let number = 0;
    try {
      for (const source of edition.sources) {
        const stored = await files.get(source.key);
        if (!stored) throw new RenderProblem('The uploaded PDF is missing from the files store: upload the edition again.');
        const opened = await pdf.open(await readAll(stored));
        if (!opened.ok) throw new RenderProblem(opened.problem);
        try {
          for (let n = 1; n <= opened.document.pageCount; n++) {
            number += 1;
            let rendered;
            try {
              rendered = await opened.document.renderPage(n, PAGE_SIZES);
            } catch (error) {
              throw new RenderProblem(`Page ${number} could not be drawn (${error instanceof Error ? error.message : String(error)}).`);
            }
            const images = [];
            for (const image of rendered.images) {
              const key = `epaper/${edition.filesPrefix}/p${number}-${image.size}.webp`;
              await files.put(key, image.bytes, { contentType: image.contentType });
              let tiles: TileGrid | undefined;
              if (image.tiles) {
                tiles = {
                  size: image.tiles.size,
                  columns: image.tiles.columns,
                  rows: image.tiles.rows,
                  prefix: `epaper/${edition.filesPrefix}/p${number}-${image.size}/`,
                };
                for (const part of image.tiles.parts) {
                  await files.put(tileKey(tiles, part.column, part.row), part.bytes, { contentType: 'image/webp' });
                }
              }
              images.push({ size: image.size, width: image.width, height: image.height, key, ...(tiles ? { tiles } : {}) });
            }
            const matches = await q.articlesByHeadline(
              db,
              rendered.areas.map((a) => a.headline),
            );
            const areas = rendered.areas.map((a) => ({ ...a, articleId: matches.get(q.headlineKey(a.headline)) ?? null }));
            const page: EditionPage = { number, width: rendered.width, height: rendered.height, text: rendered.text, images };
            await db.transaction().execute((tx) => q.savePage(tx, editionId, page, areas));
            await q.markRendered(db, editionId, number, now());
          }
        } finally {
          await opened.document.close();
        }
      }
      await db.transaction().execute((tx) => q.finishEdition(tx, editionId, { status: 'ready', error: null }, now()));
    } catch (error) {
      if (!(error instanceof RenderProblem)) throw error;
      await db.transaction().execute((tx) => q.finishEdition(tx, editionId, { status: 'failed', error: error.message }, now()));
    }
  }

  async function mayRead(actor: Actor): Promise<boolean> {
    if (actor.kind !== 'user') return false;
    if (can(actor, 'editContent')) return true;
    return (await activeEntitlements(db, actor.id, now())).has(EPAPER);
  }

  /** A published edition by its address, or null. */
  async function publishedEdition(slug: string, date: string): Promise<Edition | null> {
    if (!isEditionDate(date)) return null;
    const edition = await q.findEditionByDate(db, slug, date);
    return edition && isPublished(edition, now()) ? edition : null;
  }

  async function saveClipping(
    actor: Actor,
    input: { editionId: number; pageNumber: number; box: PageBox; headline: string },
  ): Promise<{ ok: true; id: number } | { ok: false; message: string }> {
    if (actor.kind !== 'user' || !(await mayRead(actor))) return { ok: false, message: 'Clippings are for e-paper subscribers.' };
    const edition = await q.findEdition(db, input.editionId);
    if (!edition || !isPublished(edition, now())) return { ok: false, message: 'There is no such edition.' };
    if (!(await q.findPage(db, edition.id, input.pageNumber))) return { ok: false, message: 'There is no such page.' };
    if (!isPageBox(input.box)) return { ok: false, message: 'Draw a larger area that lies on the page.' };
    const id = await q.insertClipping(db, {
      userId: actor.id,
      editionId: edition.id,
      pageNumber: input.pageNumber,
      box: input.box,
      headline: input.headline.trim().slice(0, 300),
      at: now(),
    });
    return { ok: true, id };
  }

  /** Cuts the clipping out of the page's zoom image: the only picture a shared link shows. */
  async function clipImage(clipping: Clipping, prefix: string): Promise<string> {
    const page = await q.findPage(db, clipping.editionId, clipping.pageNumber);
    const zoom = page?.images.find((i) => i.size === 'zoom');
    const stored = zoom ? await files.get(zoom.key) : null;
    if (!page || !zoom || !stored) throw new Error(`page ${clipping.pageNumber} of edition ${clipping.editionId} has no zoom image`);
    const px = (part: number, of: number) => Math.round((part / 10000) * of);
    const box = {
      left: px(clipping.x, zoom.width),
      top: px(clipping.y, zoom.height),
      width: Math.max(1, Math.min(px(clipping.w, zoom.width), zoom.width - px(clipping.x, zoom.width))),
      height: Math.max(1, Math.min(px(clipping.h, zoom.height), zoom.height - px(clipping.y, zoom.height))),
    };
    const [made] = await deps.codec.render(await readAll(stored), {
      box,
      widths: [Math.min(box.width, 1200)],
      formats: ['webp'],
      maxPixels: 20_000_000,
    });
    if (!made) throw new Error('the clipping could not be cut');
    const key = `epaper/${prefix}/clips/${randomBytes(12).toString('hex')}.webp`;
    await files.put(key, made.bytes, { contentType: 'image/webp' });
    return key;
  }

  /** A published edition by its id, or null. */
  async function publishedById(id: number): Promise<Edition | null> {
    const edition = await q.findEdition(db, id);
    return edition && isPublished(edition, now()) ? edition : null;
  }

  async function regionProblem(fields: RegionFields): Promise<string | null> {
    if (!isPageBox(fields)) return 'The region must lie on the page and be at least 0.5% wide and high.';
    if (fields.articleId !== null && !(await q.isPublishedArticle(db, fields.articleId))) {
      return `There is no published article number ${fields.articleId} to link to.`;
    }
    return null;
  }

  /**
   * The stories of published editions matching `text`, newest edition first, 20 a page after `before`
   * (`YYYY-MM-DD.<id>`, from the previous page), with highlighted headlines and snippets of their text: for readers
   * with the e-paper only (null for anyone else, who must never see the text).
   */
  async function search(actor: Actor, text: string, before: string) {
    if (!(await mayRead(actor))) return null;
    const clean = cleanSearchText(text);
    if (!clean) return { hits: [], older: null };
    const words = readSearchText(clean);
    const lexemes = await queryLexemes(db, deps.searchConfig, words);
    if (lexemes.length === 0) return { hits: [], older: null };
    const [, date = '', id = ''] = /^(\d{4}-\d{2}-\d{2})\.([1-9]\d{0,9})$/.exec(before) ?? [];
    const after = isEditionDate(date) ? { date, id: Number(id) } : undefined;
    // Under the settings every search runs with (planned for its words, on no parallel workers, cut off at the timeout):
    // years of editions hold as many stories as the archive, and a phrase of common words is checked against each.
    let matches;
    try {
      matches = await withSearchSettings(db, deps.searchTimeoutMs, (tx) =>
        q.searchRegions(tx, { query: tsquery(deps.searchConfig, words), now: now(), limit: SEARCH_PAGE + 1, before: after }),
      );
    } catch (error) {
      if (isStatementTimeout(error)) throw new DomainError('search-too-broad', TOO_BROAD);
      throw error;
    }
    const shown = matches.slice(0, SEARCH_PAGE);
    const probes = probesOf(lexemes);
    const sources = shown.map((m) => ({ headline: m.headline, source: passagesAround(m.text, probes) }));
    const marked = await highlightTexts(db, deps.searchConfig, words, sources);
    const last = shown.at(-1);
    return {
      hits: shown.map((m, i) => ({
        url: `/epaper/${m.edition.slug}/${m.edition.date}/${m.pageNumber}#region-${m.id}`,
        edition: m.edition,
        pageNumber: m.pageNumber,
        headlineHtml: markedToHtml(marked[i]?.headline ?? m.headline),
        // A reader with the e-paper may read each story whole: its text is the end of the story.
        snippetHtml: markedToHtml(withEllipses(marked[i]?.snippet ?? '', sources[i]?.source ?? '', true)),
      })),
      older: matches.length > SEARCH_PAGE && last ? `${last.edition.date}.${last.id}` : null,
    };
  }

  return {
    upload,
    search,
    publishedById,
    renderEdition,
    mayRead,
    publishedEdition,
    saveClipping,

    async editions(actor: Actor, options: { before?: { date: string; id: number } | undefined; limit: number }) {
      authorize(actor, 'editContent');
      return q.listEditions(db, options);
    },

    async edition(actor: Actor, id: number) {
      authorize(actor, 'editContent');
      return q.findEdition(db, id);
    },

    async setPublishAt(actor: Actor, id: number, publishAt: Date) {
      authorize(actor, 'editContent');
      await q.setPublishAt(db, id, publishAt, now());
    },

    /** Published editions, newest first (`from`/`until`: YYYY-MM-DD bounds of the calendar's month). */
    published: (options: { before?: { date: string; id: number } | undefined; from?: string; until?: string; limit: number }) =>
      q.listPublished(db, now(), options),
    firstDate: () => q.firstPublishedDate(db, now()),
    pages: (edition: Edition) => q.listPages(db, edition.id),
    page: (edition: Edition, number: number) => q.findPage(db, edition.id, number),
    regions: (edition: Edition, pageNumber?: number): Promise<Region[]> => q.listRegions(db, edition.id, pageNumber),

    /** The signed, expiring address of a file of the e-paper; make one only for a reader who may read it. */
    fileUrl(key: string): string {
      const expires = urlExpiry(now());
      return `/epaper/files/${expires}/${signFile(deps.key, key, expires)}/${key.slice('epaper/'.length)}`;
    },

    /**
     * The signed addresses of an image's tiles, `urls[row][column]`, or null when the image has none (pages rendered
     * before tiles were made): the viewer and apps then zoom the whole image.
     */
    tileUrls(image: { tiles?: TileGrid | undefined }): string[][] | null {
      const grid = image.tiles;
      if (!grid) return null;
      const expires = urlExpiry(now());
      return Array.from({ length: grid.rows }, (_r, row) =>
        Array.from({ length: grid.columns }, (_c, column) => {
          const key = tileKey(grid, column, row);
          return `/epaper/files/${expires}/${signFile(deps.key, key, expires)}/${key.slice('epaper/'.length)}`;
        }),
      );
    },

    /** The file a signed address names, or null when the signature is wrong or has expired. */
    async file(path: string, expires: number, signature: string): Promise<StoredFile | null> {
      const key = `epaper/${path}`;
      if (!checkFileSignature(deps.key, key, expires, signature, now())) return null;
      return files.get(key);
    },

    clippings: (actor: Actor, options: { before?: number | undefined; limit: number }) =>
      actor.kind === 'user' ? q.listClippings(db, actor.id, options) : Promise.resolve([]),

    /** Deletes one of the reader's clippings and its cut image; false when they have no such clipping. */
    async deleteClipping(actor: Actor, id: number): Promise<boolean> {
      const deleted = actor.kind === 'user' ? await q.deleteClipping(db, id, actor.id) : undefined;
      if (deleted?.imageKey) await files.delete(deleted.imageKey);
      return deleted !== undefined;
    },

    /** Makes a share link for one of the reader's clippings, within the monthly cap (counted under a lock). */
    async share(actor: Actor, clippingId: number): Promise<ShareResult> {
      const notFound: ShareResult = { ok: false, code: 'not-found', message: 'There is no such clipping.' };
      const clipping = await q.findClipping(db, clippingId);
      if (actor.kind !== 'user' || !clipping || clipping.userId !== actor.id || !(await mayRead(actor))) return notFound;
      const edition = await q.findEdition(db, clipping.editionId);
      if (!edition) return notFound;
      const cap = deps.monthlyShares();
      if (cap === 0) return { ok: false, code: 'forbidden', message: SHARING_OFF };
      const at = now();
      const month = allowanceMonth(actor.id, 'epaper-share', at, deps.timeZone());
      const capReached: ShareResult = {
        ok: false,
        code: 'cap-reached',
        message: `You have shared ${cap} clipping${cap === 1 ? '' : 's'} this month, the most a month allows.`,
      };
      // A month already used up cuts no image; the count is checked again under the lock below.
      if ((await allowanceUsed(db, month)) >= cap) return capReached;
      const token = randomBytes(18).toString('base64url');
      const imageKey = clipping.imageKey ?? (await clipImage(clipping, edition.filesPrefix));
      const outcome = await db.transaction().execute(async (tx): Promise<{ kept: string } | { refused: ShareResult }> => {
        const allowance = await lockAllowance(tx, month);
        if (allowance.used >= cap) return { refused: capReached };
        const kept = await q.shareClipping(tx, clipping.id, { shareHash: sha256(token), imageKey, at });
        if (kept === null) return { refused: notFound };
        await allowance.take();
        return { kept };
      });
      // An image cut for this share that the clipping did not keep: the share was refused (another share at the same
      // moment took the month's last one, or the reader deleted the clipping meanwhile), or another share of this
      // clipping stored its image first.
      if (imageKey !== clipping.imageKey && !('kept' in outcome && outcome.kept === imageKey)) await files.delete(imageKey);
      return 'refused' in outcome ? outcome.refused : { ok: true, token };
    },

    /** Whether readers may share clippings at all (a monthly allowance of 0 turns sharing off). */
    sharingOn: () => deps.monthlyShares() > 0,

    /** The clipping a share link opens (anyone may), or null. */
    shared: (token: string) => (/^[A-Za-z0-9_-]{24}$/.test(token) ? q.findSharedClipping(db, sha256(token)) : Promise.resolve(null)),

    /** The clipped picture of a shared clipping: the only image a share link exposes. */
    async sharedImage(token: string): Promise<StoredFile | null> {
      const clipping = /^[A-Za-z0-9_-]{24}$/.test(token) ? await q.findSharedClipping(db, sha256(token)) : null;
      return clipping?.imageKey ? files.get(clipping.imageKey) : null;
    },

    /** Moves or relinks a region (the editor's word then stands over the PDF's). */
    async editRegion(actor: Actor, id: number, fields: RegionFields): Promise<RegionResult> {
      authorize(actor, 'editContent');
      const problem = await regionProblem(fields);
      if (problem) return { ok: false, message: problem };
      await q.updateRegion(db, id, { ...fields, headline: fields.headline.trim().slice(0, 300) });
      return { ok: true, id };
    },

    /** A region drawn by an editor on a page of an edition. */
    async addRegion(actor: Actor, editionId: number, pageNumber: number, fields: RegionFields): Promise<RegionResult> {
      authorize(actor, 'editContent');
      if (!(await q.findPage(db, editionId, pageNumber))) return { ok: false, message: 'There is no such page in this edition.' };
      const problem = await regionProblem(fields);
      if (problem) return { ok: false, message: problem };
      return {
        ok: true,
        id: await q.insertRegion(db, editionId, pageNumber, { ...fields, headline: fields.headline.trim().slice(0, 300) }),
      };
    },

    region: (id: number) => q.findRegion(db, id),
  };
}

export type EpaperService = ReturnType<typeof createEpaperService>;

/** A reason the edition cannot be rendered that is the file's fault: the edition fails, the job does not retry. */
class RenderProblem extends Error {}

async function readAll(file: StoredFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of file.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
