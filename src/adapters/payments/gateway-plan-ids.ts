import type { Plan } from '../../domain/billing/plans.js';

/**
 * Where a gateway's own plan id (a Razorpay plan, a Stripe Price) for one of our plans at one price is remembered:
 * the table `gateway_plans` in the app, a map in unit tests.
 */
export interface GatewayPlanIdStore {
  get(planId: number, priceMinor: number): Promise<string | null>;
  put(planId: number, priceMinor: number, gatewayPlanId: string): Promise<void>;
}

/**
 * The one way an adapter finds its plan for one of ours at the plan's current price: the id stored, else `create`
 * (through the gateway's API) and store it. Calls for the same plan and price in this process while one is under
 * way share it, so a double press or a burst of first checkouts makes one gateway plan.
 */
export function gatewayPlanFinder(store: GatewayPlanIdStore): (plan: Plan, create: () => Promise<string>) => Promise<string> {
  const pending = new Map<string, Promise<string>>();
  return (plan, create) => {
    const key = `${plan.id}:${plan.price.minor}`;
    let found = pending.get(key);
    if (!found) {
      found = (async () => {
        const known = await store.get(plan.id, plan.price.minor);
        if (known) return known;
        const created = await create();
        await store.put(plan.id, plan.price.minor, created);
        return created;
      })().finally(() => pending.delete(key));
      pending.set(key, found);
    }
    return found;
  };
}
