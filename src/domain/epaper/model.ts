import type { PageBox } from '../ports/pdf-pages.js';

export type EditionStatus = 'rendering' | 'ready' | 'failed';

/** One uploaded PDF of an edition, in page order: its file and how many pages it holds. */
export interface EditionSource {
  key: string;
  pages: number;
}

export interface Edition {
  id: number;
  name: string;
  slug: string;
  /** YYYY-MM-DD: the day the edition is for. */
  date: string;
  status: EditionStatus;
  error: string | null;
  filesPrefix: string;
  sources: EditionSource[];
  pageCount: number;
  pagesRendered: number;
  publishAt: Date;
  createdAt: Date;
}

export interface PageImage {
  size: string;
  width: number;
  height: number;
  key: string;
  /** The image cut into tiles (the zoom of pages rendered since tiles were made; older pages have none). */
  tiles?: TileGrid;
}

/** Square tiles of an image: the tile at `column`, `row` (from 0, top left) is stored at `tileKey(grid, column, row)`. */
export interface TileGrid {
  size: number;
  columns: number;
  rows: number;
  /** The files' common start, e.g. `epaper/<prefix>/p3-zoom/`. */
  prefix: string;
}

export const tileKey = (grid: TileGrid, column: number, row: number) => `${grid.prefix}${column}-${row}.webp`;

export interface EditionPage {
  number: number;
  /** PDF points. */
  width: number;
  height: number;
  text: string;
  images: PageImage[];
}

/** Every file an edition stored: its PDFs, and each drawn page's images with their tiles. */
export function editionFileKeys(sources: readonly EditionSource[], pages: readonly EditionPage[]): string[] {
  const images = pages.flatMap((page) => page.images);
  const tiles = images.flatMap(({ tiles: grid }) =>
    grid
      ? Array.from({ length: grid.rows }, (_r, row) =>
          Array.from({ length: grid.columns }, (_c, column) => tileKey(grid, column, row)),
        ).flat()
      : [],
  );
  return [...sources.map((s) => s.key), ...images.map((i) => i.key), ...tiles];
}

export interface Region extends PageBox {
  id: number;
  pageNumber: number;
  headline: string;
  text: string;
  source: 'pdf' | 'editor';
  article: { id: number; slug: string; headline: string } | null;
}

export interface Clipping extends PageBox {
  id: number;
  userId: number;
  editionId: number;
  pageNumber: number;
  headline: string;
  imageKey: string | null;
  createdAt: Date;
  /** When its share link was made (the latest, when shared again); null: never shared. */
  sharedAt: Date | null;
  edition: { name: string; slug: string; date: string };
}

/** Whether readers may see an edition now: every page rendered and its time come. */
export const isPublished = (edition: Pick<Edition, 'status' | 'publishAt'>, now: Date) =>
  edition.status === 'ready' && edition.publishAt.getTime() <= now.getTime();
