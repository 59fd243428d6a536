import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { TRUST_PAGE_SLUGS } from '../../domain/site/trust-pages.js';
import type { RenderedPage } from '../../domain/site/site-service.js';
import { publicPage } from '../http/security-headers.js';
import { html, raw } from '../views/html.js';
import { layout, type PageChrome } from '../views/layout.js';
import { pageChrome } from './chrome.js';

/** A trust page: its title and its Markdown body, rendered with HTML escaped (src/domain/content/render.ts). */
export function trustPage(chrome: PageChrome, page: RenderedPage, canonical: string): string {
  const main = html`<article class="trust-page"><h1>${page.title}</h1>${raw(page.html)}</article>`;
  return layout(chrome, { title: page.title, canonical }, main);
}

/** /about, /contact, /terms, /privacy, /refunds and /grievance, as the business team wrote them at /admin/pages. */
export async function trustPageRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  for (const slug of TRUST_PAGE_SLUGS) {
    app.get(`/${slug}`, async (request, reply) => {
      const page = await ctx.settings.trustPage(slug);
      publicPage(request, reply, 300);
      reply.type('text/html; charset=utf-8');
      return trustPage(await pageChrome(ctx, request), page, `${ctx.config.publicUrl}/${slug}`);
    });
  }
}
