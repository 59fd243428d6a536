import { expect, it } from 'vitest';
import { addTerm } from '../../src/domain/billing/lifecycle.js';
import { SUBSCRIBER_ENTITLEMENTS } from '../../src/domain/billing/plans.js';
import { describeEachEngine } from '../support/databases.js';
import { DAY, HOUR, MINUTE, T0, attachmentsOf, emailKinds, useBilling } from './billing-harness.js';

/**
 * A subscription's life as a reader and the publisher see it, driven through the real app: checkout on
 * the test gateway (webhooks delivered over HTTP to /webhooks/test), the billing sweep and the job runner
 * on a fake clock, emails caught by a real SMTP server.
 */
describeEachEngine('billing lifecycle', (get) => {
  const h = useBilling(get);

  it('checkout → approve: active, entitled, one ₹900 payment, one invoice whose parts add up, a receipt with the PDF', async () => {
    const reader = await h.reader();
    expect(await h.entitlements(reader.id)).toEqual([]);
    const id = await h.subscribe(reader);

    const sub = await h.sub(id);
    const end = addTerm(new Date(T0), { count: 3, unit: 'month' });
    expect(sub).toMatchObject({
      status: 'active',
      cancelAtPeriodEnd: false,
      currentPeriodStart: new Date(T0),
      currentPeriodEnd: end,
      paymentMethod: 'Test card •••• 4242',
    });
    expect(sub.gatewaySubscriptionId).toMatch(/^sub_/);
    expect(await h.entitlements(reader.id)).toEqual([...SUBSCRIBER_ENTITLEMENTS].sort());
    expect(await h.entitlements(reader.id)).toEqual(expect.arrayContaining(['premium', 'ad-free', 'archive']));
    expect(await h.ctx.billing.service.current(reader.id)).toMatchObject({ id });

    const payments = await h.payments(id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      kind: 'initial',
      amountMinor: 90_000,
      currency: 'INR',
      refundedMinor: 0,
      periodStart: new Date(T0),
      periodEnd: end,
    });

    const invoices = await h.invoices(reader.id);
    expect(invoices).toHaveLength(1);
    const invoice = invoices[0]!;
    expect(invoice).toMatchObject({
      kind: 'invoice',
      number: 'DL/2627/000001',
      paymentId: payments[0]!.id,
      totalMinor: 90_000,
      currency: 'INR',
    });
    expect(invoice.taxableMinor + invoice.cgstMinor + invoice.sgstMinor + invoice.igstMinor).toBe(90_000);
    expect(invoice.taxableMinor).toBe(76_272); // CGST and SGST ₹68.64 each: 9% of ₹762.72

    // The receipt is a job: nothing is sent until the runner runs it, and it is sent once.
    expect(h.emails(reader)).toEqual([]);
    await h.runJobs();
    await h.runJobs();
    expect(emailKinds(h.emails(reader))).toEqual(['receipt']);
    const receipt = h.emails(reader)[0]!;
    expect(receipt.subject).toContain('₹900');
    expect(receipt.text).toContain(invoice.number);
    const [pdf, ...others] = await attachmentsOf(receipt);
    expect(others).toEqual([]);
    expect(pdf).toMatchObject({ filename: 'DL-2627-000001.pdf', contentType: 'application/pdf' });
    expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('sends the pre-debit notice once, ≥ 24 h ahead, then renews: the period grows by the term, a second invoice, a receipt', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    await h.runJobs();
    const end = (await h.sub(id)).currentPeriodEnd!;

    // Nothing to say a week before the renewal.
    h.clock.set(new Date(end.getTime() - 7 * DAY));
    await h.sweep();
    expect(emailKinds(h.emails(reader))).toEqual(['receipt']);

    h.clock.set(new Date(end.getTime() - 3 * DAY));
    await h.sweep();
    expect(emailKinds(h.emails(reader))).toEqual(['receipt', 'pre-debit']);
    const notice = h.emails(reader)[1]!;
    expect(notice.text).toContain('₹900');
    expect(notice.text).toContain('Test card •••• 4242');
    h.clock.advance(HOUR);
    await h.sweep();
    expect(emailKinds(h.emails(reader))).toEqual(['receipt', 'pre-debit']);
    expect(await h.payments(id)).toHaveLength(1);

    // At the end of the period the mandate is charged, once.
    h.clock.set(end);
    await h.sweep();
    await h.sweep();
    const payments = await h.payments(id);
    expect(payments.map((p) => [p.kind, p.amountMinor])).toEqual([
      ['initial', 90_000],
      ['renewal', 90_000],
    ]);
    const next = addTerm(end, { count: 3, unit: 'month' });
    expect(payments[1]).toMatchObject({ periodStart: end, periodEnd: next });
    expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodStart: end, currentPeriodEnd: next });
    expect((await h.invoices(reader.id)).map((i) => i.number)).toEqual(['DL/2627/000001', 'DL/2627/000002']);
    expect(emailKinds(h.emails(reader))).toEqual(['receipt', 'pre-debit', 'receipt']);
    expect(h.emails(reader)[2]!.text).toContain('DL/2627/000002');
    expect(await h.entitlements(reader.id)).toContain('premium');
  });

  it('never charges on a notice younger than 24 h: a late notice pushes the renewal back', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    await h.runJobs();
    const end = (await h.sub(id)).currentPeriodEnd!;

    // The sweep did not run in the 3 days before the renewal (say, the server was down).
    h.clock.set(new Date(end.getTime() - HOUR));
    await h.sweep();
    expect(emailKinds(h.emails(reader))).toEqual(['receipt', 'pre-debit']);
    for (const at of [end.getTime(), end.getTime() + 12 * HOUR, end.getTime() + 22 * HOUR]) {
      h.clock.set(new Date(at));
      await h.sweep();
      expect(await h.payments(id)).toHaveLength(1);
      expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodEnd: end });
      // Reading goes on while the renewal waits.
      expect(await h.entitlements(reader.id)).toContain('premium');
    }
    h.clock.set(new Date(end.getTime() + 23 * HOUR));
    await h.sweep();
    const payments = await h.payments(id);
    expect(payments.map((p) => p.kind)).toEqual(['initial', 'renewal']);
    // The renewed period starts where the paid one ended: the delay costs the reader nothing.
    expect(payments[1]!.periodStart).toEqual(end);
    expect((await h.sub(id)).currentPeriodEnd).toEqual(addTerm(end, { count: 3, unit: 'month' }));
  });

  it('abandoned checkout: awaiting payment, then abandoned after a day, with nothing charged or granted', async () => {
    const reader = await h.reader();
    const { subscriptionId: id } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    expect((await h.sub(id)).status).toBe('awaiting-payment');
    h.clock.advance(20 * MINUTE);
    await h.sweep();
    expect((await h.sub(id)).status).toBe('awaiting-payment');
    h.clock.set(new Date(new Date(T0).getTime() + DAY - MINUTE));
    await h.sweep();
    expect((await h.sub(id)).status).toBe('awaiting-payment');
    h.clock.set(new Date(new Date(T0).getTime() + DAY + MINUTE));
    await h.sweep();
    expect((await h.sub(id)).status).toBe('abandoned');
    expect(await h.payments(id)).toEqual([]);
    expect(await h.entitlements(reader.id)).toEqual([]);
    expect(h.emails(reader)).toEqual([]);
    // The reader may start again.
    const again = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    expect(again.subscriptionId).not.toBe(id);
  });

  it('running the whole sweep and the jobs twice at the same clock changes nothing the second time', async () => {
    const readers = [await h.reader(), await h.reader(), await h.reader()];
    const [renewing, failing, cancelling] = readers as [(typeof readers)[0], (typeof readers)[0], (typeof readers)[0]];
    await h.subscribe(renewing);
    const failingId = await h.subscribe(failing, 'smart-quarterly', true);
    const cancellingId = await h.subscribe(cancelling);
    await h.ctx.billing.service.cancel(cancelling, cancellingId);
    const abandoned = await h.ctx.billing.service.startCheckout(await h.reader(), 'smart-quarterly');
    const end = (await h.sub(failingId)).currentPeriodEnd!;

    const snapshot = async () => ({
      payments: await h.count('payments'),
      invoices: await h.count('invoices'),
      notices: await h.count('notices'),
      jobs: await h.count('jobs'),
      webhooks: await h.count('webhook_events'),
      grants: await h.count('entitlement_grants'),
      emails: h.smtp.messages.length,
      subs: (
        await h.db.query('select id, status, cancel_at_period_end, current_period_end, grace_until, plan_id from subscriptions order by id')
      ).rows,
    });
    // Every point where the sweep does something: notice, renewal, failure, dunning, abandonment, expiry.
    for (const offset of [-3 * DAY, 0, 3 * HOUR, DAY, 3 * DAY, 6 * DAY, 8 * DAY]) {
      const at = end.getTime() + offset;
      h.clock.set(new Date(at));
      await h.sweep();
      const before = await snapshot();
      await h.sweep();
      expect(await snapshot()).toEqual(before);
    }
    expect((await h.sub(abandoned.subscriptionId)).status).toBe('abandoned');
    expect((await h.sub(cancellingId)).status).toBe('expired');
    expect((await h.sub(failingId)).status).toBe('expired');
    // Jobs due together run concurrently, so the order of arrival is not asserted.
    expect(emailKinds(h.emails(renewing)).sort()).toEqual(['pre-debit', 'receipt', 'receipt']);
    expect(emailKinds(h.emails(cancelling)).sort()).toEqual(['ended', 'receipt']);
    expect(emailKinds(h.emails(failing)).sort()).toEqual([
      'dunning',
      'dunning',
      'dunning',
      'ended',
      'payment-failed',
      'pre-debit',
      'receipt',
    ]);
  });
});
