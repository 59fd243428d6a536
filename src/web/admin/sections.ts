import { allowedTo } from './admin-layout.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { AppContext } from '../../context.js';
import type { Section } from '../../domain/content/model.js';
import type { SectionSaveResult } from '../../domain/sections/service.js';
import { sectionSlugFrom, type SectionFields } from '../../domain/sections/rules.js';
import { actorOf } from '../../domain/policies/policies.js';
import { sendPage } from '../accounts/flow.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, keyword, readForm, text, useForms, type FormRead, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { sectionEditPage, sectionListPage } from './sections-views.js';

const NOTICES = {
  created: 'The section is created.',
  saved: 'Saved.',
  moved: 'The order is saved.',
  deleted: 'The section is deleted.',
} as const;
const ListQuery = form({ notice: keyword(Object.keys(NOTICES)) });
const NoQuery = form({});
const SectionParams = form({
  slug: text({ maxLength: 60, pattern: '^[a-z0-9][a-z0-9-]{0,59}$', messages: { invalid: 'There is no such section.' } }),
});
const MoveForm = form({ direction: keyword(['up', 'down']) });
const NoForm = form({});

const tooLong = (max: number) => ({ maxLength: `Use at most ${max} characters.` });
export const SectionForm = form({
  name: text({ minLength: 1, maxLength: 60, normalise: ['trim'], messages: { minLength: 'Name the section.', ...tooLong(60) } }),
  slug: text({
    maxLength: 60,
    normalise: ['trim', 'lower'],
    pattern: '^$|^[a-z0-9][a-z0-9-]{0,59}$',
    messages: { ...tooLong(60), pattern: 'Use lower-case letters, digits and hyphens (at most 60), starting with a letter or digit.' },
  }),
  description: text({ maxLength: 500, normalise: ['trim'], messages: tooLong(500) }),
  premiumEntitlement: text({
    maxLength: 40,
    normalise: ['trim'],
    pattern: '^$|^[a-z0-9-]{1,40}$',
    messages: { ...tooLong(40), pattern: 'Use lower-case letters, digits and hyphens (at most 40), such as premium.' },
  }),
});

/** Editors and admins (policy `editContent`); to the rest of the staff these pages do not exist. */
const mayEditContent = allowedTo('editContent');

const formOf = (s: Section): FormState => ({
  values: { name: s.name, slug: s.slug, description: s.description, premiumEntitlement: s.premiumEntitlement },
  errors: {},
});

function fieldsOf(values: Static<typeof SectionForm>): SectionFields {
  return {
    name: values.name,
    slug: values.slug || sectionSlugFrom(values.name),
    description: values.description,
    premiumEntitlement: values.premiumEntitlement || 'premium',
  };
}

/** The form as typed (nothing lost on a failed save), with the messages of the schema and of the service. */
function typed(read: FormRead<Static<typeof SectionForm>>, errors: Record<string, string> = {}): FormState {
  const values = read.ok ? { ...read.values } : read.form.values;
  return { values, errors: { ...(read.ok ? {} : read.form.errors), ...errors } };
}

/** Sections in the newsroom: list in order, create, edit (a slug change leaves a 301), move, delete an empty one. */
export async function adminSectionRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

  async function showList(request: FastifyRequest, reply: FastifyReply, status: number, extra: { notice?: string; error?: string }) {
    const page = sectionListPage(await pageChrome(ctx, request), {
      sections: await ctx.sections.list(actor(request)),
      csrf: reply.generateCsrf(),
      ...extra,
    });
    return sendPage(reply, status, page);
  }

  async function showForm(request: FastifyRequest, reply: FastifyReply, status: number, section: Section | null, state: FormState) {
    return sendPage(reply, status, sectionEditPage(await pageChrome(ctx, request), { section, form: state, csrf: reply.generateCsrf() }));
  }

  async function loadSection(request: FastifyRequest): Promise<Section> {
    const params = readForm(request, SectionParams, 'params');
    const section = params.ok ? await ctx.sections.section(actor(request), params.values.slug) : null;
    if (!section) throw new HttpProblem('not-found', 'There is no such section.');
    return section;
  }

  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    section: Section | null,
    read: FormRead<Static<typeof SectionForm>>,
    result: SectionSaveResult | null,
  ) {
    if (!result) throw new HttpProblem('not-found', 'There is no such section.');
    if (result.ok) return reply.redirect(`/admin/sections?notice=${section ? 'saved' : 'created'}`, 303);
    return showForm(request, reply, 400, section, typed(read, result.errors));
  }

  await parent.register(
    declaredRoutes((app) => {
      useForms(app);
      const guard = { attachValidation: true, onRequest: mayEditContent };

      app.get('/admin/sections', { schema: { querystring: ListQuery }, ...guard }, async (request, reply) => {
        const query = readForm(request, ListQuery, 'query');
        const notice = query.ok && query.values.notice ? NOTICES[query.values.notice as keyof typeof NOTICES] : undefined;
        return showList(request, reply, 200, notice ? { notice } : {});
      });

      app.get('/admin/sections/new', { schema: { querystring: NoQuery }, onRequest: mayEditContent }, async (request, reply) =>
        showForm(request, reply, 200, null, { values: { premiumEntitlement: 'premium' }, errors: {} }),
      );

      app.post('/admin/sections/new', { schema: { body: SectionForm }, ...guard }, async (request, reply) => {
        const read = readForm(request, SectionForm);
        if (!read.ok) return showForm(request, reply, 400, null, typed(read));
        return answer(request, reply, null, read, await ctx.sections.create(actor(request), fieldsOf(read.values)));
      });

      app.get(
        '/admin/sections/:slug/edit',
        { schema: { params: SectionParams, querystring: NoQuery }, ...guard },
        async (request, reply) => {
          const section = await loadSection(request);
          return showForm(request, reply, 200, section, formOf(section));
        },
      );

      app.post('/admin/sections/:slug/edit', { schema: { params: SectionParams, body: SectionForm }, ...guard }, async (request, reply) => {
        const section = await loadSection(request);
        const read = readForm(request, SectionForm);
        if (!read.ok) return showForm(request, reply, 400, section, typed(read));
        return answer(request, reply, section, read, await ctx.sections.update(actor(request), section.slug, fieldsOf(read.values)));
      });

      app.post('/admin/sections/:slug/move', { schema: { params: SectionParams, body: MoveForm }, ...guard }, async (request, reply) => {
        const section = await loadSection(request);
        const read = readForm(request, MoveForm);
        const direction = read.ok ? read.values.direction : '';
        if (direction === '') return showList(request, reply, 400, { error: 'Choose up or down.' });
        const moved = await ctx.sections.move(actor(request), section.slug, direction === 'up' ? -1 : 1);
        if (!moved) throw new HttpProblem('not-found', 'There is no such section.');
        return reply.redirect('/admin/sections?notice=moved', 303);
      });

      app.post('/admin/sections/:slug/delete', { schema: { params: SectionParams, body: NoForm }, ...guard }, async (request, reply) => {
        const section = await loadSection(request);
        const result = await ctx.sections.remove(actor(request), section.slug);
        if (!result) throw new HttpProblem('not-found', 'There is no such section.');
        if (!result.ok) return showList(request, reply, 409, { error: `${section.name}: ${result.message}` });
        return reply.redirect('/admin/sections?notice=deleted', 303);
      });
    }),
  );
}
