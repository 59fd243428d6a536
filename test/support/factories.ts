import type { TestDb } from './raw-sql.js';
import type { ArticleInput } from '../../src/domain/content/article-input.js';
import { upsertArticle } from '../../src/domain/content/queries.js';
import { finishEdition, insertEdition, savePage } from '../../src/domain/epaper/queries.js';

let sequence = 0;

/** Paragraphs whose text says where it stands, so tests can look for gated text by name. */
export function bodyWithParagraphs(count: number, marker = 'para'): string {
  return Array.from({ length: count }, (_, i) => `${marker}-${i + 1}: words of paragraph ${i + 1} of the story.`).join('\n\n');
}

/** A valid article with overrides. */
export function articleInput(overrides: Partial<ArticleInput> = {}): ArticleInput {
  sequence++;
  return {
    slug: `test-article-${sequence}`,
    headline: `Test headline ${sequence}`,
    standfirst: `Test standfirst ${sequence}.`,
    body: bodyWithParagraphs(6, `secret${sequence}`),
    section: 'markets',
    tags: ['test'],
    authors: ['Asha Test'],
    dateline: 'Mumbai',
    visibility: 'metered',
    provenance: 'staff',
    publishedAt: new Date('2026-11-20T06:00:00Z'),
    updatedAt: null,
    leadImage: null,
    editorsPick: false,
    ...overrides,
  };
}

/** Stores an article built by `articleInput` and returns it with its id. */
export async function createArticle(db: TestDb, overrides: Partial<ArticleInput> = {}): Promise<ArticleInput & { id: number }> {
  const input = articleInput(overrides);
  const { id } = await upsertArticle(db, input);
  return { ...input, id };
}

/**
 * A published e-paper edition written straight to the database (no PDF, no rendering): one page per story of
 * `stories`, each story a region; published at midnight UTC of `date`.
 */
export async function createEdition(
  db: TestDb,
  edition: { name: string; slug: string; date: string; stories: { headline: string; text: string }[] },
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const at = new Date(`${edition.date}T00:00:00Z`);
    const id = await insertEdition(tx, {
      name: edition.name,
      slug: edition.slug,
      date: edition.date,
      filesPrefix: `epaper/${edition.slug}-${edition.date}-test`,
      sources: [],
      pageCount: Math.max(1, edition.stories.length),
      publishAt: at,
      uploadedBy: null,
      at,
    });
    if (id === null) throw new Error(`edition ${edition.slug} ${edition.date} exists`);
    for (const [i, story] of edition.stories.entries()) {
      const page = { number: i + 1, width: 600, height: 800, text: story.text, images: [] };
      await savePage(tx, id, page, [{ x: 100, y: 100, w: 5000, h: 3000, headline: story.headline, text: story.text, articleId: null }]);
    }
    await finishEdition(tx, id, { status: 'ready', error: null }, at);
    return id;
  });
}
