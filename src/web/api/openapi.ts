import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

const COMPONENT = '#/components/schemas/';

/**
 * @fastify/swagger names shared schemas `def-N` and keeps their `$id` as the title. Clients generate
 * type names from component keys, so a titled `def-N` is renamed to its title (ErrorResponse…) and every
 * `$ref` to it follows. Works on a copy; the plugin's cached document is left as it is.
 */
export function withNamedSchemas<T>(document: T): T {
  const copy = structuredClone(document) as T & { components?: { schemas?: Record<string, { title?: unknown }> } };
  const schemas = copy.components?.schemas;
  if (!schemas) return copy;
  const renamed = new Map<string, string>();
  const named: typeof schemas = {};
  for (const [key, schema] of Object.entries(schemas)) {
    const title = schema.title;
    const rename = /^def-\d+$/.test(key) && typeof title === 'string' && /^[A-Za-z0-9._-]+$/.test(title) && !(title in schemas);
    named[rename ? title : key] = schema;
    if (rename) renamed.set(`${COMPONENT}${key}`, `${COMPONENT}${title}`);
  }
  if (renamed.size === 0) return copy;
  copy.components = { ...copy.components, schemas: named };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.$ref === 'string' && renamed.has(record.$ref)) record.$ref = renamed.get(record.$ref);
    Object.values(record).forEach(visit);
  };
  visit(copy);
  return copy;
}

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the routes' schemas once; its title names the publication
 * as it is called now (`title`), so a renamed publication's document says so without a restart.
 */
export async function openapiRoutes(app: FastifyInstance, title: () => string): Promise<void> {
  let document: { info: object } | null = null;
  app.get('/api/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    document ??= withNamedSchemas(app.swagger() as { info: object });
    reply.header('cache-control', 'no-cache');
    return reply.type('application/json; charset=utf-8').send({ ...document, info: { ...document.info, title: title() } });
  });
}
