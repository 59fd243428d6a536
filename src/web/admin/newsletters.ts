import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Issue, Newsletter, PreviewKind } from '../../domain/newsletters/model.js';
import type { NewsletterFields } from '../../domain/newsletters/queries.js';
import { audienceText } from '../../domain/newsletters/rules.js';
import { sendPage } from '../accounts/flow.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, id, keyword, readForm, text, useForms, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { allowedTo } from './admin-layout.js';
import { parseWallClock, wallClockInput } from './article-form.js';
import { issuePage, newsletterFormPage, newsletterListPage, suppressionPage } from './newsletters-views.js';

const NOTICES = {
  saved: 'Saved.',
  sending: 'Sending: the progress below updates as it goes (reload the page).',
  scheduled: 'Scheduled.',
  held: 'Held: it will not go until it is scheduled or sent.',
  suppressed: 'The address is on the suppression list.',
} as const;
const Notice = keyword(Object.keys(NOTICES));
const NoticeQuery = form({ notice: Notice });
const ListQuery = form({ notice: Notice, before: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$' }) });
const Params = form({ id: id({ invalid: 'There is no such newsletter.' }) });
const NewsletterForm = form({
  name: text({ maxLength: 100, normalise: ['trim'] }),
  slug: text({ maxLength: 60, normalise: ['trim', 'lower'] }),
  description: text({ maxLength: 1000, normalise: ['trim'] }),
  cadence: text({ maxLength: 100, normalise: ['trim'] }),
  senderName: text({ maxLength: 100, normalise: ['trim'] }),
  audience: text({ maxLength: 80 }),
  digestSection: text({ maxLength: 100 }),
  digestHour: text({ maxLength: 2, normalise: ['trim'], pattern: '^$|^(1?\\d|2[0-3])$', messages: { invalid: 'An hour from 0 to 23.' } }),
  position: text({ maxLength: 4, normalise: ['trim'], pattern: '^$|^\\d{1,4}$', messages: { invalid: 'A whole number.' } }),
  retired: keyword(['yes']),
});
const IssueForm = form({
  subject: text({ maxLength: 200, normalise: ['trim'], messages: { maxLength: 'Use at most 200 characters.' } }),
  introduction: text({ maxLength: 5000, messages: { maxLength: 'Use at most 5,000 characters.' } }),
  articles: text({ maxLength: 10_000, messages: { maxLength: 'Too many articles.' } }),
});
const ScheduleForm = form({ at: text({ maxLength: 16, normalise: ['trim'] }) });
const TestForm = form({ to: text({ maxLength: 2000 }), as: keyword(['anonymous', 'registered', 'entitled']) });
const PreviewQuery = form({ as: keyword(['anonymous', 'registered', 'entitled']) });
const SuppressForm = form({ email: text({ maxLength: 320 }), reason: keyword(['complained', 'hard-bounce']) });
const NoFields = form({});

/** Slugs from the editor's lines: `/article/<slug>`, a full address, or the slug itself. */
function slugsOf(lines: string): string[] {
  return lines
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => /\/article\/([^/?#\s]+)/.exec(line)?.[1] ?? line);
}

const mayEdit = allowedTo('editContent');

/** /admin/newsletters: lists, issues (compose, preview, test send, send, schedule, hold), progress, suppressions. */
export async function adminNewsletterRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const newsletters = ctx.newsletters;
  const audiences = () => [
    { value: 'anyone', label: 'Anyone (double opt-in without an account)' },
    { value: 'registered', label: 'Registered readers' },
    ...ctx.business.catalogue.entries
      .filter((e) => e.kind === 'access')
      .map((e) => ({ value: `entitlement:${e.key}`, label: `Holders of ${e.name}` })),
  ];

  const formOf = (n: Newsletter): FormState => ({
    values: {
      name: n.name,
      slug: n.slug,
      description: n.description,
      cadence: n.cadence,
      senderName: n.senderName,
      audience: audienceText(n.audience),
      digestSection: n.digestSection ?? '',
      digestHour: n.digestHour === null ? '' : String(n.digestHour),
      position: String(n.position),
      retired: n.retired ? 'yes' : '',
    },
    errors: {},
  });
  const issueForm = (i: Issue): FormState => ({
    values: { subject: i.subject, introduction: i.introduction, articles: i.articleSlugs.join('\n') },
    errors: {},
  });

  async function loadList(listId: number): Promise<Newsletter> {
    const found = await newsletters.listById(listId);
    if (!found) throw new HttpProblem('not-found', 'There is no such newsletter.');
    return found;
  }
  async function loadIssue(issueId: number) {
    const found = await newsletters.issue(issueId);
    if (!found) throw new HttpProblem('not-found', 'There is no such issue.');
    return found;
  }

  async function showList(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    n: Newsletter | null,
    formState: FormState,
    extra: { before?: number | undefined; notice?: string | undefined } = {},
  ) {
    const found = n ? await newsletters.issues(n.id, { before: extra.before, limit: 31 }) : [];
    const issues = found.slice(0, 30);
    const last = issues.at(-1);
    const page = newsletterFormPage(await pageChrome(ctx, request), {
      newsletter: n,
      form: formState,
      csrf: reply.generateCsrf(),
      audiences: audiences(),
      sections: await ctx.content.sections(),
      issues,
      nextIssues: found.length > 30 && last ? `before=${last.id}` : null,
      zone: ctx.policy.timeZone,
      notice: extra.notice,
    });
    return sendPage(reply, status, page);
  }

  async function showIssue(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    n: Newsletter,
    issue: Issue | null,
    formState: FormState,
    extra: { notice?: string | undefined; testMessage?: string | undefined } = {},
  ) {
    const page = issuePage(await pageChrome(ctx, request), {
      newsletter: n,
      issue,
      form: formState,
      csrf: reply.generateCsrf(),
      progress: issue ? await newsletters.progress(issue.id) : null,
      counts:
        issue && newsletters.counting.enabled() && (issue.status === 'sending' || issue.status === 'sent')
          ? await newsletters.counting.counts(issue.id)
          : null,
      zone: ctx.policy.timeZone,
      scheduleValue: wallClockInput(issue?.sendAt ?? new Date(ctx.now().getTime() + 3600_000), ctx.policy.timeZone),
      ...extra,
    });
    return sendPage(reply, status, page);
  }

  function listFields(values: Record<string, string>): NewsletterFields {
    const digestSection = values.digestSection || null;
    return {
      name: values.name ?? '',
      slug: values.slug ?? '',
      description: values.description ?? '',
      cadence: values.cadence ?? '',
      senderName: values.senderName ?? '',
      audience: values.audience ?? '',
      digestSection,
      digestHour: values.digestHour ? Number(values.digestHour) : null,
      position: values.position ? Number(values.position) : 0,
    };
  }

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();

      app.get('/admin/newsletters', { schema: { querystring: NoticeQuery }, onRequest: mayEdit }, async (request, reply) => {
        const page = newsletterListPage(await pageChrome(ctx, request), {
          lists: await newsletters.allLists(),
          counts: await newsletters.subscriberCounts(),
          notice: NOTICES[request.query.notice as keyof typeof NOTICES],
        });
        return sendPage(reply, 200, page);
      });

      app.get('/admin/newsletters/new', { schema: { querystring: NoFields }, onRequest: mayEdit }, async (request, reply) =>
        showList(request, reply, 200, null, { values: { audience: 'anyone', position: '10' }, errors: {} }),
      );

      const save = async (request: FastifyRequest, reply: FastifyReply, n: Newsletter | null) => {
        const read = readForm(request, NewsletterForm);
        if (!read.ok) return showList(request, reply, 400, n, read.form);
        const saved = await newsletters.saveList(n?.id ?? null, listFields(read.values), read.values.retired === 'yes');
        if (!saved.ok) return showList(request, reply, 400, n, { values: read.values, errors: saved.errors });
        return reply.redirect(`/admin/newsletters/${saved.id}?notice=saved`, 303);
      };
      app.post(
        '/admin/newsletters/new',
        { schema: { body: NewsletterForm }, attachValidation: true, onRequest: mayEdit },
        (request, reply) => save(request, reply, null),
      );

      app.get('/admin/newsletters/suppressions', { schema: { querystring: ListQuery }, onRequest: mayEdit }, async (request, reply) => {
        const before = request.query.before ? Number(request.query.before) : undefined;
        const found = await newsletters.suppressions({ before, limit: 51 });
        const rows = found.slice(0, 50);
        const last = rows.at(-1);
        const page = suppressionPage(await pageChrome(ctx, request), {
          rows,
          next: found.length > 50 && last ? `before=${last.id}` : null,
          csrf: reply.generateCsrf(),
          zone: ctx.policy.timeZone,
          notice: NOTICES[request.query.notice as keyof typeof NOTICES],
        });
        return sendPage(reply, 200, page);
      });
      app.post('/admin/newsletters/suppressions', { schema: { body: SuppressForm }, onRequest: mayEdit }, async (request, reply) => {
        const reason = request.body.reason === 'hard-bounce' ? 'hard-bounce' : 'complained';
        if (!(await newsletters.suppress(request.body.email, reason, `added by staff member ${request.auth?.user.id ?? ''}`)))
          throw new HttpProblem('invalid-input', 'Enter an email address like name@example.com.');
        return reply.redirect('/admin/newsletters/suppressions?notice=suppressed', 303);
      });

      app.get(
        '/admin/newsletters/:id',
        { schema: { params: Params, querystring: ListQuery }, onRequest: mayEdit },
        async (request, reply) => {
          const n = await loadList(request.params.id);
          const before = request.query.before ? Number(request.query.before) : undefined;
          return showList(request, reply, 200, n, formOf(n), { before, notice: NOTICES[request.query.notice as keyof typeof NOTICES] });
        },
      );
      app.post(
        '/admin/newsletters/:id',
        { schema: { params: Params, body: NewsletterForm }, attachValidation: true, onRequest: mayEdit },
        async (request, reply) => {
          const params = readForm(request, Params, 'params');
          if (!params.ok) throw new HttpProblem('not-found', 'There is no such newsletter.');
          return save(request, reply, await loadList(params.values.id));
        },
      );

      app.get(
        '/admin/newsletters/:id/issues/new',
        { schema: { params: Params, querystring: NoFields }, onRequest: mayEdit },
        async (request, reply) => showIssue(request, reply, 200, await loadList(request.params.id), null, { values: {}, errors: {} }),
      );
      app.post(
        '/admin/newsletters/:id/issues/new',
        { schema: { params: Params, body: IssueForm }, attachValidation: true, onRequest: mayEdit },
        async (request, reply) => {
          const params = readForm(request, Params, 'params');
          if (!params.ok) throw new HttpProblem('not-found', 'There is no such newsletter.');
          const n = await loadList(params.values.id);
          const read = readForm(request, IssueForm);
          if (!read.ok) return showIssue(request, reply, 400, n, null, read.form);
          const v = read.values;
          const made = await newsletters.compose(n.id, {
            subject: v.subject,
            introduction: v.introduction,
            articleSlugs: slugsOf(v.articles),
          });
          if (!made.ok) return showIssue(request, reply, 400, n, null, { values: v, errors: made.errors });
          return reply.redirect(`/admin/newsletter-issues/${made.id}?notice=saved`, 303);
        },
      );

      app.get(
        '/admin/newsletter-issues/:id',
        { schema: { params: Params, querystring: NoticeQuery }, onRequest: mayEdit },
        async (request, reply) => {
          const { issue, newsletter } = await loadIssue(request.params.id);
          return showIssue(request, reply, 200, newsletter, issue, issueForm(issue), {
            notice: NOTICES[request.query.notice as keyof typeof NOTICES],
          });
        },
      );
      app.post(
        '/admin/newsletter-issues/:id',
        { schema: { params: Params, body: IssueForm }, attachValidation: true, onRequest: mayEdit },
        async (request, reply) => {
          const params = readForm(request, Params, 'params');
          if (!params.ok) throw new HttpProblem('not-found', 'There is no such issue.');
          const { issue, newsletter } = await loadIssue(params.values.id);
          const read = readForm(request, IssueForm);
          if (!read.ok) return showIssue(request, reply, 400, newsletter, issue, read.form);
          const v = read.values;
          const saved = await newsletters.edit(issue.id, {
            subject: v.subject,
            introduction: v.introduction,
            articleSlugs: slugsOf(v.articles),
          });
          if (!saved.ok) return showIssue(request, reply, 400, newsletter, issue, { values: v, errors: saved.errors });
          return reply.redirect(`/admin/newsletter-issues/${issue.id}?notice=saved`, 303);
        },
      );

      app.get(
        '/admin/newsletter-issues/:id/preview',
        { schema: { params: Params, querystring: PreviewQuery }, onRequest: mayEdit },
        async (request, reply) => {
          const previewed = await newsletters.preview(request.params.id, (request.query.as || 'anonymous') as PreviewKind);
          if (previewed === null) throw new HttpProblem('not-found', 'There is no such issue.');
          // The email's own document, shown as it is: sandboxed, so nothing in it runs or reaches the newsroom's session.
          return reply
            .header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'")
            .type('text/html; charset=utf-8')
            .send(previewed);
        },
      );

      app.post(
        '/admin/newsletter-issues/:id/test',
        { schema: { params: Params, body: TestForm }, onRequest: mayEdit },
        async (request, reply) => {
          const { issue, newsletter } = await loadIssue(request.params.id);
          const sent = await newsletters.testSend(issue.id, request.body.to, (request.body.as || 'anonymous') as PreviewKind);
          const testMessage = sent.ok ? `Test sent to ${sent.sent} address${sent.sent === 1 ? '' : 'es'}.` : sent.error;
          return showIssue(request, reply, sent.ok ? 200 : 400, newsletter, issue, issueForm(issue), { testMessage });
        },
      );

      /** Sends, schedules or holds an issue: `act` false means its state refuses (409 `refused`); done, back to it with `notice`. */
      const actOnIssue = async (
        reply: FastifyReply,
        issueId: number,
        act: (issueId: number) => Promise<boolean>,
        refused: string,
        notice: keyof typeof NOTICES,
      ) => {
        const { issue } = await loadIssue(issueId);
        if (!(await act(issue.id))) throw new HttpProblem('conflict', refused);
        return reply.redirect(`/admin/newsletter-issues/${issue.id}?notice=${notice}`, 303);
      };
      app.post('/admin/newsletter-issues/:id/send', { schema: { params: Params, body: NoFields }, onRequest: mayEdit }, (request, reply) =>
        actOnIssue(reply, request.params.id, (issueId) => newsletters.sendNow(issueId), 'This issue is already going out.', 'sending'),
      );
      app.post(
        '/admin/newsletter-issues/:id/schedule',
        { schema: { params: Params, body: ScheduleForm }, onRequest: mayEdit },
        (request, reply) =>
          actOnIssue(
            reply,
            request.params.id,
            async (issueId) => {
              const at = parseWallClock(request.body.at, ctx.policy.timeZone);
              if (!at) throw new HttpProblem('invalid-input', 'Enter a date and time like 2026-03-01T09:30.');
              return newsletters.schedule(issueId, at);
            },
            'This issue is already going out.',
            'scheduled',
          ),
      );
      app.post('/admin/newsletter-issues/:id/hold', { schema: { params: Params, body: NoFields }, onRequest: mayEdit }, (request, reply) =>
        actOnIssue(reply, request.params.id, (issueId) => newsletters.hold(issueId), 'Only a scheduled issue can be held.', 'held'),
      );
    }),
  );
}
