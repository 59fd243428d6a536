import type { Db } from '../ports/database.js';
import type { BillingEvent, GatewayName, PaymentGateway } from './gateway.js';
import { findPaymentByGatewayId } from './payment-queries.js';

/** Events that name a payment by an id the gateway may give in another form (PaymentIntent, Charge). */
const PAYMENT_KEYED = new Set<BillingEvent['type']>(['refund-processed', 'refund-failed', 'payment-disputed']);

/**
 * Before events are applied (outside their transaction, since it asks the gateway): a refund or dispute
 * that names a payment by another of its ids (a refund made in Stripe's Dashboard names the PaymentIntent
 * or Charge, our payments carry the invoice id) is re-keyed to the id we recorded. Ids we know, gateways
 * without `resolvePaymentId`, and ids the gateway cannot place are left as they are. A gateway that cannot
 * be reached throws: the stored webhook is applied again later.
 */
export async function resolvePaymentReferences(
  db: Db,
  name: GatewayName,
  gateway: PaymentGateway | undefined,
  events: BillingEvent[],
): Promise<BillingEvent[]> {
  const resolve = gateway?.resolvePaymentId?.bind(gateway);
  if (!resolve) return events;
  const out: BillingEvent[] = [];
  for (const event of events) {
    if (!PAYMENT_KEYED.has(event.type) || !('gatewayPaymentId' in event) || event.gatewayPaymentId === null) {
      out.push(event);
      continue;
    }
    const known = await findPaymentByGatewayId(db, name, event.gatewayPaymentId);
    const resolved = known ? null : await resolve(event.gatewayPaymentId);
    out.push(resolved && resolved !== event.gatewayPaymentId ? { ...event, gatewayPaymentId: resolved } : event);
  }
  return out;
}
