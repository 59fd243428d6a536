import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../domain/policies/policies.js';
import type { Agency } from '../../domain/wire/model.js';
import { sendPage } from '../accounts/flow.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, id, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { allowedTo } from './admin-layout.js';
import { agencyPage, formOfAgency, wireDeskPage } from './wire-views.js';

const PAGE_SIZE = 50;
const NOTICES = {
  published: 'Published: readers see it now.',
  scheduled: 'Scheduled for the end of its embargo.',
  saved: 'The agency is saved.',
  polled: 'Polled: see its last-poll status below.',
} as const;

const tooLong = (max: number) => ({ maxLength: `Use at most ${max.toLocaleString('en-IN')} characters.` });
const DeskQuery = form({
  agency: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$', messages: { invalid: 'There is no such agency.' } }),
  status: keyword(['waiting', 'published', 'killed']),
  before: text({ maxLength: 30, pattern: '^$|^\\d{1,15}\\.[1-9]\\d{0,9}$', messages: { invalid: 'That is not a place in the list.' } }),
  notice: keyword(Object.keys(NOTICES)),
});
const AgencyForm = form({
  code: text({ maxLength: 16, normalise: ['trim'], messages: tooLong(16) }),
  name: text({ maxLength: 100, normalise: ['trim'], messages: tooLong(100) }),
  format: keyword(['ninjs', 'newsml', 'rss']),
  endpoint: text({ maxLength: 2000, normalise: ['trim'], messages: tooLong(2000) }),
  pollMinutes: text({ maxLength: 4, normalise: ['trim'], messages: { maxLength: 'Whole minutes from 1 to 1440.' } }),
  staleMinutes: text({ maxLength: 6, normalise: ['trim'], messages: { maxLength: 'Whole minutes from 5 to 100000.' } }),
  defaultSection: text({ maxLength: 100, normalise: ['trim'], messages: tooLong(100) }),
  sectionMap: text({ maxLength: 20_000, messages: tooLong(20_000) }),
  visibility: keyword(['free', 'metered', 'premium']),
  autoPublish: keyword(['yes']),
  enabled: keyword(['yes']),
});
const Params = form({ id: id({ invalid: 'There is no such item.' }) });
const NoFields = form({});

/** Editors and admins (policy `editContent`). */
const mayEdit = allowedTo('editContent');

/** /admin/wire: the wire desk, agencies' settings, one-click publish. Registered by adminRoutes. */
export async function adminWireRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

  async function showAgency(request: FastifyRequest, reply: FastifyReply, status: number, agency: Agency | null, state: FormState) {
    const page = agencyPage(await pageChrome(ctx, request), {
      agency,
      form: state,
      sections: await ctx.content.sections(),
      csrf: reply.generateCsrf(),
    });
    return sendPage(reply, status, page);
  }

  async function loadAgency(request: FastifyRequest, agencyId: number): Promise<Agency> {
    const agency = await ctx.wire.agency(actor(request), agencyId);
    if (!agency) throw new HttpProblem('not-found', 'There is no such agency.');
    return agency;
  }

  async function saveAgency(request: FastifyRequest, reply: FastifyReply, agency: Agency | null) {
    const read = readForm(request, AgencyForm);
    if (!read.ok) return showAgency(request, reply, 400, agency, read.form);
    const v = read.values;
    const saved = await ctx.wire.saveAgency(actor(request), agency?.id ?? null, {
      ...v,
      code: agency?.code ?? v.code,
      autoPublish: v.autoPublish === 'yes',
      enabled: v.enabled === 'yes',
    });
    if (!saved.ok)
      return showAgency(request, reply, 400, agency, {
        values: v,
        errors: saved.errors,
        message: 'The agency is not saved: see the problems below.',
      });
    return reply.redirect('/admin/wire?notice=saved', 303);
  }

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();

      app.get('/admin/wire', { schema: { querystring: DeskQuery }, attachValidation: true, onRequest: mayEdit }, async (request, reply) => {
        const read = readForm(request, DeskQuery, 'query');
        if (!read.ok) throw new HttpProblem('invalid-input', read.messages[0] ?? 'Check the filters.');
        const { agency, status, before, notice } = read.values;
        const [ms, lastId] = before ? before.split('.').map(Number) : [];
        const filters = {
          agencyId: agency ? Number(agency) : undefined,
          status: (status || undefined) as 'waiting' | 'published' | 'killed' | undefined,
          before: ms !== undefined && lastId !== undefined ? { updatedAt: new Date(ms), id: lastId } : undefined,
          limit: PAGE_SIZE + 1,
        };
        const [agencies, found, problems] = await Promise.all([
          ctx.wire.agencies(actor(request)),
          ctx.wire.items(actor(request), filters),
          ctx.wire.problems(actor(request), filters.agencyId),
        ]);
        const items = found.slice(0, PAGE_SIZE);
        const last = items.at(-1);
        const next =
          found.length > PAGE_SIZE && last
            ? new URLSearchParams({ agency, status, before: `${last.updatedAt.getTime()}.${last.id}` }).toString()
            : null;
        const page = wireDeskPage(await pageChrome(ctx, request), {
          agencies,
          items,
          problems,
          filters: { agency, status },
          next,
          csrf: reply.generateCsrf(),
          zone: ctx.policy.timeZone,
          now: ctx.now(),
          notice: NOTICES[notice as keyof typeof NOTICES],
        });
        return sendPage(reply, 200, page);
      });

      app.post(
        '/admin/wire/items/:id/publish',
        { schema: { params: Params, body: NoFields }, onRequest: mayEdit },
        async (request, reply) => {
          const result = await ctx.wire.publish(actor(request), request.params.id);
          if (!result.ok) throw new HttpProblem('invalid-input', result.message);
          return reply.redirect(`/admin/wire?notice=${result.scheduledFor ? 'scheduled' : 'published'}`, 303);
        },
      );

      app.get('/admin/wire/agencies/new', { schema: { querystring: NoFields }, onRequest: mayEdit }, async (request, reply) =>
        showAgency(request, reply, 200, null, {
          values: { format: 'ninjs', pollMinutes: '5', staleMinutes: '120', visibility: 'metered', enabled: 'yes' },
          errors: {},
        }),
      );
      app.post(
        '/admin/wire/agencies/new',
        { schema: { body: AgencyForm }, attachValidation: true, onRequest: mayEdit },
        async (request, reply) => saveAgency(request, reply, null),
      );
      app.get(
        '/admin/wire/agencies/:id',
        { schema: { params: Params, querystring: NoFields }, attachValidation: true, onRequest: mayEdit },
        async (request, reply) => {
          const params = readForm(request, Params, 'params');
          if (!params.ok) throw new HttpProblem('not-found', 'There is no such agency.');
          const agency = await loadAgency(request, params.values.id);
          return showAgency(request, reply, 200, agency, formOfAgency(agency));
        },
      );
      app.post(
        '/admin/wire/agencies/:id',
        { schema: { params: Params, body: AgencyForm }, attachValidation: true, onRequest: mayEdit },
        async (request, reply) => {
          const params = readForm(request, Params, 'params');
          if (!params.ok) throw new HttpProblem('not-found', 'There is no such agency.');
          return saveAgency(request, reply, await loadAgency(request, params.values.id));
        },
      );
      app.post(
        '/admin/wire/agencies/:id/poll',
        { schema: { params: Params, body: NoFields }, onRequest: mayEdit },
        async (request, reply) => {
          if (!(await ctx.wire.pollNow(actor(request), request.params.id)))
            throw new HttpProblem('not-found', 'There is no agency with a feed to poll.');
          return reply.redirect('/admin/wire?notice=polled', 303);
        },
      );
    }),
  );
}
