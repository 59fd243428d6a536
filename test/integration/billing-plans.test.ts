import { expect, it } from 'vitest';
import { addTerm } from '../../src/domain/billing/lifecycle.js';
import { findActivePlanBySlug } from '../../src/domain/billing/plan-queries.js';
import { describeEachEngine } from '../support/databases.js';
import { DAY, T0, emailKinds, useBilling } from './billing-harness.js';

/** Plan changes and refunds through the real app on the test gateway. */
describeEachEngine('billing: plan changes and refunds', (get) => {
  const h = useBilling(get);

  const planId = async (slug: string) => (await findActivePlanBySlug(h.db, slug))!.id;

  it('two refunds asked at the same moment can never add up to more than the payment', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    const [payment] = await h.payments(id);
    const results = await Promise.all([60_000, 60_000].map((amount) => h.ctx.billing.service.refund(payment!.id, amount, 'double click')));
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: 'invalid-amount' });
    expect((await h.payments(id))[0]).toMatchObject({ refundedMinor: 60_000 });
    expect(await h.count('refunds')).toBe(1);
    expect(await h.count(`test_gateway_records where kind = 'refund'`)).toBe(1); // the gateway was asked once
  });

  it('a declined upgrade charges nothing and leaves the reader on the plan they paid for', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader, 'smart-quarterly', true);
    await h.runJobs();
    h.clock.advance(10 * DAY);
    expect(await h.ctx.billing.service.changePlan(reader, id, 'super-saver')).toMatchObject({ ok: false, code: 'invalid-transition' });
    expect(await h.sub(id)).toMatchObject({ status: 'active', planId: await planId('smart-quarterly'), nextPlanId: null });
    expect((await h.payments(id)).map((p) => p.amountMinor)).toEqual([90_000]);
  });

  it('upgrade quarterly → super saver mid-period: charged the price less the unused part, a new 2-year term from now', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    await h.runJobs();
    const { currentPeriodStart: start, currentPeriodEnd: end } = await h.sub(id);
    h.clock.advance(30 * DAY);
    const now = h.clock.now();

    const unused = (end!.getTime() - now.getTime()) / (end!.getTime() - start!.getTime());
    const credit = Math.floor(90_000 * unused);
    const result = await h.ctx.billing.service.changePlan(reader, id, 'super-saver');
    expect(result).toMatchObject({ ok: true, value: { when: 'now', credit, charge: 390_000 - credit } });
    expect(credit).toBe(60_652); // 62 of 92 days unused

    const twoYears = addTerm(now, { count: 2, unit: 'year' });
    expect(await h.sub(id)).toMatchObject({
      status: 'active',
      planId: await planId('super-saver'),
      nextPlanId: null,
      currentPeriodStart: now,
      currentPeriodEnd: twoYears,
    });
    const payments = await h.payments(id);
    expect(payments.map((p) => [p.kind, p.amountMinor])).toEqual([
      ['initial', 90_000],
      ['upgrade', 329_348],
    ]);
    expect(payments[1]).toMatchObject({ planId: await planId('super-saver'), periodStart: now, periodEnd: twoYears });
    const invoices = await h.invoices(reader.id);
    expect(invoices.map((i) => [i.number, i.totalMinor])).toEqual([
      ['DL/2627/000001', 90_000],
      ['DL/2627/000002', 329_348],
    ]);
    expect(invoices[1]!.description).toContain('Super Saver');
    await h.runJobs();
    expect(emailKinds(h.emails(reader))).toEqual(['receipt', 'receipt']);
    expect(h.emails(reader)[1]!.subject).toContain('₹3,293.48');
    expect(await h.entitlements(reader.id)).toContain('premium');

    // The old quarterly renewal date passes without a charge; the next one is two years on, at the full price.
    h.clock.set(new Date(end!.getTime() + DAY));
    await h.sweep();
    expect(await h.payments(id)).toHaveLength(2);
    h.clock.set(new Date(twoYears.getTime() - 3 * DAY));
    await h.sweep();
    h.clock.set(twoYears);
    await h.sweep();
    const renewal = (await h.payments(id))[2];
    expect(renewal).toMatchObject({
      kind: 'renewal',
      amountMinor: 390_000,
      periodStart: twoYears,
      periodEnd: addTerm(twoYears, { count: 2, unit: 'year' }),
    });
  });

  it('downgrade super saver → quarterly takes effect at the next renewal, which charges ₹900 for 3 months', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader, 'super-saver');
    const end = (await h.sub(id)).currentPeriodEnd!;
    expect(end).toEqual(addTerm(new Date(T0), { count: 2, unit: 'year' }));
    h.clock.advance(100 * DAY);

    expect(await h.ctx.billing.service.changePlan(reader, id, 'smart-quarterly')).toMatchObject({
      ok: true,
      value: { when: 'period-end', charge: 0, credit: 0 },
    });
    expect(await h.sub(id)).toMatchObject({
      status: 'active',
      planId: await planId('super-saver'),
      nextPlanId: await planId('smart-quarterly'),
      currentPeriodEnd: end,
    });
    expect(await h.payments(id)).toHaveLength(1);

    h.clock.set(new Date(end.getTime() - 3 * DAY));
    await h.sweep();
    const notice = h.emails(reader).find((m) => emailKinds([m])[0] === 'pre-debit')!;
    expect(notice.text).toContain('Smart Quarterly');
    expect(notice.text).toContain('₹900');

    h.clock.set(end);
    await h.sweep();
    const payments = await h.payments(id);
    expect(payments.map((p) => [p.kind, p.amountMinor])).toEqual([
      ['initial', 390_000],
      ['renewal', 90_000],
    ]);
    const next = addTerm(end, { count: 3, unit: 'month' });
    expect(payments[1]).toMatchObject({ planId: await planId('smart-quarterly'), periodStart: end, periodEnd: next });
    expect(await h.sub(id)).toMatchObject({
      status: 'active',
      planId: await planId('smart-quarterly'),
      nextPlanId: null,
      currentPeriodEnd: next,
    });
    expect((await h.invoices(reader.id)).map((i) => i.totalMinor)).toEqual([390_000, 90_000]);
  });

  it('a refund in full of an older payment keeps the period a newer payment paid for; refunding that one ends it', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    const end = (await h.sub(id)).currentPeriodEnd!;
    h.clock.set(new Date(end.getTime() - 3 * DAY));
    await h.sweep();
    h.clock.set(end);
    await h.sweep();
    const [first, renewal] = await h.payments(id);
    expect([first?.kind, renewal?.kind]).toEqual(['initial', 'renewal']);
    const renewedUntil = (await h.sub(id)).currentPeriodEnd!;
    expect(renewedUntil.getTime()).toBeGreaterThan(end.getTime());

    expect(await h.ctx.billing.service.refund(first!.id, first!.amountMinor, 'Goodwill for last quarter')).toMatchObject({ ok: true });
    expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodEnd: renewedUntil });
    expect(await h.entitlements(reader.id)).toContain('premium');

    expect(await h.ctx.billing.service.refund(renewal!.id, renewal!.amountMinor, 'Cancelled this quarter')).toMatchObject({ ok: true });
    expect(await h.sub(id)).toMatchObject({ status: 'refunded' });
    expect(await h.entitlements(reader.id)).toEqual([]);
  });

  it('a downgrade taken back before the renewal renews on the current plan', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader, 'super-saver');
    const end = (await h.sub(id)).currentPeriodEnd!;
    await h.ctx.billing.service.changePlan(reader, id, 'smart-quarterly');
    expect(await h.ctx.billing.service.changePlan(reader, id, 'super-saver')).toMatchObject({
      ok: true,
      value: { when: 'period-end', charge: 0 },
    });
    expect((await h.sub(id)).nextPlanId).toBeNull();

    h.clock.set(new Date(end.getTime() - 3 * DAY));
    await h.sweep();
    h.clock.set(end);
    await h.sweep();
    const renewal = (await h.payments(id))[1];
    expect(renewal).toMatchObject({
      kind: 'renewal',
      amountMinor: 390_000,
      planId: await planId('super-saver'),
      periodEnd: addTerm(end, { count: 2, unit: 'year' }),
    });
  });

  it('refunds: a partial one issues a credit note and keeps access; the rest ends access; more than is left is refused', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    const gatewayId = (await h.sub(id)).gatewaySubscriptionId!;
    const [payment] = await h.payments(id);
    const service = h.ctx.billing.service;
    h.clock.advance(2 * DAY);

    expect(await service.refund(payment!.id, 30_000, 'Charged twice by mistake')).toMatchObject({ ok: true });
    expect((await h.payments(id))[0]).toMatchObject({ amountMinor: 90_000, refundedMinor: 30_000 });
    expect(await h.count('refunds where payment_id = $1', [payment!.id])).toBe(1);
    expect(await h.count(`refunds where reason = 'Charged twice by mistake'`)).toBe(1); // the admin's reason is kept
    const note = (await h.invoices(reader.id)).find((i) => i.kind === 'credit-note')!;
    expect(note).toMatchObject({ number: 'CN/2627/000001', paymentId: payment!.id, totalMinor: 30_000 });
    expect(note.taxableMinor + note.cgstMinor + note.sgstMinor + note.igstMinor).toBe(30_000);
    expect(note.original?.number).toBe('DL/2627/000001');
    expect((await h.sub(id)).status).toBe('active');
    expect(await h.entitlements(reader.id)).toContain('premium');

    // More than the 60,000 paise left: refused before the gateway is asked, nothing stored.
    const before = {
      refunds: await h.count('refunds'),
      invoices: await h.count('invoices'),
      records: await h.count("test_gateway_records where kind = 'refund'"),
    };
    for (const amount of [60_001, 0, -5, 100.5]) {
      expect(await service.refund(payment!.id, amount, 'too much')).toMatchObject({ ok: false, code: 'invalid-amount' });
    }
    expect({
      refunds: await h.count('refunds'),
      invoices: await h.count('invoices'),
      records: await h.count("test_gateway_records where kind = 'refund'"),
    }).toEqual(before);
    expect((await h.payments(id))[0]!.refundedMinor).toBe(30_000);

    // The remaining 60,000 paise: refunded in full, access ends, the mandate is cancelled.
    expect(await service.refund(payment!.id, 60_000, 'Cancelled within the first week')).toMatchObject({ ok: true });
    expect((await h.payments(id))[0]!.refundedMinor).toBe(90_000);
    expect(await h.sub(id)).toMatchObject({ status: 'refunded' });
    expect(await h.entitlements(reader.id)).toEqual([]);
    expect((await h.ctx.billing.testGateway!.mandate(gatewayId))?.status).toBe('cancelled');
    const notes = (await h.invoices(reader.id)).filter((i) => i.kind === 'credit-note');
    expect(notes.map((n) => [n.number, n.totalMinor])).toEqual([
      ['CN/2627/000001', 30_000],
      ['CN/2627/000002', 60_000],
    ]);
    expect(await service.refund(payment!.id, 1, 'nothing left')).toMatchObject({ ok: false, code: 'invalid-amount' });
    await h.runJobs();
    expect(emailKinds(h.emails(reader)).sort()).toEqual(['receipt', 'refund', 'refund']);

    // A refunded subscription never renews, and the sweep leaves it alone.
    h.clock.set(new Date((await h.sub(id)).currentPeriodEnd!.getTime() + DAY));
    await h.sweep();
    expect(await h.sub(id)).toMatchObject({ status: 'refunded' });
    expect(await h.payments(id)).toHaveLength(1);
  });
});
