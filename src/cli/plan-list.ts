import { mandateWarning } from '../domain/billing/mandate-limits.js';
import { planDisplay, type Plan } from '../domain/billing/plans.js';

/**
 * `masthead plans`: the plans on sale, one line each as readers see their price, and under a plan priced
 * above the RBI e-mandate limit the warning of what that means for its renewals.
 */
export function planListing(plans: readonly Plan[]): string[] {
  if (plans.length === 0) return ['No plans on sale: `masthead seed` writes the demo plans.'];
  const lines: string[] = [];
  for (const plan of plans) {
    const shown = planDisplay(plan);
    lines.push(`${plan.slug.padEnd(20)} ${plan.name}: ${shown.price} every ${shown.term} (${shown.perMonth}/month)`);
    const warning = mandateWarning(plan);
    if (warning) lines.push(`  Warning: ${warning}`);
  }
  return lines;
}
