import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { AccessGroup } from '../../domain/groups/queries.js';
import { actorOf } from '../../domain/policies/policies.js';
import { sendPage } from '../accounts/flow.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, fieldList, form, id, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { allowedTo } from './admin-layout.js';
import { formOfGroup, groupListPage, groupPage, type GroupView } from './groups-views.js';

const PAGE_SIZE = 50;
const NOTICES = {
  saved: 'Saved: readers have the group’s access from their next page.',
  ended: 'The group has ended: nobody has its access any more.',
  removed: 'The member is removed: their seat is free and their access from the group has ended.',
} as const;

const tooLong = (max: number) => ({ maxLength: `Use at most ${max.toLocaleString('en-IN')} characters.` });
const GroupForm = form({
  name: text({ maxLength: 400, normalise: ['trim'], messages: tooLong(400) }),
  ranges: text({ maxLength: 50_000, messages: tooLong(50_000) }),
  confirmLarge: keyword(['yes']),
  domains: text({ maxLength: 50_000, messages: tooLong(50_000) }),
  starts: text({ maxLength: 10, normalise: ['trim'], messages: { maxLength: 'Enter a date like 2026-12-01.' } }),
  ends: keyword(['date', 'never']),
  until: text({ maxLength: 10, normalise: ['trim'], messages: { maxLength: 'Enter a date like 2027-03-31.' } }),
  seatsKind: keyword(['limited', 'unlimited']),
  seats: text({ maxLength: 7, normalise: ['trim'], messages: { maxLength: 'A whole number of seats.' } }),
});
const Notice = keyword(Object.keys(NOTICES));
const ListQuery = form({
  before: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$', messages: { invalid: 'That is not a place in the list.' } }),
  notice: Notice,
});
const GroupQuery = form({
  after: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$', messages: { invalid: 'That is not a place in the list.' } }),
  notice: Notice,
});
const GroupParams = form({ id: id({ invalid: 'There is no such group.' }) });
const MemberParams = form({ id: id({ invalid: 'There is no such group.' }), user: id({ invalid: 'There is no such member.' }) });
const NoFields = form({});

/** The business team and admins (policy `manageBusiness`). */
const mayManage = allowedTo('manageBusiness');

/** /admin/groups: group (institutional) access, by network and by email domain. Registered by adminRoutes. */
export async function adminGroupRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);
  const view = (): GroupView => ({
    zone: ctx.policy.timeZone,
    now: ctx.now(),
    name: (key) => ctx.business.catalogue.find(key)?.name ?? key,
  });
  const givable = () => ctx.business.catalogue.entries.filter((e) => e.feature !== null && e.kind === 'access');

  async function loadGroup(request: FastifyRequest, groupId: number): Promise<AccessGroup> {
    const group = await ctx.groups.find(actor(request), groupId);
    if (!group) throw new HttpProblem('not-found', 'There is no such group.');
    return group;
  }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    data: {
      group: AccessGroup | null;
      form: FormState;
      entitlements: readonly string[];
      after?: number | undefined;
      notice?: string | undefined;
    },
  ) {
    const { group } = data;
    const found = group ? await ctx.groups.members(actor(request), group.id, { after: data.after, limit: PAGE_SIZE + 1 }) : [];
    const members = found.slice(0, PAGE_SIZE);
    const last = members.at(-1);
    const nextMembers = found.length > PAGE_SIZE && last ? new URLSearchParams({ after: String(last.userId) }).toString() : null;
    const page = groupPage(await pageChrome(ctx, request), {
      ...data,
      givable: givable(),
      members,
      nextMembers,
      csrf: reply.generateCsrf(),
      view: view(),
    });
    return sendPage(reply, status, page);
  }

  async function save(request: FastifyRequest, reply: FastifyReply, group: AccessGroup | null) {
    const entitlements = fieldList(request.body, 'entitlement');
    const read = readForm(request, GroupForm);
    if (!read.ok) return show(request, reply, 400, { group, form: read.form, entitlements });
    const v = read.values;
    const saved = await ctx.groups.save(
      actor(request),
      group?.id ?? null,
      {
        name: v.name,
        ranges: v.ranges,
        confirmLarge: v.confirmLarge === 'yes',
        domains: v.domains,
        entitlements,
        starts: v.starts,
        ends: v.ends === 'never' ? null : v.until,
        seats: v.seatsKind === 'limited' ? v.seats : null,
      },
      ctx.now(),
      ctx.policy.timeZone,
    );
    if (!saved) throw new HttpProblem('not-found', 'There is no such group.');
    if (!saved.ok) {
      const message = 'The group is not saved: see the problems below.';
      return show(request, reply, 400, { group, form: { values: v, errors: saved.errors, message }, entitlements });
    }
    await ctx.refresh();
    return reply.redirect(`/admin/groups/${saved.id}?notice=saved`, 303);
  }

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();

      app.get(
        '/admin/groups',
        { schema: { querystring: ListQuery }, attachValidation: true, onRequest: mayManage },
        async (request, reply) => {
          const read = readForm(request, ListQuery, 'query');
          if (!read.ok) throw new HttpProblem('invalid-input', read.messages[0] ?? 'That is not a place in the list.');
          const before = read.values.before ? Number(read.values.before) : undefined;
          const found = await ctx.groups.list(actor(request), { before, limit: PAGE_SIZE + 1 });
          const groups = found.slice(0, PAGE_SIZE);
          const last = groups.at(-1);
          const next = found.length > PAGE_SIZE && last ? new URLSearchParams({ before: String(last.id) }).toString() : null;
          const notice = NOTICES[read.values.notice as keyof typeof NOTICES];
          return sendPage(reply, 200, groupListPage(await pageChrome(ctx, request), { groups, next, notice, view: view() }));
        },
      );

      app.get('/admin/groups/new', { schema: { querystring: NoFields }, onRequest: mayManage }, async (request, reply) =>
        show(request, reply, 200, {
          group: null,
          form: { values: { ends: 'date', seatsKind: 'unlimited' }, errors: {} },
          entitlements: [],
        }),
      );
      app.post('/admin/groups/new', { schema: { body: GroupForm }, attachValidation: true, onRequest: mayManage }, async (request, reply) =>
        save(request, reply, null),
      );

      app.get(
        '/admin/groups/:id',
        { schema: { params: GroupParams, querystring: GroupQuery }, attachValidation: true, onRequest: mayManage },
        async (request, reply) => {
          const params = readForm(request, GroupParams, 'params');
          if (!params.ok) throw new HttpProblem('not-found', 'There is no such group.');
          const query = readForm(request, GroupQuery, 'query');
          if (!query.ok) throw new HttpProblem('invalid-input', query.messages[0] ?? 'That is not a place in the list.');
          const group = await loadGroup(request, params.values.id);
          return show(request, reply, 200, {
            group,
            form: formOfGroup(group, ctx.policy.timeZone),
            entitlements: group.entitlements,
            after: query.values.after ? Number(query.values.after) : undefined,
            notice: NOTICES[query.values.notice as keyof typeof NOTICES],
          });
        },
      );
      app.post(
        '/admin/groups/:id',
        { schema: { params: GroupParams, body: GroupForm }, attachValidation: true, onRequest: mayManage },
        async (request, reply) => {
          const params = readForm(request, GroupParams, 'params');
          if (!params.ok) throw new HttpProblem('not-found', 'There is no such group.');
          return save(request, reply, await loadGroup(request, params.values.id));
        },
      );

      app.post(
        '/admin/groups/:id/end',
        { schema: { params: GroupParams, body: NoFields }, onRequest: mayManage },
        async (request, reply) => {
          if (!(await ctx.groups.end(actor(request), request.params.id, ctx.now())))
            throw new HttpProblem('not-found', 'There is no such group.');
          await ctx.refresh();
          return reply.redirect(`/admin/groups/${request.params.id}?notice=ended`, 303);
        },
      );

      app.post(
        '/admin/groups/:id/members/:user/remove',
        { schema: { params: MemberParams, body: NoFields }, onRequest: mayManage },
        async (request, reply) => {
          const { id: groupId, user } = request.params;
          if (!(await ctx.groups.removeMember(actor(request), groupId, user, ctx.now())))
            throw new HttpProblem('not-found', 'That reader is not a member of this group.');
          return reply.redirect(`/admin/groups/${groupId}?notice=removed`, 303);
        },
      );
    }),
  );
}
