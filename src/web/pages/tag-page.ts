import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { cursorAfter, parseCursor } from '../../domain/content/model.js';
import { HttpProblem } from '../http/errors.js';
import { publicPage } from '../http/security-headers.js';
import { tagPage } from '../views/tag.js';
import { pageChrome } from './chrome.js';

const PAGE_SIZE = 20;

/** `/tag/<tag>`: the published stories carrying a tag, keyset-paginated like a section. A tag nothing carries is a 404. */
export function tagPageRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { tag: string }; Querystring: { before?: string } }>(
    '/tag/:tag',
    {
      schema: {
        params: Type.Object({ tag: Type.String({ minLength: 1, maxLength: 80, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }) }),
        querystring: Type.Object({ before: Type.Optional(Type.String({ pattern: '^\\d{1,15}\\.[1-9]\\d{0,9}$' })) }),
      },
    },
    async (request, reply) => {
      const { tag } = request.params;
      const before = request.query.before === undefined ? undefined : parseCursor(request.query.before);
      if (before === null) throw new HttpProblem('invalid-input', 'That is not a place in this list.');
      const found = await ctx.content.list({ tag, limit: PAGE_SIZE + 1, before });
      if (found.length === 0)
        throw new HttpProblem('not-found', before ? 'There are no older stories with this tag.' : 'No story carries this tag.');
      const articles = found.slice(0, PAGE_SIZE);
      const last = articles.at(-1);
      publicPage(request, reply, 60);
      reply.type('text/html; charset=utf-8');
      return tagPage(await pageChrome(ctx, request), {
        tag,
        articles,
        before: request.query.before ?? null,
        older: found.length > PAGE_SIZE && last ? cursorAfter(last) : null,
        timeZone: ctx.policy.timeZone,
        publicUrl: ctx.config.publicUrl,
      });
    },
  );
}
