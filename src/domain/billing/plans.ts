import type { Queryable } from '../../adapters/db/legacy.js';
import type { Db } from '../ports/database.js';
import { ENTITLEMENTS } from '../access/model.js';
import { floorToMajor, formatMoney, type Money } from './money.js';

export type TermUnit = 'day' | 'month' | 'year';

export interface Plan {
  id: number;
  slug: string;
  name: string;
  term: { count: number; unit: TermUnit };
  /** GST-inclusive price of one term. */
  price: Money;
  entitlements: string[];
  position: number;
}

/** Everything a subscription includes, granted by all three demo plans. */
export const SUBSCRIBER_ENTITLEMENTS = [
  ENTITLEMENTS.premium,
  ENTITLEMENTS.archive,
  ENTITLEMENTS.adFree,
  ENTITLEMENTS.markets,
  'epaper',
  'newsletters',
  'partner-bundle',
];

export const DEMO_PLANS: Omit<Plan, 'id'>[] = [
  {
    slug: 'smart-quarterly',
    name: 'Smart Quarterly',
    term: { count: 3, unit: 'month' },
    price: { minor: 90_000, currency: 'INR' },
    entitlements: SUBSCRIBER_ENTITLEMENTS,
    position: 1,
  },
  {
    slug: 'smart-essential',
    name: 'Smart Essential',
    term: { count: 1, unit: 'year' },
    price: { minor: 270_000, currency: 'INR' },
    entitlements: SUBSCRIBER_ENTITLEMENTS,
    position: 2,
  },
  {
    slug: 'super-saver',
    name: 'Super Saver',
    term: { count: 2, unit: 'year' },
    price: { minor: 390_000, currency: 'INR' },
    entitlements: SUBSCRIBER_ENTITLEMENTS,
    position: 3,
  },
];

/** Length of a term in months; a day-based term counts 30 days a month. */
export function termMonths(term: Plan['term']): number {
  if (term.unit === 'year') return term.count * 12;
  if (term.unit === 'month') return term.count;
  return term.count / 30;
}

/** The per-month figure: price divided by the months of the term, rounded down to whole rupees. */
export function perMonth(plan: Pick<Plan, 'price' | 'term'>): Money {
  return floorToMajor(plan.price.minor / termMonths(plan.term), plan.price.currency);
}

/** "3 months", "year", "2 years": the term as it reads after "every". */
export function describeTerm(term: Plan['term']): string {
  if (term.count === 1) return term.unit;
  return `${term.count} ${term.unit}s`;
}

/** Display strings used on /plans, the paywall, checkout, emails and invoices alike. */
export function planDisplay(plan: Pick<Plan, 'price' | 'term'>): { price: string; perMonth: string; term: string } {
  return { price: formatMoney(plan.price), perMonth: formatMoney(perMonth(plan)), term: describeTerm(plan.term) };
}

interface PlanRow {
  id: number;
  slug: string;
  name: string;
  term_count: number;
  term_unit: TermUnit;
  price_minor: number;
  currency: string;
  entitlements: string[];
  position: number;
}

const PLAN_COLUMNS = 'id, slug, name, term_count, term_unit, price_minor, currency, entitlements, position';

export async function listActivePlans(db: Queryable): Promise<Plan[]> {
  const { rows } = await db.query<PlanRow>(`select ${PLAN_COLUMNS} from plans where active order by position, id`);
  return rows.map(toPlan);
}

/** Any plan by id, active or not (old subscriptions may be on a retired plan). */
export async function findPlan(db: Queryable, id: number): Promise<Plan | null> {
  const { rows } = await db.query<PlanRow>(`select ${PLAN_COLUMNS} from plans where id = $1`, [id]);
  return rows[0] ? toPlan(rows[0]) : null;
}

export async function findActivePlanBySlug(db: Queryable, slug: string): Promise<Plan | null> {
  const { rows } = await db.query<PlanRow>(`select ${PLAN_COLUMNS} from plans where slug = $1 and active`, [slug]);
  return rows[0] ? toPlan(rows[0]) : null;
}

function toPlan(r: PlanRow): Plan {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    term: { count: r.term_count, unit: r.term_unit },
    price: { minor: r.price_minor, currency: r.currency },
    entitlements: r.entitlements,
    position: r.position,
  };
}

export async function countPlans(db: Db): Promise<number> {
  const row = await db
    .selectFrom('plans')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

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
