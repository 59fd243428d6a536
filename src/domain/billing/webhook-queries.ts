import type { Db } from '../ports/database.js';
import type { BillingEvent, GatewayName } from './gateway.js';

/** The webhook log (table `webhook_events`): every verified delivery, stored once, and whether it was applied. */

/** How the log marks a delivery parked until its payment arrives (`WaitingForPayment` in events.ts). */
export const WAITING_FOR_PAYMENT = 'waiting for payment';

const DATE_FIELDS = new Set(['occurredAt', 'periodStart', 'periodEnd']);

/** Stored events come back with their dates as Date objects again. */
function revive(json: string): BillingEvent[] {
  return JSON.parse(json, (key, value: unknown) =>
    DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value,
  ) as BillingEvent[];
}

/** A stored webhook: the gateway's events as it normalised them. */
export interface StoredWebhook {
  id: number;
  gateway: GatewayName;
  events: BillingEvent[];
}

/**
 * Stores a verified webhook once per gateway event id. Returns the row id, or null when this event was
 * already received (a redelivery): de-duplication is the unique constraint, so it holds under concurrency.
 */
export async function recordWebhookEvent(
  db: Db,
  e: { gateway: GatewayName; eventId: string; eventType: string; events: BillingEvent[]; now: Date },
): Promise<number | null> {
  const row = await db
    .insertInto('webhook_events')
    .values({
      gateway: e.gateway,
      event_id: e.eventId,
      event_type: e.eventType,
      payload: JSON.stringify({ events: e.events }),
      received_at: e.now,
    })
    .onConflict((oc) => oc.columns(['gateway', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** A stored webhook is applied again by the sweep until it has been tried this many times. */
export const MAX_WEBHOOK_ATTEMPTS = 20;

/**
 * Keeps a signed delivery that could not be read (a payload of a shape we do not know) for someone to
 * look at: stored with its text, never applied, never retried. Null when the same body was parked before.
 */
export async function parkWebhook(
  db: Db,
  p: { gateway: GatewayName; eventId: string; body: string; reason: string; now: Date },
): Promise<number | null> {
  const row = await db
    .insertInto('webhook_events')
    .values({
      gateway: p.gateway,
      event_id: p.eventId,
      event_type: 'unreadable',
      payload: JSON.stringify({ events: [], unreadable: p.body }),
      received_at: p.now,
      attempts: MAX_WEBHOOK_ATTEMPTS,
      last_error: `parked for review: ${p.reason}`.slice(0, 2000),
    })
    .onConflict((oc) => oc.columns(['gateway', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function markWebhookProcessed(db: Db, id: number, now: Date, note: string | null): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set((eb) => ({ processed_at: now, attempts: eb('attempts', '+', 1), last_error: note }))
    .where('id', '=', id)
    .execute();
}

export async function markWebhookFailed(db: Db, id: number, error: string): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 2000) }))
    .where('id', '=', id)
    .execute();
}

/** Stored events not yet applied (processing failed, or the process died midway), oldest first. */
export async function listUnprocessedWebhooks(db: Db, limit = 100, only: { waitingForPayment?: boolean } = {}): Promise<StoredWebhook[]> {
  const rows = await db
    .selectFrom('webhook_events')
    .select(['id', 'gateway', 'payload'])
    .where('processed_at', 'is', null)
    .where('attempts', '<', MAX_WEBHOOK_ATTEMPTS)
    .$if(only.waitingForPayment === true, (q) => q.where('last_error', 'like', `${WAITING_FOR_PAYMENT}%`))
    .orderBy('received_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    gateway: r.gateway as GatewayName,
    events: revive(JSON.stringify((r.payload as { events: unknown }).events)),
  }));
}
