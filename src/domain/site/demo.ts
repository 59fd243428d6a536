import type { Db } from '../ports/database.js';
import { loadSiteSettings, saveSiteSettings, type SiteSettings } from './settings.js';

/**
 * The demo's invented contact details and grievance officer (the .test domain reaches nobody), and the promise
 * of the publisher's offer: 30 premium stories a day.
 */
export const DEMO_SITE_DETAILS: Pick<
  SiteSettings,
  'contactEmail' | 'contactPhone' | 'contactAddress' | 'socialLinks' | 'premiumPromisedDaily' | 'grievanceOfficer'
> = {
  contactEmail: 'desk@dailyledger.test',
  contactPhone: '+91 22 4000 1997',
  contactAddress: '4th Floor, Ledger House, 12 Example Marg\nLower Parel, Mumbai 400013',
  socialLinks: ['https://x.com/dailyledger_demo', 'https://www.instagram.com/dailyledger_demo'],
  premiumPromisedDaily: 30,
  grievanceOfficer: {
    name: 'Meera Iyer',
    designation: 'Grievance Officer and Readers’ Editor',
    email: 'grievance@dailyledger.test',
    phone: '+91 22 4000 1998',
    address: 'Grievance Officer, The Daily Ledger\n4th Floor, Ledger House, 12 Example Marg\nLower Parel, Mumbai 400013',
    responseDays: 15,
  },
};

/**
 * Gives the demo publication its contact details, grievance officer and premium promise, so its pages read as a
 * real publisher's would. Only while neither is set: a publisher's own settings are never overwritten.
 */
export async function seedDemoSite(db: Db): Promise<boolean> {
  const site = await loadSiteSettings(db);
  if (site.contactEmail || site.grievanceOfficer) return false;
  await saveSiteSettings(db, { ...site, ...DEMO_SITE_DETAILS });
  return true;
}
