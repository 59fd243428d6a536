import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TOptional, type TProperties } from 'typebox';
import type { SupplierDetails } from '../../domain/billing/invoice-model.js';
import type { GrievanceOfficer, SiteSettings } from '../../domain/site/settings.js';
import { OFFICER_FIELDS, SUPPLIER_FIELDS } from '../../domain/site/site-service.js';
import { PLACEHOLDERS, TRUST_PAGE_SLUGS, type TrustPage, type TrustPageSlug } from '../../domain/site/trust-pages.js';
import type { AppContext } from '../../context.js';
import { adminApiScope, bearer, invalid, snake, staffActor } from './admin-api.js';
import * as S from './schemas.js';

/**
 * The publication's settings, legal identity and trust pages over JSON, for staff tokens with `manageBusiness`
 * (the business team and admins; anyone else finds nothing: 404). The same use cases as /admin/settings and
 * /admin/pages: the same checks, answered by field; a save is in the audit log and shows on the next request,
 * on every instance. Fields left out of a save keep their value.
 */

const text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });
const lines = (maxLength: number, what: string) => text(maxLength, `${what}, one line per line (separated by \\n).`);

const supplierFields = {
  name: text(200, 'The legal name new invoices carry.'),
  address: lines(800, 'The registered address'),
  state: text(30, 'The two-digit GST state code of the registration, e.g. "27" (Maharashtra).'),
  gstin: text(30),
  invoice_series: text(10, '1 to 4 capitals, digits or hyphens: DL → DL/2627/000001.'),
};
const siteFields = {
  publication_name: text(100, 'Shown in the header, page titles, emails, feeds and new invoices.'),
  tagline: text(200),
  language: text(35, 'A BCP 47 language tag such as en-IN.'),
  time_zone: text(60, 'An IANA time zone such as Asia/Kolkata; empty for the server’s default (MASTHEAD_TIMEZONE).'),
  logo_url: text(500, 'An https:// address or a path on this site; empty for the name in text.'),
  favicon_url: text(500),
  contact_email: text(254),
  contact_phone: text(30),
  contact_address: lines(800, 'The postal address'),
  social_links: Type.Array(text(300), {
    maxItems: 50,
    description: 'https:// addresses of the publication’s pages elsewhere (at most 8).',
  }),
  premium_promised_daily: Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    description: 'Premium stories the publication promises a day (at most 1,000); 0 for no promise.',
  }),
  gift_articles_monthly: Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    description: 'Gift article links a subscriber may make a calendar month (at most 1,000); 0 turns gifting off.',
  }),
};
const SupplierJson = Type.Object(supplierFields, {
  additionalProperties: false,
  description: 'The legal identity new invoices carry; issued invoices keep theirs.',
});
const SettingsJson = Type.Object({ ...siteFields, supplier: SupplierJson }, { additionalProperties: false });
/** The fields, each optional: a save sends what it changes. */
const optional = <T extends TProperties>(fields: T) =>
  Object.fromEntries(Object.entries(fields).map(([name, schema]) => [name, Type.Optional(schema)])) as { [K in keyof T]: TOptional<T[K]> };
const SettingsBody = Type.Object(
  { ...optional(siteFields), supplier: Type.Optional(Type.Object(optional(supplierFields), { additionalProperties: false })) },
  { additionalProperties: false },
);
type SettingsValue = Static<typeof SettingsJson>;

const officerFields = {
  name: text(100),
  designation: text(100),
  email: text(254),
  phone: text(30),
  address: lines(800, 'The postal address'),
  response_days: Type.Integer({ minimum: 1, maximum: 15, description: 'Days within which a complaint is decided.' }),
};
const OfficerJson = Type.Object(officerFields, {
  additionalProperties: false,
  description: 'The grievance officer the IT Rules 2021 require a publisher to name.',
});
const PageSlug = Type.Unsafe<TrustPageSlug>({ type: 'string', enum: [...TRUST_PAGE_SLUGS] });
const PageJson = Type.Object(
  {
    slug: PageSlug,
    title: Type.String(),
    body: Type.String({
      description: `Markdown, with placeholders filled from the settings: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`,
    }),
    stored: Type.Boolean({ description: 'False while the page is the text a new publication starts from.' }),
    url: Type.String({ description: 'The page, relative to the site.' }),
    grievance_officer: Type.Optional(Type.Union([OfficerJson, Type.Null()], { description: 'The grievance page only.' })),
  },
  { additionalProperties: false },
);
const PageBody = Type.Object(
  {
    title: Type.Optional(text(100)),
    body: Type.Optional(text(20_000)),
    grievance_officer: Type.Optional(Type.Object(optional(officerFields), { additionalProperties: false })),
  },
  { additionalProperties: false },
);

function settingsJson(site: SiteSettings, supplier: SupplierDetails): SettingsValue {
  return {
    publication_name: site.publicationName,
    tagline: site.tagline,
    language: site.language,
    time_zone: site.timeZone,
    logo_url: site.logoUrl,
    favicon_url: site.faviconUrl,
    contact_email: site.contactEmail,
    contact_phone: site.contactPhone,
    contact_address: site.contactAddress,
    social_links: site.socialLinks,
    premium_promised_daily: site.premiumPromisedDaily,
    gift_articles_monthly: site.giftArticlesMonthly,
    supplier: {
      name: supplier.name,
      address: supplier.addressLines.join('\n'),
      state: supplier.stateCode,
      gstin: supplier.gstin,
      invoice_series: supplier.invoiceSeries,
    },
  };
}

const officerJson = (officer: GrievanceOfficer): Static<typeof OfficerJson> => ({
  name: officer.name,
  designation: officer.designation,
  email: officer.email,
  phone: officer.phone,
  address: officer.address,
  response_days: officer.responseDays,
});

/** How the API names a field the site service names as its form does: `supplierGstin` → `supplier.gstin`. */
const nested = (prefix: string, fields: Record<string, string>) => {
  const names = new Map(Object.entries(fields).map(([key, form]) => [form, `${prefix}.${snake(key)}`]));
  return (field: string) => names.get(field) ?? snake(field);
};
const settingsField = nested('supplier', SUPPLIER_FIELDS);
const pageField = nested('grievance_officer', OFFICER_FIELDS);

const READ_ERRORS = ['invalid-input', 'unauthorized', 'invalid-token', 'not-found'] as const;
const WRITE_ERRORS = [...S.BODY_ERRORS, 'unauthorized', 'invalid-token', 'not-found'] as const;

export function adminSettingsApiRoutes(scope: FastifyInstance, ctx: AppContext): void {
  adminApiScope(scope);
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const business = (request: FastifyRequest) => staffActor(request, 'manageBusiness');
  const SettingsResponse = Type.Object({ settings: SettingsJson }, { additionalProperties: false });
  const SavedSettings = Type.Object(
    { settings: SettingsJson, changed: Type.Boolean({ description: 'False when the save changed nothing.' }) },
    { additionalProperties: false },
  );

  app.get(
    '/api/v1/admin/settings',
    {
      schema: {
        tags: ['admin: settings'],
        operationId: 'adminGetSettings',
        summary: 'The publication’s settings and legal identity',
        ...bearer,
        response: { 200: SettingsResponse, ...S.errorResponses(...READ_ERRORS) },
      },
    },
    async (request) => {
      const { site, supplier } = await ctx.settings.settings(business(request));
      return { settings: settingsJson(site, supplier) };
    },
  );

  app.put(
    '/api/v1/admin/settings',
    {
      schema: {
        tags: ['admin: settings'],
        operationId: 'adminSaveSettings',
        summary: 'Change the publication’s settings and legal identity; readers see them on the next request',
        description:
          'Fields left out keep their value. Each wrong field is named in `error.fields` (`supplier.gstin` for the identity’s) and nothing is saved.',
        ...bearer,
        body: SettingsBody,
        response: { 200: SavedSettings, ...S.errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request) => {
      const actor = business(request);
      const stored = await ctx.settings.settings(actor);
      const current = settingsJson(stored.site, stored.supplier);
      const { supplier: sentSupplier, ...sent } = request.body;
      const next = { ...current, ...sent };
      const supplier = { ...current.supplier, ...sentSupplier };
      const result = await ctx.settings.saveSettings(actor, {
        publicationName: next.publication_name,
        tagline: next.tagline,
        language: next.language,
        timeZone: next.time_zone,
        logoUrl: next.logo_url,
        faviconUrl: next.favicon_url,
        contactEmail: next.contact_email,
        contactPhone: next.contact_phone,
        contactAddress: next.contact_address,
        socialLinks: next.social_links.join('\n'),
        premiumPromisedDaily: String(next.premium_promised_daily),
        giftArticlesMonthly: String(next.gift_articles_monthly),
        supplierName: supplier.name,
        supplierAddress: supplier.address,
        supplierState: supplier.state,
        supplierGstin: supplier.gstin,
        invoiceSeries: supplier.invoice_series,
      });
      if (!result.ok) return invalid(result.errors, settingsField);
      const saved = await ctx.settings.settings(actor);
      return { settings: settingsJson(saved.site, saved.supplier), changed: result.changed };
    },
  );

  const pageJson = (slug: TrustPageSlug, source: { page: TrustPage; stored: boolean; site: SiteSettings }) => {
    const officer = source.site.grievanceOfficer;
    return {
      slug,
      title: source.page.title,
      body: source.page.body,
      stored: source.stored,
      url: `/${slug}`,
      ...(slug === 'grievance' ? { grievance_officer: officer && officerJson(officer) } : {}),
    };
  };
  const PageParams = Type.Object({ slug: PageSlug });
  const PageResponse = Type.Object({ page: PageJson }, { additionalProperties: false });
  const SavedPage = Type.Object({ page: PageJson, changed: Type.Boolean() }, { additionalProperties: false });

  app.get(
    '/api/v1/admin/pages/:slug',
    {
      schema: {
        tags: ['admin: settings'],
        operationId: 'adminGetTrustPage',
        summary: 'A trust page (About, Contact, Terms, Privacy, Refunds, Grievance redressal) as written, placeholders unfilled',
        ...bearer,
        params: PageParams,
        response: { 200: PageResponse, ...S.errorResponses(...READ_ERRORS) },
      },
    },
    async (request) => {
      const slug = request.params.slug;
      return { page: pageJson(slug, await ctx.settings.pageSource(business(request), slug)) };
    },
  );

  app.put(
    '/api/v1/admin/pages/:slug',
    {
      schema: {
        tags: ['admin: settings'],
        operationId: 'adminSaveTrustPage',
        summary: 'Change a trust page; readers see it on the next request',
        description:
          'Fields left out keep their value. An unknown placeholder is refused, naming it; the grievance page must show its officer, whose details are required.',
        ...bearer,
        params: PageParams,
        body: PageBody,
        response: { 200: SavedPage, ...S.errorResponses(...WRITE_ERRORS) },
      },
    },
    async (request) => {
      const actor = business(request);
      const slug = request.params.slug;
      const { title, body, grievance_officer: sentOfficer } = request.body;
      if (sentOfficer && slug !== 'grievance') invalid({ grievance_officer: 'Only the grievance page names an officer.' });
      const current = pageJson(slug, await ctx.settings.pageSource(actor, slug));
      const officer = { ...current.grievance_officer, ...sentOfficer };
      const result = await ctx.settings.savePage(actor, slug, {
        title: title ?? current.title,
        body: body ?? current.body,
        ...(slug === 'grievance'
          ? {
              officerName: officer.name ?? '',
              officerDesignation: officer.designation ?? '',
              officerEmail: officer.email ?? '',
              officerPhone: officer.phone ?? '',
              officerAddress: officer.address ?? '',
              officerResponseDays: officer.response_days === undefined ? '' : String(officer.response_days),
            }
          : {}),
      });
      if (!result.ok) return invalid(result.errors, pageField);
      return { page: pageJson(slug, await ctx.settings.pageSource(actor, slug)), changed: result.changed };
    },
  );
}
