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

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header);
  return match ? match[1]! : null;
}

/**
 * Resolves the session of every request that carries one. The API reads only bearer tokens and pages only
 * the cookie, so a cross-site page can never ride a reader's cookie into the API.
 */
export function registerAuthentication(app: FastifyInstance, ctx: AppContext): void {
  const cookieName = sessionCookieName(ctx);
  app.decorateRequest('auth', null);
  // Callback style: most requests carry no session and should not pay for a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const token = request.url.startsWith('/api/') ? bearer(request) : request.cookies[cookieName];
    if (!token) return done();
    ctx.accounts.resolveSession(token).then((session) => {
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

/** The signed-in session, or a 401 problem (API) — pages redirect with `requirePageUser` instead. */
export function requireAuth(request: FastifyRequest): ResolvedSession {
  if (!request.auth) throw new HttpProblem('unauthorized', 'Sign in first.');
  return request.auth;
}
