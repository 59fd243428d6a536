import { DEMO_PLANS } from '../billing/plans.js';
import { countPlans, upsertPlan } from '../billing/plan-queries.js';
import type { Db } from '../ports/database.js';
import { DEFAULT_SITE_SETTINGS, hasSiteSettings, saveSiteSettings } from '../site/settings.js';
import { DEMO_SECTIONS } from './demo/sections.js';
import { generateDemoArticles } from './demo/generator.js';
import { countSections, ensureSection, upsertArticle } from './queries.js';

export { hasNoArticles } from './queries.js';

/**
 * What every site starts with: the default sections, the three plans and site settings.
 * Only fills empty tables, so a publisher's own edits are never overwritten.
 */
export async function seedBaseline(db: Db): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if ((await countSections(tx)) === 0) for (const section of DEMO_SECTIONS) await ensureSection(tx, section);
    if ((await countPlans(tx)) === 0) for (const plan of DEMO_PLANS) await upsertPlan(tx, plan);
    if (!(await hasSiteSettings(tx))) await saveSiteSettings(tx, DEFAULT_SITE_SETTINGS);
  });
}

/** Writes the demo articles (deterministic for the day of `now`). Returns how many it wrote. */
export async function seedDemoArticles(db: Db, now: Date): Promise<number> {
  const articles = generateDemoArticles({ now });
  await db.transaction().execute(async (tx) => {
    for (const section of DEMO_SECTIONS) await ensureSection(tx, section);
    for (const article of articles) await upsertArticle(tx, article);
  });
  return articles.length;
}
