import type { Database } from '../../adapters/db/database.js';
import { DEMO_PLANS, upsertPlan } from '../billing/plans.js';
import { DEFAULT_SITE_SETTINGS, saveSiteSettings } from '../site/settings.js';
import { DEMO_SECTIONS } from './demo/sections.js';
import { generateDemoArticles } from './demo/generator.js';
import { upsertArticle, ensureSection } from './queries.js';

/**
 * What every site starts with: the default sections, the three plans and site settings.
 * Only fills empty tables, so a publisher's own edits are never overwritten.
 */
export async function seedBaseline(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ sections: number; plans: number; settings: number }>(
      `select (select count(*)::int from sections) as sections, (select count(*)::int from plans) as plans,
              (select count(*)::int from settings where key = 'site') as settings`,
    );
    const counts = rows[0] ?? { sections: 0, plans: 0, settings: 0 };
    if (counts.sections === 0) for (const section of DEMO_SECTIONS) await ensureSection(tx, section);
    if (counts.plans === 0) for (const plan of DEMO_PLANS) await upsertPlan(tx, plan);
    if (counts.settings === 0) await saveSiteSettings(tx, DEFAULT_SITE_SETTINGS);
  });
}

/** Writes the demo articles (deterministic for the day of `now`). Returns how many it wrote. */
export async function seedDemoArticles(db: Database, now: Date): Promise<number> {
  const articles = generateDemoArticles({ now });
  await db.transaction(async (tx) => {
    for (const section of DEMO_SECTIONS) await ensureSection(tx, section);
    for (const article of articles) await upsertArticle(tx, article);
  });
  return articles.length;
}

/** True when the database holds no articles yet (a fresh demo). */
export async function hasNoArticles(db: Database): Promise<boolean> {
  const { rows } = await db.query<{ empty: boolean }>('select not exists (select 1 from articles) as empty');
  return rows[0]?.empty ?? true;
}
