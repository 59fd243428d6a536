import { createHash } from 'node:crypto';
import type { Db } from '../ports/database.js';
import { insertCodes, insertUpload } from './code-queries.js';
import type { PartnerFields } from './model.js';
import { insertPartner, listPartnersWithStock } from './queries.js';

/**
 * The demo's partner: an invented publication (the .test domain reaches nobody) whose bundle the demo plans
 * already grant (`partner-bundle`), with a few hundred invented activation codes, so the demo subscriber can
 * claim one on /account and the business team sees the partner page, the stock and the report.
 */
export const DEMO_PARTNER: PartnerFields = {
  name: 'The Meridian Review',
  includes: 'News, Puzzles, Recipes, Podcasts, Product reviews and Sport',
  activationUrl: 'https://meridian-review.test/activate?code={code}',
  terms: 'One activation per subscriber. Access lasts while your subscription includes the partner bundle.',
  lowStockThreshold: 100,
  provisioning: 'code-pool',
};

export const DEMO_PARTNER_CODES = 300;

/** Adds the demo partner and its codes once (when there is no partner yet); whether it did. */
export async function seedDemoPartner(db: Db, now: Date): Promise<boolean> {
  if ((await listPartnersWithStock(db, now.toISOString().slice(0, 10))).length > 0) return false;
  return db.transaction().execute(async (tx) => {
    const partnerId = await insertPartner(tx, DEMO_PARTNER, 'partner-bundle', null, now);
    if (partnerId === null) return false;
    const rows = Array.from({ length: DEMO_PARTNER_CODES }, (_, i) => ({
      line: i + 2,
      code: `MRDN-${createHash('sha256').update(`demo-${i}`).digest('hex').slice(0, 12).toUpperCase()}`,
      expiresOn: null,
    }));
    const uploadId = await insertUpload(tx, {
      partnerId,
      fileName: 'demo-codes.csv',
      status: 'imported',
      rowsRead: rows.length,
      imported: rows.length,
      problems: [],
      problemCount: 0,
      uploadedBy: null,
      createdAt: now,
    });
    await insertCodes(tx, partnerId, uploadId, rows);
    return true;
  });
}
