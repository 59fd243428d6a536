import type { Db, Tx } from '../ports/database.js';
import type { Plan, TermUnit } from './plans.js';
import { PLAN_COLUMNS, toPlan } from './plan-queries.js';

/** The plans editor's reads and writes on `plans` and `gateway_plans` (price versions: see migration 019). */

export interface EditorPlanRow {
  id: number;
  slug: string;
  name: string;
  termCount: number;
  termUnit: TermUnit;
  priceMinor: number;
  currency: string;
  entitlements: string[];
  position: number;
  active: boolean;
  highlighted: boolean;
}

// The columns every plan read takes, and whether the plan is still on sale.
const COLUMNS = [...PLAN_COLUMNS, 'active'] as const;

type Row = { [K in (typeof COLUMNS)[number]]: unknown };
const toRow = (r: Row): EditorPlanRow => ({
  id: r.id as number,
  slug: r.slug as string,
  name: r.name as string,
  termCount: r.term_count as number,
  termUnit: r.term_unit as TermUnit,
  priceMinor: r.price_minor as number,
  currency: r.currency as string,
  entitlements: r.entitlements as string[],
  position: r.position as number,
  active: r.active as boolean,
  highlighted: r.highlighted as boolean,
});

/** Every plan that is not an old price version of another: on sale first, in the publisher's order, then retired. */
export async function listEditorPlans(db: Db | Tx): Promise<EditorPlanRow[]> {
  const rows = await db
    .selectFrom('plans')
    .select(COLUMNS)
    .where('replaced_by', 'is', null)
    .orderBy('active', 'desc')
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map(toRow);
}

/** A plan the editor shows (not an old price version of another). */
const editorPlan = (db: Db | Tx, id: number) =>
  db.selectFrom('plans').select(COLUMNS).where('id', '=', id).where('replaced_by', 'is', null);

export async function lockEditorPlan(tx: Tx, id: number): Promise<EditorPlanRow | null> {
  const row = await editorPlan(tx, id).forUpdate().executeTakeFirst();
  return row ? toRow(row) : null;
}

/** A plan the editor shows, as billing and the gateways read plans. */
export async function findEditorPlan(db: Db | Tx, id: number): Promise<Plan | null> {
  const row = await editorPlan(db, id).executeTakeFirst();
  return row ? toPlan(row) : null;
}

export async function slugTaken(db: Db | Tx, slug: string): Promise<boolean> {
  return (await db.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

export async function nextPlanPosition(db: Db | Tx): Promise<number> {
  const row = await db
    .selectFrom('plans')
    .select((eb) => eb.fn.max('position').as('max'))
    .executeTakeFirst();
  return (row?.max ?? 0) + 1;
}

export async function insertPlan(db: Db | Tx, plan: Omit<EditorPlanRow, 'id'>): Promise<number> {
  const row = await db
    .insertInto('plans')
    .values({
      slug: plan.slug,
      name: plan.name,
      term_count: plan.termCount,
      term_unit: plan.termUnit,
      price_minor: plan.priceMinor,
      currency: plan.currency,
      entitlements: plan.entitlements,
      position: plan.position,
      active: plan.active,
      highlighted: plan.highlighted,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePlanRow(
  db: Db | Tx,
  id: number,
  fields: Partial<{
    slug: string;
    name: string;
    term_count: number;
    term_unit: TermUnit;
    price_minor: number;
    entitlements: string[];
    position: number;
    active: boolean;
    highlighted: boolean;
    replaced_by: number;
  }>,
): Promise<void> {
  await db.updateTable('plans').set(fields).where('id', '=', id).execute();
}

export async function clearHighlight(db: Db | Tx): Promise<void> {
  await db.updateTable('plans').set({ highlighted: false }).where('highlighted', '=', true).execute();
}

/** Whether anyone ever bought the plan: then its price and term are what they renew at, and must not change. */
export async function planWasSold(db: Db | Tx, id: number): Promise<boolean> {
  const [sub, payment] = await Promise.all([
    db
      .selectFrom('subscriptions')
      .select('id')
      .where((eb) => eb.or([eb('plan_id', '=', id), eb('next_plan_id', '=', id)]))
      .limit(1)
      .executeTakeFirst(),
    db.selectFrom('payments').select('id').where('plan_id', '=', id).limit(1).executeTakeFirst(),
  ]);
  return sub !== undefined || payment !== undefined;
}

/** The gateways' plan ids stored for these plans, at their current prices. */
export async function gatewayPlanIds(
  db: Db | Tx,
  plans: readonly { id: number; priceMinor: number }[],
): Promise<Map<number, { gateway: string; id: string }[]>> {
  const result = new Map<number, { gateway: string; id: string }[]>();
  if (plans.length === 0) return result;
  const rows = await db
    .selectFrom('gateway_plans')
    .select(['gateway', 'plan_id', 'price_minor', 'gateway_plan_id'])
    .where(
      'plan_id',
      'in',
      plans.map((p) => p.id),
    )
    .execute();
  for (const row of rows) {
    if (plans.find((p) => p.id === row.plan_id)?.priceMinor !== row.price_minor) continue;
    result.set(row.plan_id, [...(result.get(row.plan_id) ?? []), { gateway: row.gateway, id: row.gateway_plan_id }]);
  }
  return result;
}

/** Forgets the gateways' plans for a plan whose term changed: they bill the old term. */
export async function forgetGatewayPlans(db: Db | Tx, planId: number): Promise<void> {
  await db.deleteFrom('gateway_plans').where('plan_id', '=', planId).execute();
}
