import { beforeAll, expect, it } from 'vitest';
import { seedBaseline } from '../../src/domain/content/seed.js';
import { createContentService, type ContentService } from '../../src/domain/content/service.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

describeEachEngine('content cache', (db) => {
  let content: ContentService;
  beforeAll(async () => {
    await seedBaseline(db());
    content = createContentService(db(), { lead: { blocks: 2, words: 120 }, timeZone: () => 'Asia/Kolkata' });
  });

  it('answers many readers asking for an uncached story at once with one load, not one each', async () => {
    const { slug } = await createArticle(db());
    const served = await Promise.all(Array.from({ length: 20 }, () => content.article(slug)));
    expect(served[0]?.article.slug).toBe(slug);
    // One load makes one prepared story, which every waiting reader is handed.
    expect(new Set(served).size).toBe(1);
  });

  it('never hands out, nor keeps, a story read before a change saved meanwhile', async () => {
    const { id, slug } = await createArticle(db(), { headline: 'Before the correction' });
    const early = content.article(slug); // a reader's load, under way while the newsroom saves
    await db().updateTable('articles').set({ headline: 'After the correction' }).where('id', '=', id).execute();
    content.invalidate();
    expect((await content.article(slug))?.article.headline).toBe('After the correction');
    await early;
    expect((await content.article(slug))?.article.headline).toBe('After the correction');
  });

  it('holds prepared stories within a memory budget, not a count: a long story pushes out the one before', async () => {
    // A budget that fits one story of this length (~53,000 characters of HTML in its three renderings, two bytes each) but not two.
    const budgeted = createContentService(db(), {
      lead: { blocks: 2, words: 120 },
      timeZone: () => 'Asia/Kolkata',
      articleCacheBytes: 160_000,
    });
    const body = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} of a long report on the monsoon's late arrival.`).join('\n\n');
    const first = await createArticle(db(), { headline: 'First long report', body });
    const second = await createArticle(db(), { headline: 'Second long report', body });
    await budgeted.article(first.slug);
    await budgeted.article(first.slug);
    // Changed behind the cache's back: a story still held keeps what it had, one pushed out is read afresh.
    await db().updateTable('articles').set({ headline: 'First long report, revised' }).where('id', '=', first.id).execute();
    expect((await budgeted.article(first.slug))?.article.headline).toBe('First long report');
    await budgeted.article(second.slug);
    expect((await budgeted.article(first.slug))?.article.headline).toBe('First long report, revised');
  });
});
