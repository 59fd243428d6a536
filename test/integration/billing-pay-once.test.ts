import { expect, it } from 'vitest';
import { describeEachEngine } from '../support/databases.js';
import { useBilling } from './billing-harness.js';

/**
 * A reader pays once: however often a checkout is opened or Approve is pressed, and however quickly, one
 * subscription runs and one payment is taken.
 */
describeEachEngine('billing: a reader pays once', (get) => {
  const h = useBilling(get);

  it('three concurrent approves of one checkout: one payment, one invoice, and every press lands on the outcome', async () => {
    const reader = await h.reader();
    const { subscriptionId, start } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    const checkoutId = start.gatewayCheckoutId!;
    const hosted = h.ctx.billing.testGateway!;
    const next = await Promise.all([1, 2, 3].map(() => hosted.complete(checkoutId, 'approve', 'card', false)));

    expect(new Set(next)).toEqual(new Set([`http://localhost:3000/subscribe/complete?subscription=${subscriptionId}`]));
    expect((await h.sub(subscriptionId)).status).toBe('active');
    expect(await h.payments(subscriptionId)).toHaveLength(1);
    expect(await h.invoices(reader.id)).toHaveLength(1);
    expect((await hosted.checkout(checkoutId))?.status).toBe('approved');
    // A press after the fact shows the outcome and charges nothing.
    expect(await hosted.complete(checkoutId, 'approve', 'upi', false)).toBe(next[0]);
    expect(await h.payments(subscriptionId)).toHaveLength(1);
  });
});
