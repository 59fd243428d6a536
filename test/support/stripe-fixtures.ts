import { readFileSync } from 'node:fs';

/**
 * Stripe's documented sample objects (test/fixtures/stripe/, from stripe/openapi fixtures3.json), with a
 * scenario's fields laid over them. Only top-level fields are replaced: nested objects are given whole.
 */
export type StripeSample = 'event' | 'refund' | 'dispute' | 'invoice' | 'subscription' | 'charge' | 'invoice_payment';

const cache = new Map<StripeSample, Record<string, unknown>>();

export function stripeSample(name: StripeSample, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  let sample = cache.get(name);
  if (!sample) {
    sample = JSON.parse(readFileSync(new URL(`../fixtures/stripe/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
    cache.set(name, sample);
  }
  return { ...structuredClone(sample), ...overrides };
}

let sequence = 0;

/** A webhook Event around `object`, shaped like the sample event (`previous_attributes` for `*.updated`). */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  o: { created: number; id?: string; previousAttributes?: Record<string, unknown> },
): Record<string, unknown> {
  return stripeSample('event', {
    id: o.id ?? `evt_test_${++sequence}`,
    type,
    created: o.created,
    api_version: '2026-10-28.endive',
    data: { object, ...(o.previousAttributes ? { previous_attributes: o.previousAttributes } : {}) },
  });
}
