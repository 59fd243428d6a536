import { expect, it } from 'vitest';
import { addTerm } from '../../src/domain/billing/lifecycle.js';
import { listGrants } from '../../src/domain/entitlements/queries.js';
import { SWEEP_PAGE } from '../../src/domain/billing/sweep.js';
import { describeEachEngine } from '../support/databases.js';
import { DAY, HOUR, MINUTE, emailKinds, useBilling } from './billing-harness.js';

/** Failed renewals (grace, reminders, recovery, expiry) and cancel-at-period-end, through the real app and jobs. */
describeEachEngine('billing: failed renewals and cancellation', (get) => {
  const h = useBilling(get);

  /** A reader whose renewals the mandate declines, at the end of the first period with the renewal attempted. */
  async function failedRenewal() {
    const reader = await h.reader();
    const id = await h.subscribe(reader, 'smart-quarterly', true);
    await h.runJobs();
    const end = (await h.sub(id)).currentPeriodEnd!;
    h.clock.set(new Date(end.getTime() - 3 * DAY));
    await h.sweep();
    h.clock.set(end);
    await h.sweep();
    return { reader, id, end, gatewayId: (await h.sub(id)).gatewaySubscriptionId! };
  }

  it('a declined renewal: past due with 7 days of grace, reading goes on, a "payment failed" email with the update link', async () => {
    const { reader, id, end, gatewayId } = await failedRenewal();
    expect(await h.sub(id)).toMatchObject({ status: 'past-due', currentPeriodEnd: end, graceUntil: new Date(end.getTime() + 7 * DAY) });
    expect((await h.payments(id)).map((p) => p.kind)).toEqual(['initial']);
    expect(await h.invoices(reader.id)).toHaveLength(1);
    expect(emailKinds(h.emails(reader))).toEqual(['receipt', 'pre-debit', 'payment-failed']);
    const failed = h.emails(reader)[2]!;
    expect(failed.text).toContain('₹900');
    expect(failed.text).toContain(`${h.ctx.config.publicUrl}/test-gateway/mandate/${gatewayId}`);
    expect(failed.html).toContain(`/test-gateway/mandate/${gatewayId}`);
    h.clock.set(new Date(end.getTime() + 7 * DAY - MINUTE));
    expect(await h.entitlements(reader.id)).toContain('premium');
  });

  it('sends reminders on days 1, 3 and 6, each once, then recovers when the reader updates the mandate', async () => {
    const { reader, id, end, gatewayId } = await failedRenewal();
    const reminders = () => emailKinds(h.emails(reader)).filter((k) => k === 'dunning').length;
    const schedule: [number, number][] = [
      [12 * HOUR, 0],
      [DAY, 1],
      [DAY + HOUR, 1],
      [2 * DAY, 1],
      [3 * DAY, 2],
      [5 * DAY, 2],
      [6 * DAY, 3],
      [6 * DAY + 6 * HOUR, 3],
    ];
    for (const [offset, expected] of schedule) {
      h.clock.set(new Date(end.getTime() + offset));
      await h.sweep();
      await h.sweep();
      expect(reminders(), `reminders after ${offset / HOUR} h`).toBe(expected);
      expect((await h.sub(id)).status).toBe('past-due');
      expect(await h.entitlements(reader.id)).toContain('premium');
    }

    // The reader switches to UPI on the mandate page; the overdue renewal is charged at once.
    await h.ctx.billing.testGateway!.updateMandate(gatewayId, 'upi', true);
    const next = addTerm(end, { count: 3, unit: 'month' });
    expect(await h.sub(id)).toMatchObject({
      status: 'active',
      graceUntil: null,
      currentPeriodStart: end,
      currentPeriodEnd: next,
      paymentMethod: 'Test UPI AutoPay (reader@okledger)',
    });
    const payments = await h.payments(id);
    expect(payments.map((p) => [p.kind, p.amountMinor])).toEqual([
      ['initial', 90_000],
      ['renewal', 90_000],
    ]);
    expect((await h.invoices(reader.id)).map((i) => i.number)).toEqual(['DL/2627/000001', 'DL/2627/000002']);
    await h.sweep();
    expect(emailKinds(h.emails(reader)).at(-1)).toBe('receipt');

    // Past the old grace period nothing ends, and no more reminders go out.
    h.clock.set(new Date(end.getTime() + 8 * DAY));
    await h.sweep();
    expect((await h.sub(id)).status).toBe('active');
    expect(reminders()).toBe(3);
    expect(await h.entitlements(reader.id)).toContain('premium');
  });

  it('a sweep that missed the reminder days sends one reminder, not a pile', async () => {
    const { reader, end } = await failedRenewal();
    h.clock.set(new Date(end.getTime() + 6 * DAY + HOUR));
    await h.sweep();
    expect(emailKinds(h.emails(reader)).filter((k) => k === 'dunning')).toHaveLength(1);
  });

  it('not recovered: expired when the grace period ends, access gone, an "ended" email, the mandate cancelled', async () => {
    const { reader, id, end, gatewayId } = await failedRenewal();
    for (const offset of [DAY, 3 * DAY, 6 * DAY, 7 * DAY - MINUTE]) {
      h.clock.set(new Date(end.getTime() + offset));
      await h.sweep();
    }
    expect((await h.sub(id)).status).toBe('past-due');
    h.clock.set(new Date(end.getTime() + 7 * DAY));
    await h.sweep();
    await h.sweep();
    expect((await h.sub(id)).status).toBe('expired');
    expect(await h.entitlements(reader.id)).toEqual([]);
    expect(await listGrants(h.db, reader.id, h.clock.now())).toEqual([]);
    expect(emailKinds(h.emails(reader))).toEqual(['receipt', 'pre-debit', 'payment-failed', 'dunning', 'dunning', 'dunning', 'ended']);
    expect((await h.ctx.billing.testGateway!.mandate(gatewayId))?.status).toBe('cancelled');
    expect(await h.payments(id)).toHaveLength(1);
    // An expired subscription no longer blocks a new one.
    expect(await h.ctx.billing.service.current(reader.id)).toBeNull();
  });

  it('a new payment method shows on the subscription at once, before any charge', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    const { gatewaySubscriptionId } = await h.sub(id);
    await h.ctx.billing.testGateway!.updateMandate(gatewaySubscriptionId!, 'upi', false);
    expect(await h.sub(id)).toMatchObject({ paymentMethod: 'Test UPI AutoPay (reader@okledger)', status: 'active' });
    expect(await h.payments(id)).toHaveLength(1);
  });

  it('with a gateway whose cancellations are final (Razorpay), the gateway is told at once and the reader cannot undo it', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    const { end, gatewaySubscriptionId } = await h
      .sub(id)
      .then((s) => ({ end: s.currentPeriodEnd!, gatewaySubscriptionId: s.gatewaySubscriptionId! }));
    Object.assign(h.ctx.billing.gateways.test!, { finalCancellation: true });
    const told = async () => (await h.ctx.billing.testGateway!.mandate(gatewaySubscriptionId))?.cancelAtPeriodEnd;

    await h.ctx.billing.service.cancel(reader, id);
    expect(await told()).toBe(true); // no sweep needed: a cancel can never be missed by the gateway
    expect(await h.ctx.billing.service.undoCancel(reader, id)).toMatchObject({
      ok: false,
      code: 'invalid-transition',
      message: expect.stringContaining('subscribe again'),
    });
    expect((await h.sub(id)).cancelAtPeriodEnd).toBe(true);
    h.clock.set(end);
    await h.sweep();
    expect(await h.sub(id)).toMatchObject({ status: 'expired' });
    expect(await h.payments(id)).toHaveLength(1);
  });

  it('cancel at period end: access until the paid end, undo works, then it expires with no renewal charge', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    await h.runJobs();
    const { end, gatewaySubscriptionId } = await h
      .sub(id)
      .then((s) => ({ end: s.currentPeriodEnd!, gatewaySubscriptionId: s.gatewaySubscriptionId! }));
    const grantEnds = async () => [...new Set((await listGrants(h.db, reader.id, h.clock.now())).map((g) => g.endsAt?.toISOString()))];

    h.clock.advance(10 * DAY);
    await h.ctx.billing.service.cancel(reader, id);
    expect(await h.sub(id)).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, currentPeriodEnd: end });
    expect(await grantEnds()).toEqual([end.toISOString()]);
    expect((await h.ctx.billing.testGateway!.mandate(gatewaySubscriptionId))?.cancelAtPeriodEnd).toBe(true);

    await h.ctx.billing.service.undoCancel(reader, id);
    expect((await h.sub(id)).cancelAtPeriodEnd).toBe(false);
    expect(await grantEnds()).toEqual([new Date(end.getTime() + 7 * DAY).toISOString()]);
    expect((await h.ctx.billing.testGateway!.mandate(gatewaySubscriptionId))?.cancelAtPeriodEnd).toBe(false);

    await h.ctx.billing.service.cancel(reader, id);
    await h.ctx.billing.service.cancel(reader, id); // a double click changes nothing
    h.clock.set(new Date(end.getTime() - 3 * DAY));
    await h.sweep();
    h.clock.set(new Date(end.getTime() - MINUTE));
    await h.sweep();
    expect(await h.entitlements(reader.id)).toContain('premium');
    expect((await h.sub(id)).status).toBe('active');

    h.clock.set(end);
    expect(await h.entitlements(reader.id)).toEqual([]);
    await h.sweep();
    h.clock.advance(2 * DAY);
    await h.sweep();
    expect(await h.sub(id)).toMatchObject({ status: 'expired', cancelAtPeriodEnd: true });
    expect(await h.entitlements(reader.id)).toEqual([]);
    expect(await h.payments(id)).toHaveLength(1);
    expect((await h.ctx.billing.testGateway!.mandate(gatewaySubscriptionId))?.payments).toHaveLength(1);
    expect(await h.count('notices where subscription_id = $1', [id])).toBe(0);
    expect(emailKinds(h.emails(reader))).toEqual(['receipt', 'ended']);
    expect(await h.ctx.billing.service.undoCancel(reader, id)).toMatchObject({ ok: false, code: 'invalid-transition' });
    expect(await h.ctx.billing.service.undoCancel(reader, id)).toEqual({
      ok: false,
      code: 'invalid-transition',
      message: expect.any(String),
    });
    expect((await h.ctx.billing.testGateway!.mandate(gatewaySubscriptionId))?.cancelAtPeriodEnd).toBe(true);
  });

  it('cancelling while past due ends it at once and stops the gateway retrying', async () => {
    const { reader, id, gatewayId } = await failedRenewal();
    await h.ctx.billing.service.cancel(reader, id);
    expect((await h.sub(id)).status).toBe('expired');
    expect(await h.entitlements(reader.id)).toEqual([]);
    expect((await h.ctx.billing.testGateway!.mandate(gatewayId))?.status).toBe('cancelled');
  });
});

describeEachEngine('billing: a sweep over more subscriptions than fit in one page', (get) => {
  const h = useBilling(get);

  it('sends the pre-debit notice to every subscription due, however many need nothing today', async () => {
    const count = SWEEP_PAGE + 20;
    const end = new Date(h.clock.now().getTime() + 48 * HOUR);
    // Readers whose renewal is two days away: every one is inside the 72-hour pre-debit window.
    await get().query(
      `insert into users (email, name, role, email_verified_at) select 'sweep' || g || '@example.com', 'Reader ' || g, 'reader', now()
       from generate_series(1, $1::int) g`,
      [count],
    );
    await get().query(
      `insert into subscriptions (user_id, plan_id, status, gateway, gateway_subscription_id, current_period_start, current_period_end, created_at, updated_at)
       select u.id, (select id from plans where slug = 'smart-quarterly'), 'active', 'test', 'sweep-' || u.id, $1, $2, $1, $1
       from users u where u.email like 'sweep%@example.com'`,
      [new Date(end.getTime() - 90 * DAY), end],
    );
    const notices = () =>
      h.count(
        `notices n join subscriptions s on s.id = n.subscription_id where n.kind = 'pre-debit' and s.gateway_subscription_id like 'sweep-%'`,
      );
    await h.sweep();
    expect(await notices()).toBe(count);
    // A second sweep finds them all noticed already and sends nothing twice.
    await h.sweep();
    expect(await notices()).toBe(count);
  }, 120_000);
});
