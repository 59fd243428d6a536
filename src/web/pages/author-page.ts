import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { cursorAfter, parseCursor } from '../../domain/content/model.js';
import { HttpProblem } from '../http/errors.js';
import { publicPage } from '../http/security-headers.js';
import { authorPage } from '../views/author.js';
import { pageChrome } from './chrome.js';

const PAGE_SIZE = 20;

/** `/author/<slug>`: an author's page and their published stories, keyset-paginated like a section. */
export function authorPageRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { slug: string }; Querystring: { before?: string } }>(
    '/author/:slug',
    {
      schema: {
        params: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,119}$' }) }),
        querystring: Type.Object({ before: Type.Optional(Type.String({ pattern: '^\\d{1,15}\\.[1-9]\\d{0,9}$' })) }),
      },
    },
    async (request, reply) => {
      const author = await ctx.content.author(request.params.slug);
      if (!author) throw new HttpProblem('not-found', 'There is no such author.');
      const before = request.query.before === undefined ? undefined : parseCursor(request.query.before);
      if (before === null) throw new HttpProblem('invalid-input', 'That is not a place in this list.');
      const found = await ctx.content.listByAuthor(author.id, { limit: PAGE_SIZE + 1, before });
      if (before && found.length === 0) throw new HttpProblem('not-found', 'There are no older stories by this author.');
      const articles = found.slice(0, PAGE_SIZE);
      const last = articles.at(-1);
      publicPage(request, reply, 60);
      reply.type('text/html; charset=utf-8');
      return authorPage(await pageChrome(ctx, request), {
        author,
        articles,
        before: request.query.before ?? null,
        older: found.length > PAGE_SIZE && last ? cursorAfter(last) : null,
        timeZone: ctx.policy.timeZone,
        publicUrl: ctx.config.publicUrl,
      });
    },
  );
}
