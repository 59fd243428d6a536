import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { isDomainError } from '../../domain/errors.js';
import { ERROR_STATUS, HttpProblem } from '../http/errors.js';
import { readSearchParams, runSearch, searchFormValues, type ReadSearch, type SearchParams } from '../search/searching.js';
import { searchPage } from '../views/search.js';
import { pageChrome } from './chrome.js';

const PAGE_SIZE = 20;
/** Loose on purpose: the checks that name what is wrong are readSearchParams's (a bad value is the form again, a 400). */
const Text = Type.Optional(Type.String({ maxLength: 20_000 }));

/**
 * `/search?q=…`: the search form, and the results for a search. Without `q` (or with only spaces) the form alone.
 * Snippets depend on who asks (see runSearch), so the page is private to the reader and kept by no shared cache.
 */
export function searchPageRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: SearchParams }>(
    '/search',
    {
      schema: {
        querystring: Type.Object({
          q: Text,
          section: Text,
          from: Text,
          to: Text,
          author: Text,
          type: Text,
          sort: Text,
          page: Type.Optional(Type.Integer()),
          after: Text,
        }),
      },
    },
    async (request, reply) => {
      let read: ReadSearch | undefined;
      let result = null;
      let problem: string | undefined;
      try {
        read = readSearchParams(request.query);
        result = read.q === '' ? null : await runSearch(ctx, request, read, PAGE_SIZE);
      } catch (error) {
        // The reader is shown the form again as they filled it in, open at its filters, under what to change: a
        // search too broad to answer, or a value that cannot be searched for (a * after one letter, a date that
        // does not exist).
        const fixable = isDomainError(error) || error instanceof HttpProblem ? error : null;
        if (!fixable || !['search-too-broad', 'invalid-input'].includes(fixable.code)) throw error;
        problem = fixable.message;
        reply.code(ERROR_STATUS[fixable.code]);
      }
      read ??= searchFormValues(request.query);
      reply.headers({ 'cache-control': 'private, no-cache', vary: 'Cookie, Authorization' });
      reply.type('text/html; charset=utf-8');
      const chrome = await pageChrome(ctx, request);
      const authorName = read.author ? ((await ctx.content.author(read.author))?.name ?? null) : null;
      return searchPage(chrome, { read, result, problem, authorName, timeZone: ctx.policy.timeZone, publicUrl: ctx.config.publicUrl });
    },
  );
}
