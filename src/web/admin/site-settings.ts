import { allowedTo } from './admin-layout.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../domain/policies/policies.js';
import type { SupplierDetails } from '../../domain/billing/invoice-model.js';
import type { SiteSettings } from '../../domain/site/settings.js';
import { isTrustPageSlug, TRUST_PAGE_SLUGS, type TrustPageSlug } from '../../domain/site/trust-pages.js';
import { sendPage } from '../accounts/flow.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, emptyForm, form, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { settingsPage, trustPageEditor, trustPagesList } from './site-settings-views.js';

/**
 * The publication's settings (/admin/settings) and trust pages (/admin/pages), for the business team and admins
 * (policy `manageBusiness`). The form helper reads sizes; the site service checks the rest and answers by field.
 */

const line = (max: number) => text({ maxLength: max, messages: { maxLength: `Use at most ${max} characters.` } });
const block = (max: number) => text({ maxLength: max, messages: { maxLength: `Use at most ${max.toLocaleString('en-IN')} characters.` } });

export const SettingsForm = form({
  publicationName: line(100),
  tagline: line(200),
  language: line(35),
  timeZone: line(60),
  logoUrl: line(500),
  faviconUrl: line(500),
  defaultImageId: line(10),
  contactEmail: line(254),
  contactPhone: line(30),
  contactAddress: block(800),
  socialLinks: block(2_500),
  premiumPromisedDaily: line(10),
  giftArticlesMonthly: line(10),
  supplierName: line(200),
  supplierAddress: block(800),
  supplierState: line(30),
  supplierGstin: line(30),
  invoiceSeries: line(10),
});

export const PageForm = form({
  title: line(100),
  body: block(20_000),
  officerName: line(100),
  officerDesignation: line(100),
  officerEmail: line(254),
  officerPhone: line(30),
  officerAddress: block(800),
  officerResponseDays: line(3),
});

const PageParams = form({
  slug: text({ maxLength: 20, pattern: `^(${TRUST_PAGE_SLUGS.join('|')})$`, messages: { invalid: 'There is no such page.' } }),
});
const NOTICES = { saved: 'Saved: readers see it now.', unchanged: 'Nothing changed.' } as const;
const NoticeQuery = form({ notice: keyword(Object.keys(NOTICES)) });
const NoQuery = form({});

const mayManageBusiness = allowedTo('manageBusiness');

/** The settings form filled with what is stored. */
function settingsValues(site: SiteSettings, supplier: SupplierDetails): Record<string, string> {
  return {
    publicationName: site.publicationName,
    tagline: site.tagline,
    language: site.language,
    timeZone: site.timeZone,
    logoUrl: site.logoUrl,
    faviconUrl: site.faviconUrl,
    defaultImageId: site.defaultImageId === null ? '' : String(site.defaultImageId),
    contactEmail: site.contactEmail,
    contactPhone: site.contactPhone,
    contactAddress: site.contactAddress,
    socialLinks: site.socialLinks.join('\n'),
    premiumPromisedDaily: String(site.premiumPromisedDaily),
    giftArticlesMonthly: String(site.giftArticlesMonthly),
    supplierName: supplier.name,
    supplierAddress: supplier.addressLines.join('\n'),
    supplierState: supplier.stateCode,
    supplierGstin: supplier.gstin,
    invoiceSeries: supplier.invoiceSeries,
  };
}

/** What was typed, cut to each field's length, for a form shown again (nothing typed is lost). */
const typedValues = (body: unknown, fields: readonly string[]): Record<string, string> => {
  const input = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  return Object.fromEntries(fields.map((name) => [name, typeof input[name] === 'string' ? input[name].slice(0, 20_000) : '']));
};

export async function adminSettingsRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

  async function showSettings(request: FastifyRequest, reply: FastifyReply, status: number, state: FormState, notice?: string) {
    const page = settingsPage(await pageChrome(ctx, request), {
      form: state,
      csrf: reply.generateCsrf(),
      notice,
      configuredTimeZone: ctx.config.timeZone,
      timeZone: ctx.policy.timeZone,
      supplierFromEnvironment: ctx.config.supplier !== null,
    });
    return sendPage(reply, status, page);
  }

  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    slug: TrustPageSlug,
    state: FormState,
    notice?: string,
  ) {
    return sendPage(
      reply,
      status,
      trustPageEditor(await pageChrome(ctx, request), { slug, form: state, csrf: reply.generateCsrf(), notice }),
    );
  }

  const slugOf = (request: FastifyRequest): TrustPageSlug => {
    const read = readForm(request, PageParams, 'params');
    if (!read.ok || !isTrustPageSlug(read.values.slug)) throw new HttpProblem('not-found', 'There is no such page.');
    return read.values.slug;
  };

  await parent.register(
    declaredRoutes((app) => {
      useForms(app);
      const settingsFields = Object.keys(SettingsForm.properties);
      const pageFields = Object.keys(PageForm.properties);

      app.get(
        '/admin/settings',
        { schema: { querystring: NoticeQuery }, attachValidation: true, onRequest: mayManageBusiness },
        async (request, reply) => {
          const query = readForm(request, NoticeQuery, 'query');
          const { site, supplier } = await ctx.settings.settings(actor(request));
          return showSettings(
            request,
            reply,
            200,
            emptyForm(settingsValues(site, supplier)),
            query.ok ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined,
          );
        },
      );

      app.post(
        '/admin/settings',
        { schema: { body: SettingsForm }, attachValidation: true, onRequest: mayManageBusiness },
        async (request, reply) => {
          const typed = typedValues(request.body, settingsFields);
          const read = readForm(request, SettingsForm);
          if (!read.ok) return showSettings(request, reply, 400, { values: typed, errors: read.form.errors });
          const saved = await ctx.settings.saveSettings(actor(request), read.values);
          if (!saved.ok) return showSettings(request, reply, 400, { values: typed, errors: saved.errors });
          return reply.redirect(`/admin/settings?notice=${saved.changed ? 'saved' : 'unchanged'}`, 303);
        },
      );

      app.get('/admin/pages', { schema: { querystring: NoQuery }, onRequest: mayManageBusiness }, async (request, reply) => {
        const stored = new Set<TrustPageSlug>();
        for (const slug of TRUST_PAGE_SLUGS) if ((await ctx.settings.pageSource(actor(request), slug)).stored) stored.add(slug);
        return sendPage(reply, 200, trustPagesList(await pageChrome(ctx, request), { stored }));
      });

      app.get(
        '/admin/pages/:slug',
        { schema: { params: PageParams, querystring: NoticeQuery }, attachValidation: true, onRequest: mayManageBusiness },
        async (request, reply) => {
          const slug = slugOf(request);
          const query = readForm(request, NoticeQuery, 'query');
          const { page, site } = await ctx.settings.pageSource(actor(request), slug);
          const officer = site.grievanceOfficer;
          const values: Record<string, string> = {
            title: page.title,
            body: page.body,
            officerName: officer?.name ?? '',
            officerDesignation: officer?.designation ?? '',
            officerEmail: officer?.email ?? '',
            officerPhone: officer?.phone ?? '',
            officerAddress: officer?.address ?? '',
            officerResponseDays: String(officer?.responseDays ?? 15),
          };
          return showPage(
            request,
            reply,
            200,
            slug,
            emptyForm(values),
            query.ok ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined,
          );
        },
      );

      app.post(
        '/admin/pages/:slug',
        { schema: { params: PageParams, body: PageForm }, attachValidation: true, onRequest: mayManageBusiness },
        async (request, reply) => {
          const slug = slugOf(request);
          const typed = typedValues(request.body, pageFields);
          const read = readForm(request, PageForm);
          if (!read.ok) return showPage(request, reply, 400, slug, { values: typed, errors: read.form.errors });
          const saved = await ctx.settings.savePage(actor(request), slug, read.values);
          if (!saved.ok) return showPage(request, reply, 400, slug, { values: typed, errors: saved.errors });
          return reply.redirect(`/admin/pages/${slug}?notice=${saved.changed ? 'saved' : 'unchanged'}`, 303);
        },
      );
    }),
  );
}
