import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { AppContext } from '../../context.js';
import type { UploadRecord } from '../../domain/partners/code-queries.js';
import type { PartnerFields, ProvisioningKind } from '../../domain/partners/model.js';
import { actorOf } from '../../domain/policies/policies.js';
import { sendPage } from '../accounts/flow.js';
import { ERROR_STATUS, HttpProblem } from '../http/errors.js';
import { declaredRoutes, emptyForm, form, id, keyword, readForm, text, useForms, type FormRead, type FormState } from '../http/forms.js';
import { acceptImageUploads, uploadedFile } from '../http/uploads.js';
import { pageChrome } from '../pages/chrome.js';
import { allowedTo } from './admin-layout.js';
import { partnerPage, partnersPage, UPLOAD_SCRIPT, UPLOAD_SCRIPT_PATH, uploadPage } from './partner-views.js';
import { contentSecurityPolicy } from '../http/security-headers.js';

const NOTICES = { created: 'The partner is added.', saved: 'Saved.' } as const;
const Query = form({ notice: keyword(Object.keys(NOTICES)) });
const PartnerParams = form({ id: id({ invalid: 'There is no such partner.' }) });
const UploadParams = form({ id: id({ invalid: 'There is no such partner.' }), upload: id({ invalid: 'There is no such upload.' }) });
const PartnerForm = form({
  name: text({ maxLength: 200, normalise: ['trim'], messages: { maxLength: 'Use at most 80 characters.' } }),
  includes: text({ maxLength: 1000, normalise: ['trim'], messages: { maxLength: 'Use at most 500 characters.' } }),
  activationUrl: text({ maxLength: 1000, normalise: ['trim'], messages: { maxLength: 'Use at most 500 characters.' } }),
  terms: text({ maxLength: 10_000, normalise: ['trim'], messages: { maxLength: 'Use at most 5000 characters.' } }),
  lowStockThreshold: text({ maxLength: 20, normalise: ['trim'], messages: { maxLength: 'A whole number from 0 to 1,000,000.' } }),
  provisioning: text({ maxLength: 20 }),
});
const NewPartnerForm = form({ ...PartnerForm.properties, entitlement: text({ maxLength: 60, normalise: ['trim', 'lower'] }) });
const UploadForm = form({});

/** A file of codes: 100,000 codes of up to 200 characters fit. */
const CODES_FILE_BYTES = 24 * 1024 * 1024;
const mayManageBusiness = allowedTo('manageBusiness');

const fieldsOf = (values: Static<typeof PartnerForm>): PartnerFields => ({
  name: values.name,
  includes: values.includes,
  activationUrl: values.activationUrl,
  terms: values.terms,
  // Not a whole number: NaN, which the partner's checks refuse beside the field, with the other fields' problems.
  lowStockThreshold: /^\d{1,7}$/.test(values.lowStockThreshold) ? Number(values.lowStockThreshold) : Number.NaN,
  provisioning: values.provisioning as ProvisioningKind,
});

const typed = (read: FormRead<Record<string, string>>, errors: Record<string, string> = {}): FormState => ({
  values: read.ok ? read.values : read.form.values,
  errors: { ...(read.ok ? {} : read.form.errors), ...errors },
});

/**
 * Partner bundles (policy `manageBusiness`): /admin/partners lists partners with their stock and adds one;
 * /admin/partners/:id edits it, takes files of codes (multipart, with a progress bar when script runs), shows
 * upload records and streams the partner report.
 */
export async function adminPartnerRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);
  const service = ctx.partners.service;
  const tz = () => ctx.policy.timeZone;

  async function showList(request: FastifyRequest, reply: FastifyReply, status: number, extra: { notice?: string; form?: FormState }) {
    const partners = await service.list(actor(request));
    const page = partnersPage(await pageChrome(ctx, request), {
      partners,
      form: extra.form ?? emptyForm({ lowStockThreshold: '100', provisioning: 'code-pool', activationUrl: 'https://' }),
      kinds: service.kinds(),
      csrf: reply.generateCsrf(),
      timeZone: tz(),
      notice: extra.notice,
    });
    return sendPage(reply, status, page);
  }

  async function showPartner(
    request: FastifyRequest,
    reply: FastifyReply,
    partnerId: number,
    status: number,
    extra: { notice?: string | undefined; form?: FormState; rejected?: UploadRecord; uploadError?: string },
  ) {
    const found = await service.page(actor(request), partnerId);
    if (!found) throw new HttpProblem('not-found', 'There is no such partner.');
    const { partner } = found;
    const form =
      extra.form ??
      emptyForm({
        name: partner.name,
        includes: partner.includes,
        activationUrl: partner.activationUrl,
        terms: partner.terms,
        lowStockThreshold: String(partner.lowStockThreshold),
        provisioning: partner.provisioning,
      });
    const page = partnerPage(await pageChrome(ctx, request), {
      ...found,
      form,
      kinds: service.kinds(),
      csrf: reply.generateCsrf(),
      timeZone: tz(),
      notice: extra.notice,
      rejected: extra.rejected,
      uploadError: extra.uploadError,
    });
    reply.header('content-security-policy', contentSecurityPolicy({ 'script-src': "'self'" }));
    return sendPage(reply, status, page);
  }

  const partnerIdOf = (request: FastifyRequest) => {
    const params = readForm(request, PartnerParams, 'params');
    if (!params.ok) throw new HttpProblem('not-found', 'There is no such partner.');
    return params.values.id;
  };
  const noticeOf = (request: FastifyRequest) => {
    const query = readForm(request, Query, 'query');
    return query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
  };

  await parent.register(async (scope) => {
    await acceptImageUploads(scope, 4, CODES_FILE_BYTES);
    await scope.register(
      declaredRoutes((app) => {
        useForms(app);
        const guard = { attachValidation: true, onRequest: mayManageBusiness };

        app.get('/admin/partners', { schema: { querystring: Query }, ...guard }, async (request, reply) => {
          const shown = noticeOf(request);
          return showList(request, reply, 200, shown ? { notice: shown } : {});
        });

        app.post('/admin/partners', { schema: { body: NewPartnerForm }, ...guard }, async (request, reply) => {
          const read = readForm(request, NewPartnerForm);
          if (!read.ok) return showList(request, reply, 400, { form: typed(read) });
          const done = await service.create(actor(request), fieldsOf(read.values), read.values.entitlement);
          if (!done.ok) return showList(request, reply, 400, { form: typed(read, done.errors) });
          await ctx.refresh();
          return reply.redirect(`/admin/partners/${done.id}?notice=created`, 303);
        });

        app.get('/admin/partners/:id', { schema: { params: PartnerParams, querystring: Query }, ...guard }, async (request, reply) =>
          showPartner(request, reply, partnerIdOf(request), 200, { notice: noticeOf(request) }),
        );

        app.post('/admin/partners/:id', { schema: { params: PartnerParams, body: PartnerForm }, ...guard }, async (request, reply) => {
          const partnerId = partnerIdOf(request);
          const read = readForm(request, PartnerForm);
          if (!read.ok) return showPartner(request, reply, partnerId, 400, { form: typed(read) });
          const done = await service.edit(actor(request), partnerId, fieldsOf(read.values));
          if (!done) throw new HttpProblem('not-found', 'There is no such partner.');
          if (!done.ok) return showPartner(request, reply, partnerId, 400, { form: typed(read, done.errors) });
          await ctx.refresh();
          return reply.redirect(`/admin/partners/${partnerId}?notice=saved`, 303);
        });

        app.post('/admin/partners/:id/codes', { schema: { params: PartnerParams, body: UploadForm }, ...guard }, async (request, reply) => {
          const partnerId = partnerIdOf(request);
          const file = uploadedFile(request.body);
          if (!file || file.truncated) {
            const problem = file?.truncated ? 'The file is larger than 24 MB: split it.' : 'Choose a file of codes (CSV) to upload.';
            const status = file?.truncated ? ERROR_STATUS['payload-too-large'] : ERROR_STATUS['invalid-input'];
            return showPartner(request, reply, partnerId, status, { uploadError: problem });
          }
          const result = await service.upload(actor(request), partnerId, { name: file.name ?? '', bytes: file.bytes });
          if (!result) throw new HttpProblem('not-found', 'There is no such partner.');
          if (!result.ok) return showPartner(request, reply, partnerId, 400, { rejected: result.upload });
          await ctx.refresh();
          return reply.redirect(`/admin/partners/${partnerId}/uploads/${result.upload.id}`, 303);
        });

        app.get(
          '/admin/partners/:id/uploads/:upload',
          { schema: { params: UploadParams, querystring: form({}) }, ...guard },
          async (request, reply) => {
            const params = readForm(request, UploadParams, 'params');
            if (!params.ok) throw new HttpProblem('not-found', 'There is no such upload.');
            const found = await service.page(actor(request), params.values.id);
            const upload = found ? await service.uploadRecord(actor(request), params.values.id, params.values.upload) : null;
            if (!found || !upload) throw new HttpProblem('not-found', 'There is no such upload.');
            return sendPage(reply, 200, uploadPage(await pageChrome(ctx, request), { partner: found.partner, upload, timeZone: tz() }));
          },
        );

        app.get(
          '/admin/partners/:id/report.csv',
          { schema: { params: PartnerParams, querystring: form({}) }, ...guard },
          async (request, reply) => {
            const report = await service.report(actor(request), partnerIdOf(request));
            if (!report) throw new HttpProblem('not-found', 'There is no such partner.');
            const name = `partner-${report.partner.id}-codes-${new Date(ctx.now()).toISOString().slice(0, 10)}.csv`;
            reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`);
            return reply.send(Readable.from(report.lines));
          },
        );

        app.get(UPLOAD_SCRIPT_PATH, { schema: { querystring: form({}) }, onRequest: mayManageBusiness }, async (_request, reply) => {
          reply.type('text/javascript; charset=utf-8').header('cache-control', 'private, max-age=300');
          return UPLOAD_SCRIPT;
        });
      }),
    );
  });
}
