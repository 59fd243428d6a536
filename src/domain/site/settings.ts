import type { Db } from '../ports/database.js';
import { readSetting, writeSetting } from './queries.js';

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
export async function loadSiteSettings(db: Db): Promise<SiteSettings> {
  const stored = (await readSetting(db, 'site')) as Partial<SiteSettings> | null;
  return { ...DEFAULT_SITE_SETTINGS, ...(stored ?? {}) };
}

export async function hasSiteSettings(db: Db): Promise<boolean> {
  return (await readSetting(db, 'site')) !== null;
}

export async function saveSiteSettings(db: Db, settings: SiteSettings): Promise<void> {
  await writeSetting(db, 'site', settings);
}
