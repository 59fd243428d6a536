import { allowedTo } from './admin-layout.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { CurationChange } from '../../domain/front-page/service.js';
import { actorOf } from '../../domain/policies/policies.js';
import { sendPage } from '../accounts/flow.js';
import { declaredRoutes, form, keyword, readForm, text, useForms } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { frontPagePage } from './front-page-views.js';

const NOTICES = { saved: 'The front page is saved: readers see it now.' } as const;
const ACTIONS = ['lead', 'clear-lead', 'pick', 'unpick', 'pick-up', 'pick-down', 'pin', 'unpin', 'pin-up', 'pin-down'] as const;
type Action = (typeof ACTIONS)[number];

const search = () => text({ maxLength: 200, normalise: ['trim'], messages: { maxLength: 'Search with at most 200 characters.' } });
const FrontPageQuery = form({ q: search(), notice: keyword(Object.keys(NOTICES)) });
const CurationForm = form({
  action: keyword(ACTIONS),
  article: text({ maxLength: 10, pattern: '^[1-9]\\d{0,9}$', messages: { invalid: 'Choose a story.' } }),
  section: text({ maxLength: 60, pattern: '^$|^[a-z0-9][a-z0-9-]{0,59}$', messages: { invalid: 'There is no such section.' } }),
  q: search(),
});

/** Editors and admins (policy `editContent`); to the rest of the staff this page does not exist. */
const mayEditContent = allowedTo('editContent');

/** The form's action as a change of the curation. */
function changeOf(action: Action, id: number, section: string): CurationChange {
  const inSection = section || undefined;
  switch (action) {
    case 'lead':
      return { kind: 'lead', id };
    case 'clear-lead':
      return { kind: 'clear-lead' };
    case 'pick':
      return { kind: 'pick', change: { kind: 'add', id } };
    case 'unpick':
      return { kind: 'pick', change: { kind: 'remove', id } };
    case 'pick-up':
    case 'pick-down':
      return { kind: 'pick', change: { kind: 'move', id, by: action === 'pick-up' ? -1 : 1 } };
    case 'pin':
      return { kind: 'pin', change: { kind: 'add', id } };
    case 'unpin':
      return { kind: 'pin', change: { kind: 'remove', id }, section: inSection };
    case 'pin-up':
    case 'pin-down':
      return { kind: 'pin', change: { kind: 'move', id, by: action === 'pin-up' ? -1 : 1 }, section: inSection };
  }
}

/** The front page: the lead story, the editor's picks, stories pinned in sections; found by headline. */
export async function adminFrontPageRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);

  async function show(request: FastifyRequest, reply: FastifyReply, status: number, extra: { q: string; notice?: string; error?: string }) {
    const page = frontPagePage(await pageChrome(ctx, request), {
      curation: await ctx.frontPage.curation(actor(request)),
      sections: await ctx.content.sections(),
      search: extra.q,
      found: extra.q ? await ctx.frontPage.search(actor(request), extra.q) : null,
      csrf: reply.generateCsrf(),
      now: ctx.now(),
      timeZone: ctx.policy.timeZone,
      notice: extra.notice,
      error: extra.error,
    });
    return sendPage(reply, status, page);
  }

  await parent.register(
    declaredRoutes((app) => {
      useForms(app);
      const guard = { attachValidation: true, onRequest: mayEditContent };

      app.get('/admin/front-page', { schema: { querystring: FrontPageQuery }, ...guard }, async (request, reply) => {
        const read = readForm(request, FrontPageQuery, 'query');
        if (!read.ok) return show(request, reply, 400, { q: '', error: read.messages[0] ?? 'Check the search.' });
        const notice = read.values.notice ? NOTICES[read.values.notice as keyof typeof NOTICES] : undefined;
        return show(request, reply, 200, { q: read.values.q, ...(notice ? { notice } : {}) });
      });

      app.post('/admin/front-page', { schema: { body: CurationForm }, ...guard }, async (request, reply) => {
        const read = readForm(request, CurationForm);
        const q = read.ok ? read.values.q : (read.valid.q ?? '');
        if (!read.ok) return show(request, reply, 400, { q, error: read.messages[0] ?? 'Choose a story.' });
        const { action, article, section } = read.values;
        if (action === '') return show(request, reply, 400, { q, error: 'Choose what to do with the story.' });
        const result = await ctx.frontPage.change(actor(request), changeOf(action as Action, Number(article), section));
        if (!result.ok) return show(request, reply, 409, { q, error: result.message });
        return reply.redirect(`/admin/front-page?notice=saved${q ? `&q=${encodeURIComponent(q)}` : ''}`, 303);
      });
    }),
  );
}
