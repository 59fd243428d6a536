import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AppContext } from '../../context.js';
import { keepableValues } from '../../domain/content/autosave.js';
import { CORRECTION_MAX } from '../../domain/content/model.js';
import type { NewsroomArticle } from '../../domain/content/newsroom.js';
import { actorOf } from '../../domain/policies/policies.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, id, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { AUTOSAVE_SCRIPT } from './autosave-script.js';
import { formOf } from './article-form.js';
import { AUTOSAVE_SCRIPT_PATH } from './article-news-views.js';

type ShowEditor = (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  input: {
    article: NewsroomArticle | null;
    form: FormState;
    correctionForm?: FormState | undefined;
    failedCorrection?: { id: number; form: FormState } | undefined;
  },
) => Promise<unknown>;

const CorrectionForm = form({
  kind: keyword(['correction', 'clarification']),
  text: text({
    minLength: 1,
    maxLength: CORRECTION_MAX,
    normalise: ['trim'],
    messages: { minLength: 'Write what was wrong and what is right.', maxLength: `Use at most ${CORRECTION_MAX} characters.` },
  }),
});
const ArticleParams = form({ id: id({ invalid: 'There is no such article.' }) });
const CorrectionParams = form({
  id: id({ invalid: 'There is no such article.' }),
  correction: id({ invalid: 'There is no such correction.' }),
});
/** The autosave's article (empty for a new one); the form's other fields pass through to be kept as typed. */
const AutosaveForm = form({
  article: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$', messages: { invalid: 'There is no such article.' } }),
});
const AutosaveQuery = form({
  article: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$', messages: { invalid: 'There is no such article.' } }),
});

/** The editor's script and the autosave form can be as large as the article form. */
const FORM_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * The editor's news routes: corrections appended and edited, the autosave endpoint (JSON for the editor's
 * script) and the script itself. Registered by adminArticleRoutes; every route checks `editContent` first.
 */
export async function adminNewsRoutes(
  parent: FastifyInstance,
  ctx: AppContext,
  deps: {
    showEditor: ShowEditor;
    loadArticle: (request: FastifyRequest) => Promise<NewsroomArticle>;
    mayEditContent: onRequestHookHandler;
  },
): Promise<void> {
  const { mayEditContent } = deps;
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);
  const articleFrom = (value: string) => (value === '' ? null : Number(value));

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();

      app.post(
        '/admin/articles/:id/corrections',
        { schema: { params: ArticleParams, body: CorrectionForm }, attachValidation: true, onRequest: mayEditContent },
        async (request, reply) => {
          const article = await deps.loadArticle(request);
          const read = readForm(request, CorrectionForm);
          const typed = read.ok ? { values: read.values, errors: {} } : read.form;
          const result = read.ok
            ? await ctx.newsroom.corrections.append(actor(request), article.id, {
                kind: read.values.kind || 'correction',
                text: read.values.text,
              })
            : null;
          if (result?.ok) return reply.redirect(`/admin/articles/${article.id}/edit?notice=corrected#corrections`, 303);
          if (result && 'notFound' in result) throw new HttpProblem('not-found', 'There is no such article.');
          const errors = result && 'errors' in result ? result.errors : typed.errors;
          return deps.showEditor(request, reply, 400, {
            article,
            form: formOfArticle(article),
            correctionForm: { values: typed.values, errors },
          });
        },
      );

      app.post(
        '/admin/articles/:id/corrections/:correction',
        { schema: { params: CorrectionParams, body: CorrectionForm }, attachValidation: true, onRequest: mayEditContent },
        async (request, reply) => {
          const article = await deps.loadArticle(request);
          const params = readForm(request, CorrectionParams, 'params');
          if (!params.ok) throw new HttpProblem('not-found', 'There is no such correction.');
          const read = readForm(request, CorrectionForm);
          const typed = read.ok ? { values: read.values, errors: {} } : read.form;
          const result = read.ok
            ? await ctx.newsroom.corrections.edit(actor(request), article.id, params.values.correction, {
                kind: read.values.kind || 'correction',
                text: read.values.text,
              })
            : null;
          if (result?.ok) return reply.redirect(`/admin/articles/${article.id}/edit?notice=corrected#corrections`, 303);
          if (result && 'notFound' in result) throw new HttpProblem('not-found', 'There is no such correction.');
          const errors = result && 'errors' in result ? result.errors : typed.errors;
          return deps.showEditor(request, reply, 400, {
            article,
            form: formOfArticle(article),
            failedCorrection: { id: params.values.correction, form: { values: typed.values, errors } },
          });
        },
      );

      // Answers JSON: the editor's script reads it (and says so when a save fails; the text stays in the page).
      app.post(
        '/admin/articles/autosave',
        { schema: { body: AutosaveForm }, attachValidation: true, bodyLimit: FORM_BODY_LIMIT, onRequest: mayEditContent },
        async (request, reply) => {
          const read = readForm(request, AutosaveForm);
          const values = keepableValues(request.body);
          if (!read.ok || !values) return reply.code(400).send({ error: { code: 'invalid-input', message: 'This form cannot be kept.' } });
          const savedAt = await ctx.newsroom.autosaves.save(actor(request), articleFrom(read.values.article), values);
          if (!savedAt) return reply.code(404).send({ error: { code: 'not-found', message: 'There is no such article.' } });
          reply.header('cache-control', 'no-store');
          return { saved_at: savedAt.toISOString() };
        },
      );

      app.post(
        '/admin/articles/autosave/discard',
        { schema: { querystring: AutosaveQuery, body: form({}) }, onRequest: mayEditContent },
        async (request, reply) => {
          const article = articleFrom(request.query.article);
          await ctx.newsroom.autosaves.discard(actor(request), article);
          return reply.redirect(`${article === null ? '/admin/articles/new' : `/admin/articles/${article}/edit`}?notice=discarded`, 303);
        },
      );

      app.get(AUTOSAVE_SCRIPT_PATH, { schema: { querystring: form({}) }, onRequest: mayEditContent }, async (_request, reply) => {
        reply.type('text/javascript; charset=utf-8').header('cache-control', 'private, max-age=300');
        return AUTOSAVE_SCRIPT;
      });
    }),
  );

  const formOfArticle = (article: NewsroomArticle): FormState => formOf(article, article, ctx.policy.timeZone);
}
