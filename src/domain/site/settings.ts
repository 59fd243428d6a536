import type { Db } from '../ports/database.js';
import { readSetting, writeSetting } from './queries.js';

/**
 * The grievance officer India's IT Rules 2021 (Rule 11) require a digital news publisher to name and publish:
 * complaints are acknowledged within a day and decided within `responseDays` (at most 15).
 */
export interface GrievanceOfficer {
  name: string;
  designation: string;
  email: string;
  phone: string;
  /** Postal address, one line per line. */
  address: string;
  /** Days within which a complaint is decided (1–15). */
  responseDays: number;
}

/** Publisher settings kept in the database (not code), edited at /admin/settings. Empty text means "not set". */
export interface SiteSettings {
  publicationName: string;
  tagline: string;
  /** Language of the site (BCP 47), for `<html lang>` and feeds. */
  language: string;
  /** IANA time zone of the publisher; '' → `MASTHEAD_TIMEZONE` (see `effectiveTimeZone`). */
  timeZone: string;
  /** An https address or a same-site path ('' → the name in text). */
  logoUrl: string;
  faviconUrl: string;
  contactEmail: string;
  contactPhone: string;
  /** Postal address, one line per line. */
  contactAddress: string;
  /** https addresses of the publication's pages elsewhere, in the order shown. */
  socialLinks: string[];
  /**
   * Premium stories the publication promises a day (0: no promise). The newsroom counts today's against it;
   * readers are told of it only when it is set.
   */
  premiumPromisedDaily: number;
  /**
   * Gift links a subscriber may make a calendar month (each opens one article for anyone for a week); 0 turns
   * gifting off and hides the button.
   */
  giftArticlesMonthly: number;
  grievanceOfficer: GrievanceOfficer | null;
  /**
   * The image-library image standing in for an article without a lead image: on story cards and as the social
   * (og:image) and JSON-LD image. Never shown as a figure on the article page itself. Null: none.
   */
  defaultImageId: number | null;
}

export const DEFAULT_SITE_SETTINGS: SiteSettings = {
  publicationName: 'The Daily Ledger',
  tagline: 'Business, markets and the economy, every day',
  language: 'en-IN',
  timeZone: '',
  logoUrl: '',
  faviconUrl: '',
  contactEmail: '',
  contactPhone: '',
  contactAddress: '',
  socialLinks: [],
  premiumPromisedDaily: 0,
  giftArticlesMonthly: 10,
  grievanceOfficer: null,
  defaultImageId: null,
};

/** The time zone dates are shown and scheduled in: the stored one when set, else the configured default. */
export function effectiveTimeZone(site: Pick<SiteSettings, 'timeZone'>, configured: string): string {
  return site.timeZone || configured;
}

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

/**
 * The tag payment gateways mark this publication's objects with: the publication's name when first asked, then
 * kept, so a renamed publication still recognises its own subscriptions at Stripe.
 */
export async function publicationTag(db: Db, name: string): Promise<string> {
  const stored = await readSetting(db, 'publication-tag');
  if (typeof stored === 'string' && stored !== '') return stored;
  await writeSetting(db, 'publication-tag', name);
  return name;
}
