import { describe, expect, it } from 'vitest';
import { mandateWarning, needsExtraAuthentication } from './mandate-limits.js';
import { DEMO_PLANS } from './plans.js';

describe('the ₹15,000 e-mandate limit', () => {
  it('needs extra authentication only above ₹15,000, in rupees', () => {
    expect(needsExtraAuthentication({ minor: 1_500_000, currency: 'INR' })).toBe(false);
    expect(needsExtraAuthentication({ minor: 1_500_001, currency: 'INR' })).toBe(true);
    expect(needsExtraAuthentication({ minor: 9_000_000, currency: 'USD' })).toBe(false);
  });

  it('warns the publisher about a plan priced above it, and not about the demo plans', () => {
    for (const plan of DEMO_PLANS) expect(mandateWarning(plan)).toBeNull();
    expect(mandateWarning({ name: 'Patron', price: { minor: 2_000_000, currency: 'INR' } })).toBe(
      "Patron costs ₹20,000, above the ₹15,000 RBI e-mandate limit: the reader's bank will ask them to approve each renewal (and any upgrade charge above ₹15,000) with an OTP or PIN, and a renewal they do not approve fails and goes to reminders.",
    );
  });
});
