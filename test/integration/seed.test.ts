import { expect, it } from 'vitest';
import { listSections } from '../../src/domain/content/queries.js';
import { hasNoArticles, seedBaseline, seedDemoArticles } from '../../src/domain/content/seed.js';
import { describeEachEngine } from '../support/databases.js';

describeEachEngine('seeding', (db) => {
  it('writes the demo articles without overwriting a publisher’s own section names', async () => {
    await seedBaseline(db());
    await db().query(`update sections set name = 'Markets & Money' where slug = 'markets'`);
    expect(await hasNoArticles(db())).toBe(true);
    const written = await seedDemoArticles(db(), new Date('2026-11-24T10:00:00Z'));
    expect(written).toBeGreaterThanOrEqual(300);
    expect((await listSections(db())).find((s) => s.slug === 'markets')?.name).toBe('Markets & Money');
    expect(await hasNoArticles(db())).toBe(false);
  });
});
