import { epaperRoutes } from './epaper/routes.js';
import { epaperApiRoutes } from './api/epaper.js';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import swagger from '@fastify/swagger';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { accountRoutes } from './accounts/routes.js';
import { articleApiRoutes } from './api/articles.js';
import { searchApiRoutes } from './api/search.js';
import { authApiRoutes } from './api/auth.js';
import { adminArticleApiRoutes } from './api/admin-articles.js';
import { adminImageApiRoutes } from './api/admin-images.js';
import { adminNewsroomApiRoutes } from './api/admin-newsroom.js';
import { adminSettingsApiRoutes } from './api/admin-settings.js';
import { registerAuthentication, routeKind } from './http/auth.js';
import type { AppContext } from '../context.js';
import { feedRoutes } from './feeds/routes.js';
import { webhookRoutes } from './billing/webhooks.js';
import { wireWebhookRoutes } from './wire/webhook.js';
import { billingPageRoutes } from './billing/routes.js';
import { adminRoutes } from './admin/routes.js';
import { mediaRoutes } from './media/routes.js';
import { describeError, retryAfter } from './http/errors.js';
import { declaredRoutes as declared } from './http/forms.js';
import { applySecurityHeaders, securityHeaders } from './http/security-headers.js';
import { pageChrome } from './pages/chrome.js';
import { pageRoutes } from './pages/routes.js';
import { trustPageRoutes } from './pages/trust-pages.js';
import { ipAllowListRoutes } from './api/ip-allowlist.js';
import { errorPage } from './views/pages.js';
import { newsletterRoutes, ONE_CLICK_ROUTE } from './newsletters/routes.js';

/**
 * Whether an error is answered in the API's JSON: by the matched route when there is one (as Fastify
 * decoded the path), else, for a URL no route matches, by how it starts.
 */
const answersJson = (request: FastifyRequest) => {
  const kind = routeKind(request);
  return kind === null ? request.url.startsWith('/api/') : kind === 'api';
};

/** Answers an error as JSON for the API and as an HTML page elsewhere; 5xx details never leave the server. */
async function sendError(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const { code, status, message, retryAfterSeconds } = describeError(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  // Errors raised before routing (a malformed URL) skip the hooks, so the headers are set here too.
  applySecurityHeaders(ctx, reply);
  reply.code(status).header('cache-control', 'no-store');
  if (code === 'rate-limited' || code === 'unavailable') reply.header('retry-after', retryAfter(retryAfterSeconds));
  if (answersJson(request)) {
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="api"');
    return reply.send({ error: { code, message } });
  }
  // Without the sections (the database out of reach, say), the page is drawn without its navigation.
  const chrome = await pageChrome(ctx, request).catch(() => ({ site: ctx.site, sections: [], copy: ctx.copy, user: null }));
  const text =
    status === 404
      ? ctx.copy.render('site.not_found')
      : code === 'unavailable'
        ? ctx.copy.render('site.unavailable')
        : status >= 500
          ? ctx.copy.render('site.server_error')
          : message;
  return reply.type('text/html; charset=utf-8').send(errorPage(chrome, status, text));
}

/** One route as registered: for tests that walk every route (schemas present, odd input answered). */
export interface RouteSummary {
  methods: string[];
  url: string;
  schema: { params?: unknown; querystring?: unknown; body?: unknown };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app, in the order registered. */
    routeList: readonly RouteSummary[];
  }
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

  const routes: RouteSummary[] = [];
  app.addHook('onRoute', (route) => {
    routes.push({ methods: [route.method].flat(), url: route.url, schema: route.schema ?? {} });
  });
  app.decorate('routeList', routes);
  await app.register(cookie);
  await app.register(formbody);
  await app.register(csrf, {
    cookieKey: 'mh_csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: ctx.config.publicUrl.startsWith('https:') },
  });
  // The OpenAPI document is generated from the schemas of the /api routes (served at /api/openapi.json).
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'API', version: '1' }, // the publication's name is put in as the document is served
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          edgeToken: { type: 'http', scheme: 'bearer', description: 'MASTHEAD_EDGE_TOKEN, or a staff access token with manageBusiness.' },
        },
      },
    },
    transform: ({ schema, url }) => ({ schema: { ...schema, hide: !url.startsWith('/api/v1/') }, url }),
  });
  securityHeaders(app, ctx);
  registerAuthentication(app, ctx);
  // Every state-changing form needs the CSRF token. The API authenticates with bearer tokens only, which
  // a cross-site page cannot send; gateway webhooks are verified by their signatures. Decided by the
  // route Fastify matched, never by the URL as the client spelt it.
  app.addHook('preHandler', (request, reply, done) => {
    const safe = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
    // Unknown routes fall through to the 404 handler: there is no form to protect.
    // RFC 8058's one-click unsubscribe comes from a mail provider with no session or token: its signed link suffices.
    if (safe || routeKind(request) !== 'page' || request.routeOptions.url === ONE_CLICK_ROUTE) {
      done();
      return;
    }
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler((error, request, reply) => sendError(ctx, request, reply, error));
  app.setNotFoundHandler((request, reply) => sendError(ctx, request, reply, { statusCode: 404 }));

  await app.register(async (scope) => pageRoutes(scope, ctx));
  await app.register(async (scope) => trustPageRoutes(scope, ctx));
  await app.register(async (scope) => feedRoutes(scope, ctx));
  await app.register(async (scope) => mediaRoutes(scope, ctx));
  await app.register(async (scope) => epaperRoutes(scope, ctx));
  await app.register(
    declared((scope) => {
      articleApiRoutes(scope, ctx);
    }),
  );
  await app.register(
    declared((scope) => {
      searchApiRoutes(scope, ctx);
    }),
  );
  await app.register(
    declared((scope) => {
      epaperApiRoutes(scope, ctx);
    }),
  );
  await app.register(
    declared((scope) => {
      accountRoutes(scope, ctx);
    }),
  );
  await app.register(async (scope) => authApiRoutes(scope, ctx));
  await app.register(
    declared((scope) => {
      adminArticleApiRoutes(scope, ctx);
    }),
  );
  await app.register(
    declared((scope) => {
      adminNewsroomApiRoutes(scope, ctx);
    }),
  );
  await app.register(async (scope) => adminImageApiRoutes(scope, ctx));
  await app.register(
    declared((scope) => {
      adminSettingsApiRoutes(scope, ctx);
    }),
  );
  await app.register(
    declared((scope) => {
      ipAllowListRoutes(scope, ctx);
    }),
  );
  await app.register(async (scope) => webhookRoutes(scope, ctx));
  await app.register(async (scope) => wireWebhookRoutes(scope, ctx));
  await app.register(async (scope) => billingPageRoutes(scope, ctx));
  await app.register(async (scope) => adminRoutes(scope, ctx));
  await app.register(async (scope) => newsletterRoutes(scope, ctx));
  // The test gateway delivers its webhooks over HTTP to this very app, as a real gateway would.
  ctx.billing.connectWebhooks(async (payload, headers) => {
    const response = await app.inject({ method: 'POST', url: '/webhooks/test', payload, headers });
    if (response.statusCode >= 300) throw new Error(`webhook delivery answered ${response.statusCode}: ${response.body}`);
  });
  return app;
}
