import { formatMoney, type Money } from './money.js';
import type { Plan } from './plans.js';

/**
 * RBI's e-mandate framework: a recurring debit of up to ₹15,000 runs on the mandate alone; above that, the
 * reader's bank asks them to approve each debit with an extra factor (OTP, UPI PIN), and an unapproved
 * debit fails (reference/billing.md §1.3; NPCI's UPI AutoPay limit is the same). Insurance, mutual funds
 * and card bills have a higher limit; news subscriptions do not.
 */
export const E_MANDATE_LIMIT: Money = { minor: 1_500_000, currency: 'INR' };

/** Whether a recurring INR debit of `amount` needs the reader's extra authentication each time. */
export function needsExtraAuthentication(amount: Money): boolean {
  return amount.currency === E_MANDATE_LIMIT.currency && amount.minor > E_MANDATE_LIMIT.minor;
}

/**
 * What the publisher is told about a plan priced above the e-mandate limit, or null when it is not: every
 * renewal (and an upgrade charge above the limit) waits for the reader to approve it at their bank, and one
 * they do not approve fails like a declined card, into the grace period and reminders.
 */
export function mandateWarning(plan: Pick<Plan, 'name' | 'price'>): string | null {
  if (!needsExtraAuthentication(plan.price)) return null;
  return `${plan.name} costs ${formatMoney(plan.price)}, above the ${formatMoney(E_MANDATE_LIMIT)} RBI e-mandate limit: the reader's bank will ask them to approve each renewal (and any upgrade charge above ${formatMoney(E_MANDATE_LIMIT)}) with an OTP or PIN, and a renewal they do not approve fails and goes to reminders.`;
}
