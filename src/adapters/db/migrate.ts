import { sql } from 'kysely';
import type { DatabaseHandle } from './database.js';
import content from './migrations/001-content.js';
import plans from './migrations/002-plans.js';
import accounts from './migrations/003-accounts.js';
import billing from './migrations/004-billing.js';
import indexes from './migrations/005-indexes.js';
import anonymousMeters from './migrations/006-anonymous-meters.js';
import retiredRefreshTokens from './migrations/007-retired-refresh-tokens.js';
import sweepIndexes from './migrations/008-sweep-indexes.js';
import housekeepingIndexes from './migrations/009-housekeeping-indexes.js';
import oneOpenCheckout from './migrations/010-one-open-checkout.js';
import invoiceRounding from './migrations/011-invoice-rounding.js';
import newsroom from './migrations/012-newsroom.js';
import gatewayReversals from './migrations/013-gateway-reversals.js';
import replacementNotices from './migrations/014-replacement-notices.js';
import auditLog from './migrations/015-audit-log.js';
import images from './migrations/016-images.js';
import authors from './migrations/017-authors.js';
import frontPage from './migrations/018-front-page.js';
import businessSettings from './migrations/019-business-settings.js';
import newsroomListIndexes from './migrations/020-newsroom-list-indexes.js';
import headlineSearchAuthorPages from './migrations/021-headline-search-author-pages.js';
import entitlementCatalogue from './migrations/022-entitlement-catalogue.js';
import complimentaryGrants from './migrations/023-complimentary-grants.js';
import partnerBundles from './migrations/024-partner-bundles.js';
import gifts from './migrations/025-gifts.js';
import giftLinks from './migrations/026-gift-links.js';
import groupAccess from './migrations/027-group-access.js';
import articleTags from './migrations/028-article-tags.js';
import articleSearch from './migrations/029-article-search.js';
import searchDocumentOnChange from './migrations/030-search-document-on-change.js';
import newsletters from './migrations/031-newsletters.js';
import epaper from './migrations/032-epaper.js';
import wire from './migrations/033-wire.js';
import wireArchiveRule from './migrations/034-wire-archive-rule.js';
import newsletterCounting from './migrations/035-newsletter-counting.js';
import epaperSearch from './migrations/036-epaper-search.js';
import wireDeskIndex from './migrations/037-wire-desk-index.js';
import monthlyAllowances from './migrations/038-monthly-allowances.js';
import publishedDayCounts from './migrations/039-published-day-counts.js';
import searchDocumentInRow from './migrations/040-search-document-in-row.js';
import sitemapIndexOnly from './migrations/041-sitemap-index-only.js';
import bylineIndexOnly from './migrations/042-byline-index-only.js';
import datesInKeysetOrder from './migrations/043-dates-in-keyset-order.js';

/** Versioned migrations, applied in order, each once. Append only: never edit a released one. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'content', sql: content },
  { version: 2, name: 'plans', sql: plans },
  { version: 3, name: 'accounts', sql: accounts },
  { version: 4, name: 'billing', sql: billing },
  { version: 5, name: 'indexes', sql: indexes },
  { version: 6, name: 'anonymous-meters', sql: anonymousMeters },
  { version: 7, name: 'retired-refresh-tokens', sql: retiredRefreshTokens },
  { version: 8, name: 'sweep-indexes', sql: sweepIndexes },
  { version: 9, name: 'housekeeping-indexes', sql: housekeepingIndexes },
  { version: 10, name: 'one-open-checkout', sql: oneOpenCheckout },
  { version: 11, name: 'invoice-rounding', sql: invoiceRounding },
  { version: 12, name: 'newsroom', sql: newsroom },
  { version: 13, name: 'gateway-reversals', sql: gatewayReversals },
  { version: 14, name: 'replacement-notices', sql: replacementNotices },
  { version: 15, name: 'audit-log', sql: auditLog },
  { version: 16, name: 'images', sql: images },
  { version: 17, name: 'authors', sql: authors },
  { version: 18, name: 'front-page', sql: frontPage },
  { version: 19, name: 'business-settings', sql: businessSettings },
  { version: 20, name: 'newsroom-list-indexes', sql: newsroomListIndexes },
  { version: 21, name: 'headline-search-author-pages', sql: headlineSearchAuthorPages },
  { version: 22, name: 'entitlement-catalogue', sql: entitlementCatalogue },
  { version: 23, name: 'complimentary-grants', sql: complimentaryGrants },
  { version: 24, name: 'partner-bundles', sql: partnerBundles },
  { version: 25, name: 'gifts', sql: gifts },
  { version: 26, name: 'gift-links', sql: giftLinks },
  { version: 27, name: 'group-access', sql: groupAccess },
  { version: 28, name: 'article-tags', sql: articleTags },
  { version: 29, name: 'article-search', sql: articleSearch },
  { version: 30, name: 'search-document-on-change', sql: searchDocumentOnChange },
  { version: 31, name: 'newsletters', sql: newsletters },
  { version: 32, name: 'epaper', sql: epaper },
  { version: 33, name: 'wire', sql: wire },
  { version: 34, name: 'wire-archive-rule', sql: wireArchiveRule },
  { version: 35, name: 'newsletter-counting', sql: newsletterCounting },
  { version: 36, name: 'epaper-search', sql: epaperSearch },
  { version: 37, name: 'wire-desk-index', sql: wireDeskIndex },
  { version: 38, name: 'monthly-allowances', sql: monthlyAllowances },
  { version: 39, name: 'published-day-counts', sql: publishedDayCounts },
  { version: 40, name: 'search-document-in-row', sql: searchDocumentInRow },
  { version: 41, name: 'sitemap-index-only', sql: sitemapIndexOnly },
  { version: 42, name: 'byline-index-only', sql: bylineIndexOnly },
  { version: 43, name: 'dates-in-keyset-order', sql: datesInKeysetOrder },
];

/** Applies the migrations not yet applied; returns the versions it applied. Safe to run from several instances at once. */
export async function migrate({ db, runScript }: Pick<DatabaseHandle, 'db' | 'runScript'>): Promise<number[]> {
  await sql`create table if not exists schema_migrations (
    version integer primary key, name text not null, applied_at timestamptz not null default now())`.execute(db);
  return db.transaction().execute(async (tx) => {
    // One migrator at a time across instances; the lock ends with the transaction.
    await sql`select pg_advisory_xact_lock(8151)`.execute(tx);
    const rows = await tx.selectFrom('schema_migrations').select('version').execute();
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await runScript(tx, migration.sql);
      await tx.insertInto('schema_migrations').values({ version: migration.version, name: migration.name }).execute();
      applied.push(migration.version);
    }
    return applied;
  });
}
