import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { DomainError } from '../../domain/errors.js';
import type { SignUpOutcome } from '../../domain/newsletters/subscriptions.js';
import { PIXEL_GIF } from '../../domain/newsletters/counting.js';
import { normaliseEmail, tokens } from '../../domain/newsletters/rules.js';
import { sendPage } from '../accounts/flow.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, fieldList, form, id, keyword, nextPath, readForm, text, useForms } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { issuePage, messagePage, newsletterPage, newslettersPage, preferencesPage, signUpStepPage, unsubscribePage } from './views.js';

/** The RFC 8058 one-click unsubscribe route: signed by its token, so the one form route without a CSRF token. */
export const ONE_CLICK_ROUTE = '/newsletters/unsubscribe/one-click';

const NOTICES: Record<SignUpOutcome | 'saved', string> = {
  subscribed: 'You are signed up. The next issue comes to your inbox.',
  'check-inbox': 'Check your inbox: we sent a link to confirm the address. Nothing is sent until you open it.',
  'sign-in-required': 'Sign in first: this newsletter is for readers with an account.',
  'not-in-audience': 'This newsletter comes with a subscription: see the plans.',
  'no-such-list': 'There is no such newsletter.',
  saved: 'Your choices are saved.',
};
const NoticeQuery = form({ notice: keyword(Object.keys(NOTICES)) });
const SlugParams = form({ slug: text({ maxLength: 60, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }) });
const IssueParams = form({ slug: text({ maxLength: 60, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }), id: id() });
const ListQuery = form({ before: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$' }) });
const SignUpForm = form({ email: text({ maxLength: 320, normalise: ['trim', 'lower'] }), next: nextPath() });
const LinkQuery = form({ s: id(), t: text({ maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }) });
const PrefsQuery = form({
  e: text({ maxLength: 320, normalise: ['trim', 'lower'] }),
  t: text({ maxLength: 64, pattern: '^$|^[A-Za-z0-9_-]+$' }),
  notice: keyword(['saved']),
});
const PrefsForm = form({
  e: text({ maxLength: 320, normalise: ['trim', 'lower'] }),
  t: text({ maxLength: 64, pattern: '^$|^[A-Za-z0-9_-]+$' }),
});
const NoFields = form({});
const SIGN_UPS_PER_HOUR = 20;
const StepQuery = form({ list: text({ maxLength: 60 }), email: text({ maxLength: 320, normalise: ['trim'] }) });

const OpenParams = form({ id: id(), file: text({ maxLength: 40, pattern: '^[A-Za-z0-9_-]{24}\\.gif$' }) });
const ClickParams = form({ id: id() });
const ClickQuery = form({ u: text({ maxLength: 2000 }), s: text({ maxLength: 24, pattern: '^[A-Za-z0-9_-]{24}$' }) });
const notCounted = () => new HttpProblem('not-found', 'There is no such link.');

const badLink = () => new HttpProblem('not-found', 'This link is not valid any more. Ask for a new one from the newsletters page.');

/** /newsletters: the lists, sign-up, confirmation, preferences, unsubscribing, and the archive. */
export async function newsletterRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const names = (key: string) => ctx.business.catalogue.find(key)?.name ?? key;
  const signedIn = (request: FastifyRequest) => request.auth?.user ?? null;

  /** The address a preferences page is for: the signed link's, else the signed-in reader's; null for neither. */
  function prefsAddress(
    request: FastifyRequest,
    e: string,
    t: string,
  ): { email: string; link: { e: string; t: string } | null; proven: boolean } | null {
    if (e && t) {
      const email = normaliseEmail(e);
      return email && tokens.checkPreferences(ctx.keys.newsletter, email, t) ? { email, link: { e: email, t }, proven: true } : null;
    }
    const user = signedIn(request);
    return user ? { email: user.email, link: null, proven: user.emailVerifiedAt !== null } : null;
  }

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();
      // RFC 8058 lets a mail client send the one-click body as multipart/form-data; nothing in it is read.
      scope.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 4096 }, (_request, _body, done) => done(null, {}));

      app.get('/newsletters', { schema: { querystring: NoticeQuery } }, async (request, reply) => {
        reply.header('cache-control', 'private, no-cache');
        const page = newslettersPage(await pageChrome(ctx, request), {
          lists: await ctx.newsletters.lists(),
          csrf: reply.generateCsrf(),
          signedIn: signedIn(request) !== null,
          notice: NOTICES[request.query.notice as keyof typeof NOTICES],
          names,
        });
        return sendPage(reply, 200, page);
      });

      app.post('/newsletters/:slug/subscribe', { schema: { params: SlugParams, body: SignUpForm } }, async (request, reply) => {
        const user = signedIn(request);
        let outcome: SignUpOutcome;
        if (user) {
          outcome = await ctx.newsletters.subscriptions.signUp(request.params.slug, {
            reader: { userId: user.id, email: user.email, verified: user.emailVerifiedAt !== null },
          });
        } else {
          const email = normaliseEmail(request.body.email);
          if (!email) throw new HttpProblem('invalid-input', 'Enter an email address like name@example.com.');
          // Each sign-up without a session emails a stranger's address: at most 20 an hour from one address.
          const used = await ctx.counters.increment(`newsletter-signup:${request.ip}`, 3600);
          if (used > SIGN_UPS_PER_HOUR)
            throw new DomainError('rate-limited', 'Too many sign-ups from your network: try again in an hour.', 3600);
          outcome = await ctx.newsletters.subscriptions.signUp(request.params.slug, { email });
        }
        if (outcome === 'no-such-list') throw new HttpProblem('not-found', NOTICES[outcome]);
        return reply.redirect(`/newsletters?notice=${outcome}`, 303);
      });

      // The step after a promo box on a shared (cached) page: the list's form, filled in, with this reader's token.
      app.get('/newsletters/sign-up', { schema: { querystring: StepQuery } }, async (request, reply) => {
        const newsletter = await ctx.newsletters.list(request.query.list);
        if (!newsletter || newsletter.retired) throw new HttpProblem('not-found', 'There is no such newsletter.');
        reply.header('cache-control', 'no-store');
        const page = signUpStepPage(await pageChrome(ctx, request), {
          newsletter,
          email: request.query.email,
          csrf: reply.generateCsrf(),
          signedIn: signedIn(request) !== null,
        });
        return sendPage(reply, 200, page);
      });

      app.get('/newsletters/confirm', { schema: { querystring: LinkQuery }, attachValidation: true }, async (request, reply) => {
        const read = readForm(request, LinkQuery, 'query');
        reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
        const confirmed = read.ok ? await ctx.newsletters.subscriptions.confirm(read.values.s, read.values.t) : null;
        if (!confirmed) throw badLink();
        const chrome = await pageChrome(ctx, request);
        return sendPage(
          reply,
          200,
          messagePage(chrome, 'You are signed up', [`${confirmed.newsletter.name} will come to ${confirmed.subscription.email}.`]),
        );
      });

      app.get('/newsletters/unsubscribe', { schema: { querystring: LinkQuery }, attachValidation: true }, async (request, reply) => {
        const read = readForm(request, LinkQuery, 'query');
        reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
        const target = read.ok ? await ctx.newsletters.subscriptions.unsubscribeTarget(read.values.s, read.values.t) : null;
        if (!target || !read.ok) throw badLink();
        const action = `${ONE_CLICK_ROUTE}?s=${read.values.s}&t=${encodeURIComponent(read.values.t)}`;
        return sendPage(reply, 200, unsubscribePage(await pageChrome(ctx, request), { newsletter: target.newsletter, action }));
      });

      // The one-click unsubscribe (List-Unsubscribe-Post): no session, no CSRF token; the signed link is the credential.
      app.post(ONE_CLICK_ROUTE, { schema: { querystring: LinkQuery, body: NoFields }, attachValidation: true }, async (request, reply) => {
        const read = readForm(request, LinkQuery, 'query');
        reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
        const done = read.ok ? await ctx.newsletters.subscriptions.unsubscribeWithLink(read.values.s, read.values.t) : null;
        if (!done) throw badLink();
        const chrome = await pageChrome(ctx, request);
        return sendPage(
          reply,
          200,
          messagePage(chrome, 'You are unsubscribed', [`${done.subscription.email} gets no more of ${done.newsletter.name}.`]),
        );
      });

      app.get('/newsletters/preferences', { schema: { querystring: PrefsQuery }, attachValidation: true }, async (request, reply) => {
        const read = readForm(request, PrefsQuery, 'query');
        reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
        const who = read.ok ? prefsAddress(request, read.values.e, read.values.t) : null;
        if (!who) {
          if (read.ok && !read.values.e) return reply.redirect('/login?next=%2Fnewsletters%2Fpreferences', 303);
          throw badLink();
        }
        const page = preferencesPage(await pageChrome(ctx, request), {
          email: who.email,
          items: await ctx.newsletters.subscriptions.preferences(who.email),
          csrf: reply.generateCsrf(),
          link: who.link,
          notice: read.ok && read.values.notice === 'saved' ? NOTICES.saved : undefined,
        });
        return sendPage(reply, 200, page);
      });

      app.post('/newsletters/preferences', { schema: { body: PrefsForm } }, async (request, reply) => {
        const who = prefsAddress(request, request.body.e, request.body.t);
        if (!who) throw badLink();
        await ctx.newsletters.subscriptions.savePreferences(who.email, new Set(fieldList(request.body, 'list')), who.proven);
        const back = who.link ? `e=${encodeURIComponent(who.link.e)}&t=${who.link.t}&notice=saved` : 'notice=saved';
        return reply.redirect(`/newsletters/preferences?${back}`, 303);
      });

      // Open and click counting (docs/newsletters.md): signed, per issue and link, no cookie, nothing about the reader.
      // A HEAD (a link checker, a mail scanner's probe) answers the same and counts nothing.
      app.get(
        '/newsletters/o/:id/:file',
        { schema: { params: OpenParams, querystring: NoFields }, attachValidation: true },
        async (request, reply) => {
          const read = readForm(request, OpenParams, 'params');
          const genuine =
            read.ok && (await ctx.newsletters.counting.open(read.values.id, read.values.file.slice(0, -4), request.method === 'GET'));
          if (!genuine) throw notCounted();
          return reply
            .header('cache-control', 'no-store, private')
            .header('content-type', 'image/gif')
            .header('referrer-policy', 'no-referrer')
            .send(PIXEL_GIF);
        },
      );

      app.get(
        '/newsletters/c/:id',
        { schema: { params: ClickParams, querystring: ClickQuery }, attachValidation: true },
        async (request, reply) => {
          const params = readForm(request, ClickParams, 'params');
          const query = readForm(request, ClickQuery, 'query');
          const target =
            params.ok && query.ok
              ? await ctx.newsletters.counting.click(params.values.id, query.values.u, query.values.s, request.method === 'GET')
              : null;
          if (!target) throw notCounted();
          return reply.header('cache-control', 'no-store, private').redirect(target, 302);
        },
      );

      app.get('/newsletters/:slug', { schema: { params: SlugParams, querystring: ListQuery } }, async (request, reply) => {
        const newsletter = await ctx.newsletters.list(request.params.slug);
        if (!newsletter || newsletter.retired) throw new HttpProblem('not-found', 'There is no such newsletter.');
        const before = request.query.before ? Number(request.query.before) : undefined;
        const found = await ctx.newsletters.issues(newsletter.id, { before, limit: 21, sentOnly: true });
        const issues = found.slice(0, 20);
        const last = issues.at(-1);
        const page = newsletterPage(await pageChrome(ctx, request), {
          newsletter,
          issues,
          next: found.length > 20 && last ? `before=${last.id}` : null,
          csrf: reply.generateCsrf(),
          signedIn: signedIn(request) !== null,
          zone: ctx.policy.timeZone,
          names,
        });
        reply.header('cache-control', 'private, no-cache');
        return sendPage(reply, 200, page);
      });

      app.get('/newsletters/:slug/issues/:id', { schema: { params: IssueParams, querystring: NoFields } }, async (request, reply) => {
        // The gated text depends on who asks: never kept by a shared cache.
        reply.header('cache-control', 'private, no-cache').header('vary', 'Cookie');
        const found = await ctx.newsletters.archiveIssue(request.params.slug, request.params.id, signedIn(request)?.id ?? null);
        if (!found) throw new HttpProblem('not-found', 'There is no such issue.');
        return sendPage(reply, 200, issuePage(await pageChrome(ctx, request), { ...found, zone: ctx.policy.timeZone }));
      });
    }),
  );
}
