import type { FastifyRequest } from 'fastify';
import { perMonth } from '../../domain/billing/plans.js';
import { formatMoney } from '../../domain/billing/money.js';
import type { AppContext } from '../../context.js';
import type { CatalogueEntry } from '../../domain/entitlements/catalogue.js';
import type { PageChrome } from '../views/layout.js';

/** What every page's shell needs, from cached reads, and who is signed in. */
export async function pageChrome(ctx: AppContext, request: FastifyRequest): Promise<PageChrome> {
  const user = request.auth?.user;
  return { site: ctx.site, sections: await ctx.content.sections(), copy: ctx.copy, user: user ?? null };
}

/** The lowest per-month figure among the plans ("₹162"), for the paywall. */
export async function lowestPerMonth(ctx: AppContext): Promise<string | null> {
  const plans = await ctx.plans();
  if (plans.length === 0) return null;
  const lowest = plans.map(perMonth).reduce((a, b) => (b.minor < a.minor ? b : a));
  return formatMoney(lowest);
}

/** The plan marked "Best value", with its per-month figure, for the paywall; null when none is. */
export async function bestValue(ctx: AppContext): Promise<{ plan: string; perMonth: string } | null> {
  const plan = (await ctx.plans()).find((p) => p.highlighted);
  return plan ? { plan: plan.name, perMonth: formatMoney(perMonth(plan)) } : null;
}

/** What subscribing gives, for the paywall: the working entitlements any plan on sale grants, in catalogue order. */
export async function offeredByPlans(ctx: AppContext): Promise<CatalogueEntry[]> {
  return ctx.business.catalogue.offered((await ctx.plans()).flatMap((plan) => plan.entitlements));
}
