import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/** Powerful browser features the site never uses, switched off for it and anything it embeds. */
const PERMISSIONS_POLICY = [
  'accelerometer',
  'browsing-topics',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'magnetometer',
  'microphone',
  'payment',
  'usb',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

const HEADERS = Object.freeze({
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'cross-origin-opener-policy': 'same-origin',
  // Other sites may link to our pages but not load our responses into theirs.
  'cross-origin-resource-policy': 'same-site',
  'permissions-policy': PERMISSIONS_POLICY,
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

/**
 * Cache headers for a page every reader may see: public for readers without a session, whose pages are
 * the same bytes for everyone; private for a signed-in reader, whose page names them, so no shared cache
 * can hand it to someone else. `Vary: Cookie` keeps a cache that honours it from mixing the two.
 */
export function publicPage(request: FastifyRequest, reply: FastifyReply, maxAgeSeconds: number): void {
  reply.header('cache-control', request.auth ? 'private, no-cache' : `public, max-age=${maxAgeSeconds}`).header('vary', 'Cookie');
}
