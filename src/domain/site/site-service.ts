import type { Db } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { renderBody } from '../content/render.js';
import type { SupplierDetails } from '../billing/invoice-model.js';
import { isDemoSupplier, loadSupplier, saveSupplierIdentity } from '../billing/supplier.js';
import {
  ADDRESS_LINE_SEPARATOR,
  checkSupplierIdentity,
  type SupplierIdentity,
  type SupplierIdentityInput,
} from '../billing/supplier-identity.js';
import { recordChange } from '../audit/audit.js';
import { announceChange } from './changes.js';
import { readSetting, writeSetting } from './queries.js';
import {
  checkGrievanceOfficer,
  checkLine,
  checkSiteSettings,
  type FieldErrors,
  type GrievanceOfficerInput,
  type SiteSettingsInput,
} from './site-rules.js';
import { loadSiteSettings, saveSiteSettings, type SiteSettings } from './settings.js';
import {
  DEFAULT_TRUST_PAGES,
  fillPlaceholders,
  PLACEHOLDERS,
  placeholderValues,
  unknownPlaceholders,
  type TrustPage,
  type TrustPageSlug,
} from './trust-pages.js';

/** The legal identity's fields as the settings form names them. */
export const SUPPLIER_FIELDS = {
  name: 'supplierName',
  address: 'supplierAddress',
  state: 'supplierState',
  gstin: 'supplierGstin',
  invoiceSeries: 'invoiceSeries',
} as const satisfies Record<keyof SupplierIdentityInput, string>;
export type SupplierFormInput = Record<(typeof SUPPLIER_FIELDS)[keyof typeof SUPPLIER_FIELDS], string>;

/** The grievance officer's fields as the grievance page's form names them. */
export const OFFICER_FIELDS = {
  name: 'officerName',
  designation: 'officerDesignation',
  email: 'officerEmail',
  phone: 'officerPhone',
  address: 'officerAddress',
  responseDays: 'officerResponseDays',
} as const satisfies Record<keyof GrievanceOfficerInput, string>;
export type OfficerFormInput = Record<(typeof OFFICER_FIELDS)[keyof typeof OFFICER_FIELDS], string>;

export type SaveOutcome = { ok: true; changed: boolean } | { ok: false; errors: FieldErrors };

/** A trust page as readers see it: the title and the body rendered to HTML (Markdown with HTML escaped). */
export interface RenderedPage {
  title: string;
  html: string;
}

export interface SiteServiceDeps {
  db: Db;
  /** The settings every page reads: updated in place by `reload`, so a save shows on the next request. */
  site: SiteSettings;
  publicUrl: string;
  /** In the demo the invented company's identity is shown on the pages; elsewhere it is left out. */
  demo: boolean;
  /** This instance's refresh (`AppContext.refresh`, which calls `reload`), after a change commits; other instances hear `announceChange`. */
  onChange: () => Promise<void>;
  /** Whether the image library holds an image with this number (for the default image); absent: not checked. */
  imageExists?: (id: number) => Promise<boolean>;
  /** Called after `reload` with the new settings (the time zone the pages use). */
  onReload?: (site: SiteSettings) => void;
}

const pageKey = (slug: TrustPageSlug) => `page:${slug}`;

/** Every settings change: in the audit log (area `settings`) and announced to every instance, on its transaction. */
async function logChange(
  tx: Db,
  entry: { actor: Actor; subject: string; action: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null },
): Promise<void> {
  await recordChange(tx, { ...entry, area: 'settings' });
  await announceChange(tx);
}

/**
 * Stores the legal identity new invoices carry (issued ones keep theirs), logged and announced on `tx` like
 * every settings change, whether from the settings page or `masthead settings supplier`. False when it was the same.
 */
export async function replaceSupplierIdentity(tx: Db, actor: Actor, identity: SupplierIdentity): Promise<boolean> {
  const before = await loadSupplier(tx);
  if (!(await saveSupplierIdentity(tx, identity))) return false;
  const after = await loadSupplier(tx);
  await logChange(tx, { actor, subject: 'supplier', action: 'update', before: { ...before }, after: { ...after } });
  return true;
}

/** What changed between two objects, field by field: `before` and `after` for the audit log. */
function changes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const keys = Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  if (keys.length === 0) return null;
  return { before: Object.fromEntries(keys.map((k) => [k, before[k]])), after: Object.fromEntries(keys.map((k) => [k, after[k]])) };
}

const sentence = (problem: string) => `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`;

/**
 * The publication's settings and trust pages: read and changed by the business team (policy `manageBusiness`),
 * trust pages read by everyone. The web pages and a JSON API call the same functions.
 */
export function createSiteService(deps: SiteServiceDeps) {
  const { db } = deps;
  let rendered = new Map<TrustPageSlug, Promise<RenderedPage>>();
  let version = 0;

  async function storedPage(database: Db, slug: TrustPageSlug): Promise<TrustPage | null> {
    return (await readSetting(database, pageKey(slug))) as TrustPage | null;
  }

  async function render(slug: TrustPageSlug): Promise<RenderedPage> {
    const page = (await storedPage(db, slug)) ?? DEFAULT_TRUST_PAGES[slug];
    const supplier = await loadSupplier(db);
    const shown: SupplierDetails | null = isDemoSupplier(supplier) && !deps.demo ? null : supplier;
    const values = placeholderValues(deps.site, shown, deps.publicUrl);
    return { title: page.title, html: renderBody(fillPlaceholders(page.body, values)) };
  }

  /** Reads the settings again (after a change here or on another instance) and drops the rendered pages. */
  async function reload(): Promise<void> {
    Object.assign(deps.site, await loadSiteSettings(db));
    rendered = new Map();
    version += 1;
    deps.onReload?.(deps.site);
  }

  return {
    reload,
    /** Grows at each reload: caches of rendered pages key on it, so a page never shows settings older than it. */
    version: () => version,

    /** The settings and the legal identity new invoices carry, for the settings form. */
    async settings(actor: Actor): Promise<{ site: SiteSettings; supplier: SupplierDetails }> {
      authorize(actor, 'manageBusiness');
      return { site: await loadSiteSettings(db), supplier: await loadSupplier(db) };
    },

    /**
     * Checks and stores the settings and, when any of its fields differ from the stored one, the legal identity
     * (new invoices carry it; issued ones keep theirs). Every message is returned by field; nothing is stored then.
     */
    async saveSettings(actor: Actor, input: SiteSettingsInput & SupplierFormInput): Promise<SaveOutcome> {
      authorize(actor, 'manageBusiness');
      const checked = checkSiteSettings(input);
      const errors: FieldErrors = checked.ok ? {} : { ...checked.errors };
      const imageId = checked.ok ? checked.value.defaultImageId : null;
      if (imageId != null && deps.imageExists && !(await deps.imageExists(imageId)))
        errors.defaultImageId = `There is no image number ${imageId} in the library (/admin/images): upload it there first, or leave this empty.`;
      const current = await loadSupplier(db);
      const typedAddress = input.supplierAddress
        .split(/\r\n|\r|\n/)
        .map((l) => l.trim())
        .filter(Boolean);
      const supplierChanged =
        input.supplierName.trim() !== current.name ||
        typedAddress.join('\n') !== current.addressLines.join('\n') ||
        input.supplierState.trim() !== current.stateCode ||
        input.supplierGstin.trim().toUpperCase() !== current.gstin ||
        input.invoiceSeries.trim() !== current.invoiceSeries;
      let identity = null;
      if (supplierChanged) {
        const supplier = checkSupplierIdentity(
          {
            name: input.supplierName,
            address: typedAddress.join(ADDRESS_LINE_SEPARATOR),
            state: input.supplierState,
            gstin: input.supplierGstin,
            invoiceSeries: input.invoiceSeries,
          },
          current.creditNoteSeries,
        );
        if (supplier.ok) identity = supplier.value;
        else errors[SUPPLIER_FIELDS[supplier.field]] = sentence(supplier.problem);
      }
      if (!checked.ok || Object.keys(errors).length > 0) return { ok: false, errors };
      const changed = await db.transaction().execute(async (tx) => {
        const before = await loadSiteSettings(tx);
        const next: SiteSettings = { ...before, ...checked.value };
        const diff = changes({ ...before }, { ...checked.value });
        if (diff) {
          await saveSiteSettings(tx, next);
          await logChange(tx, { actor, subject: 'site', action: 'update', ...diff });
        }
        if (identity) await replaceSupplierIdentity(tx, actor, identity);
        return diff !== null || identity !== null;
      });
      if (changed) await deps.onChange();
      return { ok: true, changed };
    },

    /** A trust page for readers, rendered once until the settings change. */
    trustPage(slug: TrustPageSlug): Promise<RenderedPage> {
      let page = rendered.get(slug);
      if (!page) {
        page = render(slug);
        rendered.set(slug, page);
        page.catch(() => rendered.delete(slug));
      }
      return page;
    },

    /** A trust page's stored text (or the default a new publication starts from), for the editor. */
    async pageSource(actor: Actor, slug: TrustPageSlug): Promise<{ page: TrustPage; stored: boolean; site: SiteSettings }> {
      authorize(actor, 'manageBusiness');
      const stored = await storedPage(db, slug);
      return { page: stored ?? DEFAULT_TRUST_PAGES[slug], stored: stored !== null, site: await loadSiteSettings(db) };
    },

    /**
     * Stores a trust page. A placeholder that does not exist is refused, naming it; the grievance page needs its
     * officer (every detail, stored with the settings) and must show the officer's name and email.
     */
    async savePage(
      actor: Actor,
      slug: TrustPageSlug,
      input: { title: string; body: string } & Partial<OfficerFormInput>,
    ): Promise<SaveOutcome> {
      authorize(actor, 'manageBusiness');
      const errors: FieldErrors = {};
      const title = checkLine(input.title, { label: 'title', min: 1, max: 100 });
      if (!title.ok) errors.title = title.error;
      const body = input.body.replace(/\r\n?/g, '\n').trim();
      const unknown = unknownPlaceholders(body);
      if (body === '') errors.body = 'Write the page.';
      else if (body.length > 20_000) errors.body = 'Use at most 20,000 characters.';
      else if (unknown.length > 0)
        errors.body = `There is no placeholder ${unknown.map((n) => `{${n}}`).join(', ')}. Use one of ${PLACEHOLDERS.map((n) => `{${n}}`).join(', ')}.`;
      else if (slug === 'grievance' && !(body.includes('{officer_name}') && body.includes('{officer_email}')))
        errors.body = 'The grievance page must show the grievance officer: keep {officer_name} and {officer_email} in it.';
      let officer = null;
      if (slug === 'grievance') {
        const checked = checkGrievanceOfficer({
          name: input.officerName ?? '',
          designation: input.officerDesignation ?? '',
          email: input.officerEmail ?? '',
          phone: input.officerPhone ?? '',
          address: input.officerAddress ?? '',
          responseDays: input.officerResponseDays ?? '',
        });
        if (checked.ok) officer = checked.value;
        else
          for (const [field, message] of Object.entries(checked.errors))
            errors[OFFICER_FIELDS[field as keyof typeof OFFICER_FIELDS]] = message;
      }
      if (!title.ok || Object.keys(errors).length > 0) return { ok: false, errors };
      const page: TrustPage = { title: title.value, body };
      const changed = await db.transaction().execute(async (tx) => {
        const before = await storedPage(tx, slug);
        let any = false;
        if (!before || before.title !== page.title || before.body !== page.body) {
          await writeSetting(tx, pageKey(slug), page);
          await logChange(tx, {
            actor,
            subject: `page:${slug}`,
            action: before ? 'update' : 'create',
            before: before ? { ...before } : null,
            after: { ...page },
          });
          any = true;
        }
        if (officer) {
          const site = await loadSiteSettings(tx);
          const diff = changes({ grievanceOfficer: site.grievanceOfficer }, { grievanceOfficer: officer });
          if (diff) {
            await saveSiteSettings(tx, { ...site, grievanceOfficer: officer });
            await logChange(tx, { actor, subject: 'grievance-officer', action: 'update', ...diff });
            any = true;
          }
        }
        return any;
      });
      if (changed) await deps.onChange();
      return { ok: true, changed };
    },
  };
}

export type SiteService = ReturnType<typeof createSiteService>;
