import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../context.js';

/** Pages use no script and no inline style, so the policy can forbid both. */
const DIRECTIVES: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'none'",
  'style-src': "'self'",
  'img-src': "'self' https: data:",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
};

/** The site's Content-Security-Policy with some directives replaced or added (one page's exceptions). */
export function contentSecurityPolicy(overrides: Record<string, string> = {}): string {
  return Object.entries({ ...DIRECTIVES, ...overrides })
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

const CSP = contentSecurityPolicy();

const HEADERS = Object.freeze({
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'cross-origin-opener-policy': 'same-origin',
});
const HTTPS_HEADERS = Object.freeze({ ...HEADERS, 'strict-transport-security': 'max-age=31536000; includeSubDomains' });

/** Sets the security headers on one reply (ASVS V3.4). HSTS only when the public URL is https. */
export function applySecurityHeaders(ctx: AppContext, reply: FastifyReply): void {
  reply.headers(ctx.config.publicUrl.startsWith('https:') ? HTTPS_HEADERS : HEADERS);
}

/** Security headers on every response; a route may replace the CSP (the Razorpay checkout page loads its script). */
export function securityHeaders(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRequest', (_request, reply, done) => {
    applySecurityHeaders(ctx, reply);
    done();
  });
}

/** Marks every response of a route scope as personal: never stored by a cache, never indexed. */
export function privatePages(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-robots-tag', 'noindex');
    done();
  });
}
