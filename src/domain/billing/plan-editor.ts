import { recordChange } from '../audit/audit.js';
import { fail, ok, type Result } from '../errors.js';
import type { Db, Tx } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { announceChange } from '../site/changes.js';
import { GATEWAY_NAMES, type GatewayName, type PlanMakingGateway } from './gateway.js';
import { mandateWarning } from './mandate-limits.js';
import { findGatewayPlanId, saveGatewayPlanId } from './plan-queries.js';
import { grantToPlanSubscribers } from './subscription-queries.js';
import {
  clearHighlight,
  findEditorPlan,
  forgetGatewayPlans,
  gatewayPlanIds,
  insertPlan,
  listEditorPlans,
  lockEditorPlan,
  nextPlanPosition,
  planWasSold,
  slugTaken,
  updatePlanRow,
  type EditorPlanRow,
} from './plan-editor-queries.js';
import type { TermUnit } from './plans.js';
import { listCatalogueRows } from '../entitlements/catalogue-queries.js';

/**
 * The plans editor (policy `manageBusiness`). A price or term change applies to new subscribers only: once a
 * plan has been sold, the change retires its row (which its subscribers keep renewing on, at the price they
 * bought) and puts a new row on sale under the same address, name, place and highlight. A retired plan is no
 * longer sold; its subscribers keep renewing. At most one plan on sale is highlighted ("Best value").
 */

export interface PlanFields {
  name: string;
  termCount: number;
  termUnit: TermUnit;
  priceMinor: number;
  /** Keys of the entitlement catalogue the plan grants (at least one; an unknown key is refused). */
  entitlements: readonly string[];
}

export interface EditorPlan extends EditorPlanRow {
  /** The RBI e-mandate warning for a price above ₹15,000, or null. */
  warning: string | null;
  gatewayPlans: { gateway: string; id: string }[];
}

export async function listPlansForEditor(db: Db, actor: Actor): Promise<EditorPlan[]> {
  authorize(actor, 'manageBusiness');
  const rows = await listEditorPlans(db);
  const ids = await gatewayPlanIds(db, rows);
  return rows.map((row) => ({
    ...row,
    warning: mandateWarning({ name: row.name, price: { minor: row.priceMinor, currency: row.currency } }),
    gatewayPlans: ids.get(row.id) ?? [],
  }));
}

const audited = (
  row: Pick<EditorPlanRow, 'name' | 'termCount' | 'termUnit' | 'priceMinor' | 'active' | 'highlighted' | 'position'> & {
    entitlements: readonly string[];
  },
) => ({
  name: row.name,
  entitlements: [...row.entitlements].sort(),
  term: `${row.termCount} ${row.termUnit}`,
  priceMinor: row.priceMinor,
  onSale: row.active,
  highlighted: row.highlighted,
  position: row.position,
});

/** The plan's entitlements, each once, in catalogue order; or why they cannot be saved. */
async function checkEntitlements(tx: Tx, keys: readonly string[]): Promise<Result<string[], 'invalid-input'>> {
  const known = (await listCatalogueRows(tx)).map((row) => row.key);
  const unknown = keys.filter((key) => !known.includes(key));
  if (unknown.length > 0) return fail('invalid-input', `Not in the entitlement catalogue: ${unknown.join(', ')}.`);
  if (keys.length === 0) return fail('invalid-input', 'Choose what the plan gives its subscribers.');
  return ok(known.filter((key) => keys.includes(key)));
}

async function log(tx: Tx, actor: Actor, subject: string, action: string, before: object | null, after: object | null, now: Date) {
  await recordChange(
    tx,
    {
      actor,
      area: 'plans',
      subject,
      action,
      before: before as Record<string, unknown> | null,
      after: after as Record<string, unknown> | null,
    },
    now,
  );
  await announceChange(tx);
}

export async function createPlan(
  db: Db,
  actor: Actor,
  input: PlanFields & { slug: string; now: Date },
): Promise<Result<number, 'conflict' | 'invalid-input'>> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    if (await slugTaken(tx, input.slug)) return fail('conflict', `The address /subscribe/${input.slug} is taken: choose another.`);
    const entitlements = await checkEntitlements(tx, input.entitlements);
    if (!entitlements.ok) return entitlements;
    const row = {
      slug: input.slug,
      name: input.name,
      termCount: input.termCount,
      termUnit: input.termUnit,
      priceMinor: input.priceMinor,
      currency: 'INR',
      entitlements: entitlements.value,
      position: await nextPlanPosition(tx),
      active: true,
      highlighted: false,
    };
    const id = await insertPlan(tx, row);
    await log(tx, actor, input.name, 'create', null, audited(row), input.now);
    return ok(id);
  });
}

/** Edits a plan; a new price or term on a plan already sold makes a new version (see above). Returns the id on sale. */
export async function editPlan(
  db: Db,
  actor: Actor,
  id: number,
  input: PlanFields & { now: Date },
): Promise<Result<number, 'not-found' | 'invalid-input'>> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    const plan = await lockEditorPlan(tx, id);
    if (!plan) return fail('not-found', 'There is no such plan.');
    const entitlements = await checkEntitlements(tx, input.entitlements);
    if (!entitlements.ok) return entitlements;
    const after = { ...plan, ...input, entitlements: entitlements.value };
    const termsChanged = input.priceMinor !== plan.priceMinor || input.termCount !== plan.termCount || input.termUnit !== plan.termUnit;
    let current = id;
    // Something added reaches the plan's subscribers now; something taken away stays until their paid term ends
    // (events.ts `syncEntitlements`).
    const added = entitlements.value.filter((key) => !plan.entitlements.includes(key));
    if (termsChanged && (await planWasSold(tx, id))) {
      // The old row keeps its subscribers and what they bought, with anything added; it gives up its address
      // (unique) and highlight to the new one.
      const retiredSlug = `${plan.slug.slice(0, 45)}-v${id}`;
      await updatePlanRow(tx, id, { slug: retiredSlug, active: false, highlighted: false, entitlements: [...plan.entitlements, ...added] });
      current = await insertPlan(tx, { ...after, slug: plan.slug });
      await updatePlanRow(tx, id, { replaced_by: current });
    } else {
      await updatePlanRow(tx, id, {
        name: input.name,
        term_count: input.termCount,
        term_unit: input.termUnit,
        price_minor: input.priceMinor,
        entitlements: entitlements.value,
      });
      // Gateway plans are stored by price; one made for the old term would bill the old term.
      if (input.termCount !== plan.termCount || input.termUnit !== plan.termUnit) await forgetGatewayPlans(tx, id);
    }
    await grantToPlanSubscribers(tx, id, added, input.now);
    await log(tx, actor, plan.name, 'update', audited(plan), audited(after), input.now);
    return ok(current);
  });
}

export type PlanAction = 'highlight' | 'unhighlight' | 'retire' | 'restore' | 'up' | 'down';

export async function changePlan(
  db: Db,
  actor: Actor,
  id: number,
  action: PlanAction,
  now: Date,
): Promise<Result<null, 'not-found' | 'conflict'>> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    const plan = await lockEditorPlan(tx, id);
    if (!plan) return fail('not-found', 'There is no such plan.');
    if (action === 'highlight' && !plan.active) return fail('conflict', 'A retired plan cannot be highlighted: put it on sale first.');
    const after = { ...plan };
    if (action === 'highlight' || action === 'unhighlight') {
      await clearHighlight(tx);
      if (action === 'highlight') await updatePlanRow(tx, id, { highlighted: true });
      after.highlighted = action === 'highlight';
    } else if (action === 'retire' || action === 'restore') {
      after.active = action === 'restore';
      after.highlighted = false;
      await updatePlanRow(tx, id, { active: after.active, highlighted: false });
    } else {
      const onSale = (await listEditorPlans(tx)).filter((p) => p.active);
      const at = onSale.findIndex((p) => p.id === id);
      const other = onSale[action === 'up' ? at - 1 : at + 1];
      if (at < 0 || !other) return ok(null);
      // Positions may repeat (plans added by the command line): give each its index first, then swap.
      for (const [index, p] of onSale.entries()) if (p.position !== index + 1) await updatePlanRow(tx, p.id, { position: index + 1 });
      await updatePlanRow(tx, id, { position: (action === 'up' ? at - 1 : at + 1) + 1 });
      await updatePlanRow(tx, other.id, { position: at + 1 });
      after.position = (action === 'up' ? at - 1 : at + 1) + 1;
      plan.position = at + 1;
    }
    await log(tx, actor, plan.name, action, audited(plan), audited(after), now);
    return ok(null);
  });
}

/** Stores a gateway's plan id entered by hand (a Razorpay plan id or a Stripe price id) for the plan's current price. */
export async function setGatewayPlan(
  db: Db,
  actor: Actor,
  input: { planId: number; gateway: Exclude<GatewayName, 'test'>; gatewayPlanId: string; now: Date },
): Promise<Result<null, 'not-found'>> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    const plan = await lockEditorPlan(tx, input.planId);
    if (!plan) return fail('not-found', 'There is no such plan.');
    await saveGatewayPlanId(tx, input.gateway, plan.id, plan.priceMinor, input.gatewayPlanId, { replace: true });
    await log(tx, actor, plan.name, 'gateway-plan', null, { [input.gateway]: input.gatewayPlanId }, input.now);
    return ok(null);
  });
}

/**
 * Creates the gateway's plan (Razorpay) or Price (Stripe) for the plan at its current price through the gateway's
 * API, unless one is stored for that price already (then nothing is created: `created` is false). The gateway
 * stores the id where the editor shows it and checkout finds it. A gateway that fails stores nothing.
 */
export async function createGatewayPlan(
  db: Db,
  actor: Actor,
  gateway: PlanMakingGateway,
  input: { planId: number; now: Date },
): Promise<Result<{ gatewayPlanId: string; created: boolean }, 'not-found' | 'gateway-error'>> {
  authorize(actor, 'manageBusiness');
  const plan = await findEditorPlan(db, input.planId);
  if (!plan) return fail('not-found', 'There is no such plan.');
  const stored = await findGatewayPlanId(db, gateway.name, plan.id, plan.price.minor);
  if (stored) return ok({ gatewayPlanId: stored, created: false });
  let gatewayPlanId: string;
  try {
    gatewayPlanId = await gateway.preparePlan(plan);
  } catch (error) {
    const name = GATEWAY_NAMES[gateway.name];
    return fail(
      'gateway-error',
      `${name} did not create the plan, and nothing was stored: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  await db
    .transaction()
    .execute((tx) => log(tx, actor, plan.name, 'create-gateway-plan', null, { [gateway.name]: gatewayPlanId }, input.now));
  return ok({ gatewayPlanId, created: true });
}
