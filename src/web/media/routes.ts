import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, id, readForm, text, useForms } from '../http/forms.js';
import { renditionUrl } from '../views/picture.js';

const RenditionParams = form({ '*': text({ maxLength: 200 }) });
const ImageParams = form({ id: id({ invalid: 'There is no such image.' }) });
const NoQuery = form({});

/** A rendition's address names its content (it changes with the crop), so anyone may keep it for a year. */
const FOREVER = 'public, max-age=31536000, immutable';

/**
 * Images for readers: `/media/images/…` streams a rendition from the files store, and `/media/image/<id>` (how an
 * article names an uploaded lead image) leads to its largest JPEG. Unknown keys, originals and anything else are
 * 404; there is no listing.
 */
export function mediaRoutes(parent: FastifyInstance, ctx: AppContext) {
  return parent.register(
    declaredRoutes((app) => {
      useForms(app);
      app.get('/media/images/*', { schema: { params: RenditionParams, querystring: NoQuery } }, async (request, reply) => {
        const params = readForm(request, RenditionParams, 'params');
        const file = params.ok ? await ctx.media.rendition(`images/${params.values['*']}`) : null;
        if (!file) throw new HttpProblem('not-found', 'Not found.');
        return reply
          .header('content-type', file.contentType)
          .header('content-length', file.size)
          .header('cache-control', FOREVER)
          .header('x-content-type-options', 'nosniff')
          .send(file.body);
      });

      app.get('/media/image/:id', { schema: { params: ImageParams, querystring: NoQuery } }, async (request, reply) => {
        const params = readForm(request, ImageParams, 'params');
        const image = params.ok ? (await ctx.media.views([params.values.id])).get(params.values.id) : undefined;
        const largest = image?.renditions.filter((r) => r.format === 'jpeg').toSorted((a, b) => b.width - a.width)[0];
        if (!largest) throw new HttpProblem('not-found', 'Not found.');
        // A new crop moves the image to new renditions: this answer is kept briefly.
        return reply.header('cache-control', 'public, max-age=300').redirect(renditionUrl(largest), 302);
      });
    }),
  );
}
