import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { GatewayName } from '../../domain/billing/gateway.js';
import type { AppContext } from '../../context.js';

const GATEWAY_NAMES: readonly GatewayName[] = ['test', 'razorpay', 'stripe'];

/**
 * POST /webhooks/:gateway. The signature is checked on the raw body as received (JSON re-serialised by a
 * parser would not match). A verified event goes to the billing service, which stores it once per event id
 * and applies it; if applying fails the event stays stored and the sweep job applies it later, so the
 * gateway is answered 2xx either way.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post<{ Params: { gateway: string } }>(
    '/webhooks/:gateway',
    { schema: { params: Type.Object({ gateway: Type.String() }) } },
    async (request, reply) => {
      // An unknown gateway name is a missing resource (404) like an unconfigured one, not bad input.
      const name = request.params.gateway as GatewayName;
      const gateway = GATEWAY_NAMES.includes(name) ? ctx.billing.gateways[name] : undefined;
      if (!gateway) return reply.code(404).send({ error: { code: 'not-found', message: 'No such payment gateway is configured here.' } });
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const now = ctx.now();
      const parsed = gateway.parseWebhook(raw, request.headers, now);
      // Every adapter checks the signature before it reads the payload: `malformed` is signed by the gateway.
      if (!parsed.ok && parsed.reason === 'malformed') {
        request.log.warn({ gateway: name, reason: parsed.message }, 'signed webhook not understood; parked for review');
        await ctx.billing.service.parkUnreadableWebhook(name, raw, parsed.message);
        return { received: true, parked: true };
      }
      if (!parsed.ok) {
        request.log.warn({ gateway: name, reason: parsed.reason }, 'webhook refused');
        return reply.code(401).send({ error: { code: 'unauthorized', message: parsed.message } });
      }
      const received = await ctx.billing.service.receiveWebhookEvent(name, parsed);
      if (received.duplicate) return { received: true, duplicate: true };
      if (!received.applied.ok) {
        request.log.error({ err: received.applied.error, gateway: name, eventId: parsed.eventId }, 'webhook processing failed; will retry');
      }
      return { received: true };
    },
  );
}
