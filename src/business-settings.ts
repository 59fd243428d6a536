import type { Config } from './config/config.js';
import type { AccessPolicy } from './domain/access/model.js';
import {
  loadPaywallSettings,
  paywallDefaults,
  paywallSettingsFor,
  policyOf,
  updatePaywallSettings,
  type PaywallSettings,
} from './domain/access/paywall-settings.js';
import { liveCopy, type LiveCopy } from './domain/copy/copy.js';
import { findCopyTemplate, listCopyTemplates, loadCopyOverrides, resetCopyTemplate, saveCopyTemplate } from './domain/copy/templates.js';
import type { Db } from './domain/ports/database.js';
import { liveCatalogue, type Catalogue } from './domain/entitlements/catalogue.js';
import { addCatalogueEntry, listCatalogue, saveCatalogueEntry } from './domain/entitlements/catalogue-editor.js';
import { listCatalogueRows } from './domain/entitlements/catalogue-queries.js';
import { liveFeatures } from './domain/entitlements/live-features.js';
import { giveComplimentaryAccess, listComplimentaryGrants, withdrawComplimentaryAccess } from './domain/entitlements/complimentary.js';
import { changePlan, createGatewayPlan, createPlan, editPlan, listPlansForEditor, setGatewayPlan } from './domain/billing/plan-editor.js';

/**
 * The business team's settings as every part of the app holds them: the copy, the access policy and the
 * paywall settings are single objects whose contents `reload` replaces in place, so services built once at
 * start (accounts, billing, the reader service, the content service's lead-in rule) see a saved change at once.
 */
export interface BusinessSettings {
  copy: LiveCopy;
  policy: AccessPolicy;
  paywall: PaywallSettings;
  /** The entitlement catalogue: what plans grant, by the names readers see, and which of them work here. */
  catalogue: Catalogue;
  /** The environment's values: what applies until the paywall settings are first saved. */
  defaults: PaywallSettings;
  /** Goes up on every reload: caches of rendered pages keep it in their keys. */
  version: () => number;
  /** Reads the stored copy, paywall settings and catalogue again and applies them (on every instance, at each refresh). */
  reload: () => Promise<void>;
  /** The use cases of /admin/copy, /admin/paywall, /admin/plans, /admin/entitlements and a reader's complimentary grants, on this database. */
  service: ReturnType<typeof businessService>;
}

type Bound<F> = F extends (db: Db, ...rest: infer A) => infer R ? (...rest: A) => R : never;

/** Use cases with the database given: the web layer reaches them without holding the database. */
function bindDb<T extends Record<string, (db: Db, ...rest: never[]) => unknown>>(db: Db, fns: T): { [K in keyof T]: Bound<T[K]> } {
  return Object.fromEntries(Object.entries(fns).map(([name, fn]) => [name, (...rest: never[]) => fn(db, ...rest)])) as {
    [K in keyof T]: Bound<T[K]>;
  };
}

function businessService(db: Db) {
  return bindDb(db, {
    listCopyTemplates,
    findCopyTemplate,
    saveCopyTemplate,
    resetCopyTemplate,
    paywallSettingsFor,
    updatePaywallSettings,
    listPlansForEditor,
    createPlan,
    editPlan,
    changePlan,
    setGatewayPlan,
    createGatewayPlan,
    listCatalogue,
    saveCatalogueEntry,
    addCatalogueEntry,
    listComplimentaryGrants,
    giveComplimentaryAccess,
    withdrawComplimentaryAccess,
  });
}

export async function loadBusinessSettings(config: Config, db: Db, options: { onReload?: () => void } = {}): Promise<BusinessSettings> {
  const defaults = paywallDefaults(config);
  const base = { timeZone: config.timeZone, archiveAfterDays: 365 };
  const paywall = await loadPaywallSettings(db, defaults);
  const copy = liveCopy(await loadCopyOverrides(db));
  const catalogue = liveCatalogue(await listCatalogueRows(db), await liveFeatures(db, new Date(), config.timeZone));
  const policy = policyOf(paywall, base);
  let version = 0;
  return {
    copy,
    policy,
    paywall,
    catalogue,
    defaults,
    version: () => version,
    service: businessService(db),
    async reload() {
      const [nextPaywall, overrides, entries, features] = await Promise.all([
        loadPaywallSettings(db, defaults),
        loadCopyOverrides(db),
        listCatalogueRows(db),
        liveFeatures(db, new Date(), policy.timeZone),
      ]);
      copy.replace(overrides);
      catalogue.replace(entries, features);
      // In place: the lead-in rule object is held by the content service, the policy by the reader service.
      const { lead, ...rest } = nextPaywall;
      Object.assign(paywall.lead, lead);
      Object.assign(paywall, rest);
      // The time zone is the site settings' (they set it on the policy); the paywall's reload leaves it.
      Object.assign(policy, policyOf(nextPaywall, { ...base, timeZone: policy.timeZone }));
      version += 1;
      options.onReload?.();
    },
  };
}
