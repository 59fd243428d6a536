import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { DomainError } from '../../domain/errors.js';
import { ERROR_STATUS } from '../http/errors.js';
import { readSearchParams, runSearch, type SearchParams } from '../search/searching.js';
import { searchPage } from '../views/search.js';
import { pageChrome } from './chrome.js';

const PAGE_SIZE = 20;
/** Loose on purpose: the checks that name what is wrong are readSearchParams's (a bad value is a 400 page). */
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
      const read = readSearchParams(request.query);
      let result = null;
      let tooBroad: string | undefined;
      try {
        result = read.q === '' ? null : await runSearch(ctx, request, read, PAGE_SIZE);
      } catch (error) {
        // The reader is shown the form again, open at its filters, to narrow the search.
        if (!(error instanceof DomainError && error.code === 'search-too-broad')) throw error;
        tooBroad = error.message;
        reply.code(ERROR_STATUS['search-too-broad']);
      }
      reply.headers({ 'cache-control': 'private, no-cache', vary: 'Cookie, Authorization' });
      reply.type('text/html; charset=utf-8');
      const chrome = await pageChrome(ctx, request);
      const authorName = read.author ? ((await ctx.content.author(read.author))?.name ?? null) : null;
      return searchPage(chrome, { read, result, tooBroad, authorName, timeZone: ctx.policy.timeZone, publicUrl: ctx.config.publicUrl });
    },
  );
}
