import { listSections } from '../content/queries.js';
import type { Db } from '../ports/database.js';
import { workingPartnerKeys } from '../partners/queries.js';
import { dayIn } from '../time/zoned.js';
import { FEATURES, PARTNER_FEATURE } from './catalogue.js';

/**
 * The entitlements that work because of what is stored rather than what is built (besides `FEATURES`): a partner's
 * bundle while the partner can give a code today (in the publisher's zone), and an access key a section requires for
 * its premium stories (the access decision reads it). With what each does, as staff read it.
 */
export async function liveFeatures(db: Db, now: Date, timeZone: string): Promise<Map<string, string>> {
  const [partners, sections] = await Promise.all([workingPartnerKeys(db, dayIn(now, timeZone).date), listSections(db)]);
  const features = new Map<string, string>(partners.map((key) => [key, PARTNER_FEATURE]));
  const requiredBy = new Map<string, string[]>();
  for (const section of sections) {
    if (FEATURES[section.premiumEntitlement] !== undefined) continue;
    requiredBy.set(section.premiumEntitlement, [...(requiredBy.get(section.premiumEntitlement) ?? []), section.name]);
  }
  for (const [key, names] of requiredBy) {
    features.set(key, `Premium stories of ${names.join(', ')} open (the access decision; sections require it).`);
  }
  return features;
}
