import type { Queryable } from '../../adapters/db/database.js';

/** Publisher settings kept in the database (not code): the name readers see and what the home page says. */
export interface SiteSettings {
  publicationName: string;
  tagline: string;
  /** Language of the site, for `<html lang>` and feeds. */
  language: string;
}

export const DEFAULT_SITE_SETTINGS: SiteSettings = {
  publicationName: 'The Daily Ledger',
  tagline: 'Business, markets and the economy, every day',
  language: 'en-IN',
};

/** Reads the site settings, falling back to defaults for anything not stored. */
export async function loadSiteSettings(db: Queryable): Promise<SiteSettings> {
  const { rows } = await db.query<{ value: Partial<SiteSettings> }>("select value from settings where key = 'site'");
  return { ...DEFAULT_SITE_SETTINGS, ...(rows[0]?.value ?? {}) };
}

export async function saveSiteSettings(db: Queryable, settings: SiteSettings): Promise<void> {
  await db.query(
    `insert into settings (key, value) values ('site', $1)
     on conflict (key) do update set value = excluded.value, updated_at = now()`,
    [JSON.stringify(settings)],
  );
}
