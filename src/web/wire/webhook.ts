import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';

/** How far a push's timestamp may be from our clock: older (or later) pushes are refused as replays. */
export const WIRE_REPLAY_WINDOW_S = 300;

/** The signature a push carries: HMAC-SHA256 of `<timestamp>.<raw body>` with the agency's secret, in hex. */
export function wireSignature(secret: string, timestamp: string, raw: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex');
}

const refuse = (code: string, message: string) => ({ error: { code, message } });

/**
 * POST /webhooks/wire/:code — an agency pushes a document in its configured format. Headers: `X-Wire-Timestamp`
 * (Unix seconds) and `X-Wire-Signature: sha256=<hex>` over `<timestamp>.<raw body>` with MASTHEAD_WIRE_<CODE>_SECRET.
 * A push outside the replay window is refused; a replay inside it takes nothing (items are de-duplicated by id
 * and version). The answer reports what was taken and each skipped item with its reason.
 */
export async function wireWebhookRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post<{ Params: { code: string } }>(
    '/webhooks/wire/:code',
    { schema: { params: Type.Object({ code: Type.String({ maxLength: 40 }) }) } },
    async (request, reply) => {
      const target = await ctx.wire.pushTarget(request.params.code);
      if (!target) return reply.code(404).send(refuse('not-found', 'No agency pushes to this address.'));
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const timestamp = String(request.headers['x-wire-timestamp'] ?? '');
      const given = /^sha256=([0-9a-f]{64})$/.exec(String(request.headers['x-wire-signature'] ?? ''))?.[1];
      if (!/^\d{1,12}$/.test(timestamp) || !given)
        return reply.code(401).send(refuse('unauthorized', 'Sign the push: X-Wire-Timestamp and X-Wire-Signature: sha256=<hex>.'));
      const expected = Buffer.from(wireSignature(target.secret, timestamp, raw), 'hex');
      if (!timingSafeEqual(expected, Buffer.from(given, 'hex')))
        return reply.code(401).send(refuse('unauthorized', 'The signature does not match.'));
      // Checked after the signature, so only the agency learns its clock is off.
      if (Math.abs(ctx.now().getTime() / 1000 - Number(timestamp)) > WIRE_REPLAY_WINDOW_S)
        return reply
          .code(401)
          .send(
            refuse(
              'unauthorized',
              `The timestamp is more than ${WIRE_REPLAY_WINDOW_S} seconds from now: a replay, or a clock that is off.`,
            ),
          );
      const report = await ctx.wire.receive(target.agency.code, raw.toString('utf8'));
      if (!report) return reply.code(404).send(refuse('not-found', 'No agency pushes to this address.'));
      return {
        received: true,
        created: report.created,
        updated: report.updated,
        killed: report.killed,
        unchanged: report.unchanged,
        skipped: report.problems,
      };
    },
  );
}
