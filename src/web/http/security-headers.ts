import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/** Pages use no script and no inline style, so the policy can forbid both. */
const CSP = [
  "default-src 'self'",
  "script-src 'none'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers on every response (ASVS V3.4). HSTS only when the public URL is https. */
export function securityHeaders(app: FastifyInstance, ctx: AppContext): void {
  const https = ctx.config.publicUrl.startsWith('https:');
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
}
