import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Webhook bodies shaped as the samples in Razorpay's documentation (test/fixtures/razorpay/README.md). */
export type RazorpayFixture =
  | 'subscription.activated'
  | 'subscription.charged'
  | 'subscription.halted'
  | 'subscription.paused'
  | 'subscription.resumed'
  | 'subscription.cancelled'
  | 'refund.processed'
  | 'refund.failed';

type Json = Record<string, any>;

/**
 * A documented sample payload with the fields a test needs replaced: `subscription` and `payment` and `refund`
 * are merged into the entities of the same name, `createdAt` sets the event time. Returns the body as sent.
 */
export function razorpayFixture(
  name: RazorpayFixture,
  patch: { subscription?: Json; payment?: Json; refund?: Json; createdAt?: number } = {},
): string {
  const url = new URL(`../fixtures/razorpay/${name}.json`, import.meta.url);
  const event = JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as Json;
  for (const key of ['subscription', 'payment', 'refund'] as const) {
    const over = patch[key];
    if (!over) continue;
    const entity = event.payload?.[key]?.entity as Json | undefined;
    if (!entity) throw new Error(`the ${name} sample has no ${key} entity`);
    Object.assign(entity, over);
  }
  if (patch.createdAt !== undefined) event.created_at = patch.createdAt;
  return JSON.stringify(event);
}
