import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../domain/policies/policies.js';
import { HttpProblem } from '../http/errors.js';
import { requireSession as session } from '../http/auth.js';
import { form, keyword, readForm, text } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { accessNow } from '../reading.js';
import { redirectToLogin, sendPage } from './flow.js';
import { NoFields } from './forms.js';
import { giftedArticlesPage } from './gift-views.js';

const PAGE_SIZE = 20;
const ERROR_CODES = { 'gifting-off': 'forbidden', 'not-entitled': 'forbidden', 'limit-reached': 'rate-limited' } as const;

const ArticleParams = form({
  slug: text({ maxLength: 120, pattern: '^[a-z0-9][a-z0-9-]{0,119}$', messages: { invalid: 'There is no such article.' } }),
});
const number = text({ maxLength: 10, pattern: '^([1-9][0-9]{0,9})?$', messages: { invalid: 'That is not a link of yours.' } });
const GiftedQuery = form({ made: number, before: number, again: keyword(['1']) });

const idOf = (value: string): number | null => (value === '' || Number(value) > 2_147_483_647 ? null : Number(value));

/**
 * Gift article links for subscribers: "Gift this article" on an article page (a POST, with the CSRF token) makes the
 * link, or gives back the one still open, and leads to /account/gifted-articles, which lists the reader's links with
 * their opens. Refusals are clear 4xx pages: a reader who does not read the article with a subscription (403), gifting
 * turned off (403), the month's gifts used up (429). No link is made then.
 */
export function giftRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/article/:slug/gift', { schema: { params: ArticleParams, body: NoFields } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    if (!request.auth) return redirectToLogin(reply, `/article/${slug}`);
    const prepared = await ctx.content.article(slug);
    if (!prepared) throw new HttpProblem('not-found', 'There is no such article.');
    const made = await ctx.gifts.create(actorOf(request.auth.user), prepared.item.id, await accessNow(ctx, request, prepared));
    if (!made.ok) throw new HttpProblem(ERROR_CODES[made.code], made.message);
    return reply.redirect(`/account/gifted-articles?made=${made.link.id}${made.reused ? '&again=1' : ''}`, 303);
  });

  app.get('/account/gifted-articles', { schema: { querystring: GiftedQuery } }, async (request: FastifyRequest, reply) => {
    if (!request.auth) return redirectToLogin(reply, '/account/gifted-articles');
    const auth = session(request);
    const query = readForm(request, GiftedQuery, 'query');
    const made = query.ok ? idOf(query.values.made) : null;
    const before = query.ok ? idOf(query.values.before) : null;
    const userId = auth.user.id;
    const [{ links, next }, allowance, madeLink] = await Promise.all([
      ctx.gifts.list(userId, before, PAGE_SIZE),
      ctx.gifts.allowance(userId),
      made === null ? null : ctx.gifts.find(userId, made),
    ]);
    return sendPage(
      reply,
      200,
      giftedArticlesPage(await pageChrome(ctx, request), {
        csrf: reply.generateCsrf(),
        links,
        made: madeLink,
        reused: query.ok && query.values.again === '1',
        allowance,
        publicUrl: ctx.config.publicUrl,
        timeZone: ctx.policy.timeZone,
        older: next,
        paged: before !== null,
      }),
    );
  });
}
