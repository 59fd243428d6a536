import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedSession } from '../../domain/accounts/session-service.js';
import { SESSION_TIMEOUTS } from '../../domain/accounts/model.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in reader's session: from the session cookie on pages, from a bearer token on the API. */
    auth: ResolvedSession | null;
  }
}

/** `__Host-` keeps the cookie to this exact origin over https (ASVS 3.3.1); plain http (local demo) cannot use it. */
export function sessionCookieName(ctx: AppContext): string {
  return ctx.config.publicUrl.startsWith('https:') ? '__Host-mh_session' : 'mh_session';
}

/** What kind of route answers a request: the app API, a gateway webhook, or a page. */
export type RouteKind = 'api' | 'webhook' | 'page';

/**
 * The kind of the route Fastify matched, from the route's own path (`/api/v1/me/devices/:id`), never from
 * the URL the client sent: `/%61pi/v1/me` matches the API route too, and must be treated as the API.
 * Null when no route matched (the 404 handler).
 */
export function routeKind(request: FastifyRequest): RouteKind | null {
  const route = request.routeOptions.url;
  if (route === undefined) return null;
  if (route.startsWith('/api/')) return 'api';
  if (route.startsWith('/webhooks/')) return 'webhook';
  return 'page';
}

/** Whether the matched API route takes a bearer token (required or optional): its OpenAPI `security` names it. */
function takesBearer(request: FastifyRequest): boolean {
  const security = (request.routeOptions.schema as { security?: Record<string, unknown>[] } | undefined)?.security;
  return Array.isArray(security) && security.some((requirement) => Object.hasOwn(requirement, 'bearer'));
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,100})$/;

const invalidToken = () => new HttpProblem('invalid-token', 'The access token is not valid or has expired. Refresh it, or sign in again.');

/**
 * Resolves the session of every request that carries one, by the credential its route takes: API routes
 * read only bearer tokens and pages only the cookie, so a cross-site page can never ride a reader's
 * cookie into the API, however the URL is spelt. On an API route that takes a token, an Authorization
 * header that does not name a live session is a 401 `invalid-token` even where the token is optional,
 * so an app learns to refresh instead of silently reading as an anonymous reader.
 */
export function registerAuthentication(app: FastifyInstance, ctx: AppContext): void {
  const cookieName = sessionCookieName(ctx);
  app.decorateRequest('auth', null);
  // Callback style: most requests carry no session and should not pay for a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const kind = routeKind(request);
    let token: string | undefined;
    if (kind === 'page') {
      token = request.cookies[cookieName];
    } else if (kind === 'api' && request.headers.authorization !== undefined && takesBearer(request)) {
      token = BEARER.exec(request.headers.authorization)?.[1];
      if (!token) {
        done(invalidToken());
        return;
      }
    }
    if (!token) {
      done();
      return;
    }
    ctx.accounts.resolveSession(token).then((session) => {
      if (!session && kind === 'api') {
        done(invalidToken());
        return;
      }
      request.auth = session;
      done();
    }, done);
  });
}

export function setSessionCookie(ctx: AppContext, reply: FastifyReply, token: string): void {
  reply.setCookie(sessionCookieName(ctx), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https:'),
    maxAge: SESSION_TIMEOUTS.absoluteMs / 1000,
  });
}

export function clearSessionCookie(ctx: AppContext, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(ctx), { path: '/', secure: ctx.config.publicUrl.startsWith('https:') });
}

/** The session of a request whose route requires one (a hook sent everyone else elsewhere before the handler). */
export function requireSession(request: FastifyRequest): ResolvedSession {
  if (!request.auth) throw new HttpProblem('unauthorized', 'Sign in first.');
  return request.auth;
}
