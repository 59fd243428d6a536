import type { TestDb } from './raw-sql.js';
import type { ArticleInput } from '../../src/domain/content/article-input.js';
import { upsertArticle } from '../../src/domain/content/queries.js';

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
