import { formatMoney } from '../../domain/billing/money.js';
import { describeTerm, perMonth, type Plan } from '../../domain/billing/plans.js';
import type { PreviewValues } from '../../domain/copy/templates.js';
import type { AppContext } from '../../context.js';
import { formatDate } from '../views/format.js';

const DAY_MS = 24 * 3600 * 1000;

/** The plan a preview quotes: the highlighted one, else the one with the lowest per-month figure. */
function samplePlan(plans: readonly Plan[]): Plan | null {
  const highlighted = plans.find((plan) => plan.highlighted);
  if (highlighted) return highlighted;
  return plans.reduce<Plan | null>((best, plan) => (!best || perMonth(plan).minor < perMonth(best).minor ? plan : best), null);
}

/**
 * Every variable of the catalogue, filled as readers would see it today: the free limit and bonus in force, the
 * publication's name, the plans on sale (their lowest per-month figure, the highlighted or cheapest plan's name,
 * price and term), dates from today. Codes and document numbers are examples in the shape of real ones.
 */
export async function previewValues(ctx: AppContext): Promise<PreviewValues> {
  const plans = await ctx.plans();
  const plan = samplePlan(plans);
  const lowest = plans.length ? plans.map(perMonth).reduce((a, b) => (b.minor < a.minor ? b : a)) : null;
  const now = ctx.now();
  const tz = ctx.policy.timeZone;
  const price = plan ? formatMoney(plan.price) : '₹900';
  return {
    publication: ctx.site.publicationName,
    free_limit: ctx.policy.freeLimit,
    bonus: ctx.business.paywall.registrationBonus,
    left: Math.max(0, ctx.policy.freeLimit - 1),
    per_month: lowest ? formatMoney(lowest) : '₹300',
    plan: plan?.name ?? 'Smart Quarterly',
    price,
    amount: price,
    term: plan ? describeTerm(plan.term) : '3 months',
    minutes: 10,
    count: 12,
    promised: ctx.site.premiumPromisedDaily || 30,
    code: '482913',
    name: 'Asha',
    partner: 'The Partner Review',
    invoice: 'INV/2026-27/000123',
    credit_note: 'CN/2026-27/000007',
    period: `${formatDate(now, tz)} – ${formatDate(new Date(now.getTime() + 90 * DAY_MS), tz)}`,
    date: formatDate(new Date(now.getTime() + 3 * DAY_MS), tz),
    grace_until: formatDate(new Date(now.getTime() + ctx.config.graceDays * DAY_MS), tz),
    method: 'UPI',
    buyer: 'Asha',
    recipient: 'Ravi',
    until: formatDate(new Date(now.getTime() + 365 * DAY_MS), tz),
    message: 'Happy birthday! Read well.',
    gateway: ctx.config.paymentGateway === 'stripe' ? 'Stripe' : 'Razorpay',
    year: Number(new Intl.DateTimeFormat('en-IN', { year: 'numeric', timeZone: tz }).format(now)),
  };
}
