import type { Queryable } from '../../adapters/db/legacy.js';
import type { BillingEvent, GatewayName } from './gateway.js';

const DATE_FIELDS = new Set(['occurredAt', 'periodStart', 'periodEnd']);

/** Stored events come back with their dates as Date objects again. */
function revive(json: string): BillingEvent[] {
  return JSON.parse(json, (key, value) => (DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value));
}

/**
 * Stores a verified webhook once per gateway event id. Returns the row id, or null when this event was
 * already received (a redelivery): de-duplication is the unique constraint, so it holds under concurrency.
 */
export async function recordWebhookEvent(
  db: Queryable,
  e: { gateway: GatewayName; eventId: string; eventType: string; events: BillingEvent[]; now: Date },
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `insert into webhook_events (gateway, event_id, event_type, payload, received_at) values ($1, $2, $3, $4, $5)
     on conflict (gateway, event_id) do nothing returning id`,
    [e.gateway, e.eventId, e.eventType, JSON.stringify({ events: e.events }), e.now],
  );
  return rows[0]?.id ?? null;
}

export async function markWebhookProcessed(db: Queryable, id: number, now: Date, note: string | null): Promise<void> {
  await db.query('update webhook_events set processed_at = $2, attempts = attempts + 1, last_error = $3 where id = $1', [id, now, note]);
}

export async function markWebhookFailed(db: Queryable, id: number, error: string): Promise<void> {
  await db.query('update webhook_events set attempts = attempts + 1, last_error = $2 where id = $1', [id, error.slice(0, 2000)]);
}

/** Stored events not yet applied (processing failed, or the process died midway), oldest first. */
export async function listUnprocessedWebhooks(
  db: Queryable,
  limit = 100,
): Promise<{ id: number; gateway: GatewayName; events: BillingEvent[] }[]> {
  const { rows } = await db.query<{ id: number; gateway: GatewayName; payload: unknown }>(
    `select id, gateway, payload from webhook_events where processed_at is null and attempts < 20 order by received_at, id limit ${limit}`,
  );
  return rows.map((r) => ({ id: r.id, gateway: r.gateway, events: revive(JSON.stringify((r.payload as { events: unknown }).events)) }));
}
