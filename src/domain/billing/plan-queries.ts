import type { Selectable } from 'kysely';
import type { Db } from '../ports/database.js';
import type { Plans } from '../ports/schema.js';
import type { GatewayName } from './gateway.js';
import type { Plan } from './plans.js';

/** Plans (table `plans`) and the gateways' own plan ids for them (table `gateway_plans`). */

export const PLAN_COLUMNS = [
  'id',
  'slug',
  'name',
  'term_count',
  'term_unit',
  'price_minor',
  'currency',
  'entitlements',
  'position',
  'highlighted',
] as const;

export function toPlan(r: Pick<Selectable<Plans>, (typeof PLAN_COLUMNS)[number]>): Plan {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    term: { count: r.term_count, unit: r.term_unit },
    price: { minor: r.price_minor, currency: r.currency },
    entitlements: r.entitlements,
    position: r.position,
    highlighted: r.highlighted,
  };
}

/** The plans on sale, in the publisher's order. */
export async function listActivePlans(db: Db): Promise<Plan[]> {
  const rows = await db.selectFrom('plans').select(PLAN_COLUMNS).where('active', '=', true).orderBy('position').orderBy('id').execute();
  return rows.map(toPlan);
}

/** Any plan by id, active or not (old subscriptions may be on a retired plan). */
export async function findPlan(db: Db, id: number): Promise<Plan | null> {
  const row = await db.selectFrom('plans').select(PLAN_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toPlan(row) : null;
}

/** Several plans by id, active or not, keyed by id. */
export async function findPlans(db: Db, ids: readonly number[]): Promise<Map<number, Plan>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('plans')
    .select(PLAN_COLUMNS)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, toPlan(r)]));
}

export async function findActivePlanBySlug(db: Db, slug: string): Promise<Plan | null> {
  const row = await db.selectFrom('plans').select(PLAN_COLUMNS).where('slug', '=', slug).where('active', '=', true).executeTakeFirst();
  return row ? toPlan(row) : null;
}

export async function countPlans(db: Db): Promise<number> {
  const row = await db
    .selectFrom('plans')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Adds the plan, or updates the one with its slug. */
export async function upsertPlan(db: Db, plan: Omit<Plan, 'id'>): Promise<void> {
  await db
    .insertInto('plans')
    .values({
      slug: plan.slug,
      name: plan.name,
      term_count: plan.term.count,
      term_unit: plan.term.unit,
      price_minor: plan.price.minor,
      currency: plan.price.currency,
      entitlements: plan.entitlements,
      position: plan.position,
    })
    .onConflict((oc) =>
      oc.column('slug').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        term_count: eb.ref('excluded.term_count'),
        term_unit: eb.ref('excluded.term_unit'),
        price_minor: eb.ref('excluded.price_minor'),
        currency: eb.ref('excluded.currency'),
        entitlements: eb.ref('excluded.entitlements'),
        position: eb.ref('excluded.position'),
      })),
    )
    .execute();
}

/** The gateway's id for our plan at this price, when one was created before (Razorpay plans are immutable). */
export async function findGatewayPlanId(db: Db, gateway: GatewayName, planId: number, priceMinor: number): Promise<string | null> {
  const row = await db
    .selectFrom('gateway_plans')
    .select('gateway_plan_id')
    .where('gateway', '=', gateway)
    .where('plan_id', '=', planId)
    .where('price_minor', '=', priceMinor)
    .executeTakeFirst();
  return row?.gateway_plan_id ?? null;
}

/**
 * Remembers the gateway's id for our plan at this price: the first one stored wins (a plan made through the API),
 * unless `replace` (an id staff enter by hand in the plans editor).
 */
export async function saveGatewayPlanId(
  db: Db,
  gateway: GatewayName,
  planId: number,
  priceMinor: number,
  gatewayPlanId: string,
  options: { replace?: boolean } = {},
): Promise<void> {
  await db
    .insertInto('gateway_plans')
    .values({ gateway, plan_id: planId, price_minor: priceMinor, gateway_plan_id: gatewayPlanId })
    .onConflict((oc) =>
      options.replace ? oc.columns(['gateway', 'plan_id', 'price_minor']).doUpdateSet({ gateway_plan_id: gatewayPlanId }) : oc.doNothing(),
    )
    .execute();
}
