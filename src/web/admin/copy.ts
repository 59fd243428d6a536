import { allowedTo } from './admin-layout.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CopyKey } from '../../domain/copy/catalog.js';
import { isCopyKey, previewTemplate } from '../../domain/copy/templates.js';
import { actorOf } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { sendPage } from '../accounts/flow.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { contentSecurityPolicy } from '../http/security-headers.js';
import { pageChrome } from '../pages/chrome.js';
import { copyEditPage, copyListPage, PREVIEW_SCRIPT } from './copy-views.js';
import { previewValues } from './preview-values.js';

const TEMPLATE = text({
  minLength: 1,
  maxLength: 2000,
  normalise: ['trim'],
  messages: { minLength: 'Write the message: it cannot be empty.', maxLength: 'A message has at most 2,000 characters.' },
});
const KeyParams = form({ key: text({ maxLength: 80, pattern: '^[a-z_.]{1,80}$', messages: { invalid: 'There is no such message.' } }) });
const EditForm = form({ text: TEMPLATE, action: keyword(['save', 'preview']) });
const PreviewQuery = form({ text: TEMPLATE });
const ListQuery = form({ notice: keyword(['reset']) });
const EditQuery = form({ notice: keyword(['saved', 'reset']) });
const NoQuery = form({});
const NOTICES = { saved: 'Saved: readers see the new text now.', reset: 'Back to the default text.' } as const;

/** The editor page allows one script: the live preview, from our own origin. */
const EDITOR_CSP = contentSecurityPolicy({ 'script-src': "'self'" });

const mayManageBusiness = allowedTo('manageBusiness');

function keyOf(request: FastifyRequest): CopyKey {
  const read = readForm(request, KeyParams, 'params');
  if (!read.ok || !isCopyKey(read.values.key)) throw new HttpProblem('not-found', 'There is no such message.');
  return read.values.key;
}

/**
 * Copy templates (policy `manageBusiness`): the list, one message's editor with a preview filled with today's
 * figures (as you type, and with a Preview button without JavaScript), save and reset. A saved template is in
 * force at once on every instance.
 */
export async function adminCopyRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  async function showEditor(request: FastifyRequest, reply: FastifyReply, status: number, key: CopyKey, form: FormState, notice?: string) {
    const actor = actorOf(request.auth?.user);
    const template = await ctx.business.service.findCopyTemplate(actor, key);
    const typed = form.values.text ?? template.text;
    const outcome = form.errors.text ? null : previewTemplate(actor, key, typed, await previewValues(ctx));
    const errors = outcome && !outcome.ok ? { ...form.errors, text: outcome.problem.message } : form.errors;
    const page = copyEditPage(await pageChrome(ctx, request), {
      template,
      form: { ...form, values: { text: typed }, errors },
      csrf: reply.generateCsrf(),
      preview: outcome?.ok ? outcome.text : null,
      timeZone: ctx.policy.timeZone,
      notice,
    });
    reply.header('content-security-policy', EDITOR_CSP);
    return sendPage(reply, status, page);
  }

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();
      const guard = { attachValidation: true, onRequest: mayManageBusiness };

      app.get('/admin/copy', { schema: { querystring: ListQuery }, ...guard }, async (request, reply) => {
        const templates = await ctx.business.service.listCopyTemplates(actorOf(request.auth?.user));
        const query = readForm(request, ListQuery, 'query');
        const notice = query.ok && query.values.notice === 'reset' ? NOTICES.reset : undefined;
        return sendPage(reply, 200, copyListPage(await pageChrome(ctx, request), { templates, notice }));
      });

      app.get('/admin/copy/preview.js', { schema: { querystring: NoQuery }, ...guard }, async (_request, reply) =>
        reply.type('text/javascript; charset=utf-8').send(PREVIEW_SCRIPT),
      );

      app.get('/admin/copy/:key', { schema: { params: KeyParams, querystring: EditQuery }, ...guard }, async (request, reply) => {
        const key = keyOf(request);
        const query = readForm(request, EditQuery, 'query');
        const notice =
          query.ok && (query.values.notice === 'saved' || query.values.notice === 'reset') ? NOTICES[query.values.notice] : undefined;
        return showEditor(request, reply, 200, key, { values: {}, errors: {} }, notice);
      });

      /** The live preview's answer: the template filled with today's figures, or the problem, as JSON. */
      app.get(
        '/admin/copy/:key/preview',
        { schema: { params: KeyParams, querystring: PreviewQuery }, ...guard },
        async (request, reply) => {
          const key = keyOf(request);
          const read = readForm(request, PreviewQuery, 'query');
          if (!read.ok) return reply.code(400).send({ ok: false, message: read.messages[0] });
          const outcome = previewTemplate(actorOf(request.auth?.user), key, read.values.text, await previewValues(ctx));
          return outcome.ok ? { ok: true, text: outcome.text } : reply.code(400).send({ ok: false, message: outcome.problem.message });
        },
      );

      app.post('/admin/copy/:key', { schema: { params: KeyParams, body: EditForm }, ...guard }, async (request, reply) => {
        const key = keyOf(request);
        const read = readForm(request, EditForm);
        if (!read.ok) return showEditor(request, reply, 400, key, read.form);
        const typed = { values: { text: read.values.text }, errors: {} };
        if (read.values.action !== 'save') return showEditor(request, reply, 200, key, typed);
        const actor = actorOf(request.auth?.user);
        const saved = await ctx.business.service.saveCopyTemplate(actor, { key, text: read.values.text, now: ctx.now() });
        if (!saved.ok) return showEditor(request, reply, 400, key, { values: typed.values, errors: { text: saved.problem.message } });
        await ctx.refresh();
        return reply.redirect(`/admin/copy/${key}?notice=saved`, 303);
      });

      app.post('/admin/copy/:key/reset', { schema: { params: KeyParams, body: NoQuery }, ...guard }, async (request, reply) => {
        const key = keyOf(request);
        const actor = actorOf(request.auth?.user);
        await ctx.business.service.resetCopyTemplate(actor, key, ctx.now());
        await ctx.refresh();
        return reply.redirect(`/admin/copy/${key}?notice=reset`, 303);
      });
    }),
  );
}
