import { createHash } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { Db } from '../ports/database.js';
import type { BillingEvent, GatewayName } from './gateway.js';
import {
  listUnprocessedWebhooks,
  markWebhookFailed,
  markWebhookProcessed,
  parkWebhook,
  recordWebhookEvent,
  type StoredWebhook,
} from './webhook-queries.js';

/**
 * Gateway webhooks, one path for all: a verified delivery is stored once per event id, then applied;
 * if applying fails the event stays stored and `applyStoredWebhooks` (the billing sweep job) applies it
 * later. Applying is idempotent, so a retry after a crash midway changes nothing twice.
 */

/** Applies normalised events (in one transaction) and returns notes for the webhook log. */
export type ApplyEvents = (gateway: GatewayName, events: BillingEvent[]) => Promise<string[]>;

export type Applied = { ok: true } | { ok: false; error: Error };

/** Applies one stored webhook and records the outcome in the log: processed (with any notes), or failed. */
export async function applyStoredEvent(db: Db, stored: StoredWebhook, apply: ApplyEvents, now: Clock): Promise<Applied> {
  try {
    const notes = await apply(stored.gateway, stored.events);
    await markWebhookProcessed(db, stored.id, now(), notes.length ? notes.join('; ') : null);
    return { ok: true };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    await markWebhookFailed(db, stored.id, failure.message);
    return { ok: false, error: failure };
  }
}

/**
 * A verified webhook: stored once, then applied. A redelivery of an event already stored is a duplicate
 * and changes nothing (the unique event id decides, so 50 deliveries at once make one payment).
 */
export async function receiveWebhookEvent(
  db: Db,
  received: { gateway: GatewayName; eventId: string; eventType: string; events: BillingEvent[] },
  apply: ApplyEvents,
  now: Clock,
): Promise<{ duplicate: true } | { duplicate: false; applied: Applied }> {
  const id = await recordWebhookEvent(db, { ...received, now: now() });
  if (id === null) return { duplicate: true };
  const applied = await applyStoredEvent(db, { id, gateway: received.gateway, events: received.events }, apply, now);
  // A payment just recorded may be the one a parked refund waits for: apply those now, not at the next sweep.
  if (applied.ok && received.events.some((e) => e.type === 'payment-captured' || e.type === 'one-time-payment-captured')) {
    for (const waiting of await listUnprocessedWebhooks(db, 100, { waitingForPayment: true }))
      await applyStoredEvent(db, waiting, apply, now);
  }
  return { duplicate: false, applied };
}

/** How much of an unreadable delivery is kept for review. */
const PARKED_BODY_CHARS = 100_000;

/**
 * A delivery whose signature is good but whose payload we cannot read. It is acknowledged, never refused:
 * a gateway retries refused deliveries and, after a day of failures, disables the endpoint (Razorpay), which
 * would lose every event after it. Kept once per body for review.
 */
export async function parkUnreadableWebhook(
  db: Db,
  p: { gateway: GatewayName; rawBody: Buffer; reason: string },
  now: Clock,
): Promise<void> {
  const eventId = `unreadable-sha256:${createHash('sha256').update(p.rawBody).digest('hex')}`;
  const body = p.rawBody.toString('utf8').slice(0, PARKED_BODY_CHARS);
  await parkWebhook(db, { gateway: p.gateway, eventId, body, reason: p.reason, now: now() });
}

/** Applies again every stored webhook whose processing failed or never finished, oldest first. */
export async function applyStoredWebhooks(db: Db, apply: ApplyEvents, now: Clock): Promise<void> {
  for (const stored of await listUnprocessedWebhooks(db)) await applyStoredEvent(db, stored, apply, now);
}
