import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { articleApiRoutes } from './api/articles.js';
import type { AppContext } from './context.js';
import { feedRoutes } from './feeds/routes.js';
import { describeError } from './http/errors.js';
import { securityHeaders } from './http/security-headers.js';
import { pageChrome } from './pages/chrome.js';
import { pageRoutes } from './pages/routes.js';
import { errorPage } from './views/pages.js';

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

/** Answers an error as JSON for the API and as an HTML page elsewhere; 5xx details never leave the server. */
async function sendError(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const { code, status, message } = describeError(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  reply.code(status).header('cache-control', 'no-store');
  if (isApi(request)) return reply.send({ error: { code, message } });
  let chrome;
  try {
    chrome = await pageChrome(ctx);
  } catch {
    return reply.type('text/plain; charset=utf-8').send(message);
  }
  const text = status === 404 ? ctx.copy.render('site.not_found') : status >= 500 ? ctx.copy.render('site.server_error') : message;
  return reply.type('text/html; charset=utf-8').send(errorPage(chrome, status, text));
}

/** Builds the HTTP application: pages, feeds, API. No socket is opened; tests call `inject()`. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      ctx.config.logLevel === 'silent'
        ? false
        : { level: ctx.config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'] },
    trustProxy: ctx.config.trustedProxies.length > 0 ? ctx.config.trustedProxies : false,
    bodyLimit: 64 * 1024,
    // Access logs belong to the reverse proxy; the app logs what went wrong.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { coerceTypes: true, allErrors: false, removeAdditional: false } },
    // Malformed URLs and content types: a clear 400, like every other bad input.
    frameworkErrors: (error, request, reply) => {
      void sendError(ctx, request, reply, Object.assign(error, { statusCode: 400 }));
    },
  });

  await app.register(cookie);
  await app.register(formbody);
  securityHeaders(app, ctx);

  app.setErrorHandler((error, request, reply) => sendError(ctx, request, reply, error));
  app.setNotFoundHandler((request, reply) => sendError(ctx, request, reply, { statusCode: 404 }));

  await app.register(async (scope) => pageRoutes(scope, ctx));
  await app.register(async (scope) => feedRoutes(scope, ctx));
  await app.register(async (scope) => articleApiRoutes(scope, ctx));
  return app;
}
