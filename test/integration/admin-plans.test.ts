import { expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { adminForms } from '../support/admin-forms.js';
import { sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { DAY, useBilling } from './billing-harness.js';

/** The plans editor through the real app on the test gateway: what readers see on /plans and what subscribers pay. */
describeEachEngine('plans editor', (get) => {
  const h = useBilling(get);
  const { post } = adminForms(() => ({ app: h.app, ctx: h.ctx }) as TestApp);
  let sequence = 0;

  const staff = async (role: 'business' | 'editor') => {
    sequence++;
    const email = `${role}-${sequence}@example.com`;
    await provisionUser(h.db, { email, role, password: `the ${role} password` }, h.clock.now());
    return sessionCookie(h.ctx, email, `the ${role} password`);
  };
  const planIdOf = async (slug: string) =>
    (await h.db.selectFrom('plans').select('id').where('slug', '=', slug).where('active', '=', true).executeTakeFirstOrThrow()).id;
  const plansPage = async () => (await h.app.inject({ url: '/plans' })).body;
  const plan = (body: string, slug: string) => new RegExp(`data-plan="${slug}"[^]*?</section>`).exec(body)?.[0] ?? '';

  it('creates a plan of any term, edits, highlights and retires it, each shown on /plans', async () => {
    const business = await staff('business');
    const created = await post(business, '/admin/plans', '/admin/plans', {
      name: 'Weekly Pass',
      slug: 'weekly-pass',
      termCount: '7',
      termUnit: 'day',
      price: '99',
    });
    expect(created.statusCode, created.body).toBe(303);
    expect(plan(await plansPage(), 'weekly-pass')).toContain('Weekly Pass');
    expect(plan(await plansPage(), 'weekly-pass')).toContain('₹99 every 7 days');

    const id = await planIdOf('weekly-pass');
    expect(
      (await post(business, '/admin/plans', `/admin/plans/${id}`, { name: 'Week Pass', termCount: '2', termUnit: 'month', price: '149' }))
        .statusCode,
    ).toBe(303);
    expect(plan(await plansPage(), 'weekly-pass')).toContain('Week Pass');
    expect(plan(await plansPage(), 'weekly-pass')).toContain('₹149 every 2 months');

    expect((await post(business, '/admin/plans', `/admin/plans/${id}/action`, { action: 'highlight' })).statusCode).toBe(303);
    expect(plan(await plansPage(), 'weekly-pass')).toContain('Best value');
    const other = await planIdOf('super-saver');
    expect((await post(business, '/admin/plans', `/admin/plans/${other}/action`, { action: 'highlight' })).statusCode).toBe(303);
    const page = await plansPage();
    expect(plan(page, 'super-saver')).toContain('Best value');
    expect(plan(page, 'weekly-pass')).not.toContain('Best value');
    expect(page.match(/Best value/g)).toHaveLength(1);

    // The paywall names the highlighted plan too.
    const premium = (await createArticle(h.db, { visibility: 'premium' })).slug;
    expect((await h.app.inject({ url: `/article/${premium}` })).body).toContain('Best value: Super Saver at ₹162/Month.');

    expect((await post(business, '/admin/plans', `/admin/plans/${id}/action`, { action: 'retire' })).statusCode).toBe(303);
    expect(await plansPage()).not.toContain('data-plan="weekly-pass"');
    expect((await h.app.inject({ url: '/admin/plans', headers: { cookie: business } })).body).toContain('Retired');
  });

  it('refuses bad input beside the field and a taken address', async () => {
    const business = await staff('business');
    const bad = await post(business, '/admin/plans', '/admin/plans', {
      name: 'Cheap',
      slug: 'Cheap Plan!',
      termCount: '0',
      termUnit: 'month',
      price: 'free',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('A price in rupees, like 900 or 1,499.50.');
    expect(bad.body).toContain('Lower-case letters, digits and dashes');
    expect(bad.body).toContain('value="Cheap"');
    const taken = await post(business, '/admin/plans', '/admin/plans', {
      name: 'Again',
      slug: 'smart-quarterly',
      termCount: '3',
      termUnit: 'month',
      price: '900',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('/subscribe/smart-quarterly is taken');
  });

  it('shows the e-mandate warning for a plan above ₹15,000', async () => {
    const business = await staff('business');
    await post(business, '/admin/plans', '/admin/plans', {
      name: 'Patron',
      slug: 'patron',
      termCount: '5',
      termUnit: 'year',
      price: '20,000',
    });
    const page = await h.app.inject({ url: '/admin/plans', headers: { cookie: business } });
    expect(page.body).toContain('Patron costs ₹20,000, above the ₹15,000 RBI e-mandate limit');
  });

  it('a price change applies to new subscribers: an existing subscription renews at the price it was bought at', async () => {
    const business = await staff('business');
    const before = await h.reader();
    const id = await h.subscribe(before, 'smart-quarterly');
    const quarterly = await planIdOf('smart-quarterly');
    const edit = await post(business, '/admin/plans', `/admin/plans/${quarterly}`, {
      name: 'Smart Quarterly',
      termCount: '3',
      termUnit: 'month',
      price: '1,200',
    });
    expect(edit.statusCode).toBe(303);
    expect(plan(await plansPage(), 'smart-quarterly')).toContain('₹1,200 every 3 months');

    const after = await h.reader();
    const newer = await h.subscribe(after, 'smart-quarterly');
    expect((await h.payments(newer)).map((p) => p.amountMinor)).toEqual([120_000]);

    const end = (await h.sub(id)).currentPeriodEnd!;
    h.clock.set(new Date(end.getTime() - 3 * DAY));
    await h.sweep();
    h.clock.set(end);
    await h.sweep();
    expect((await h.payments(id)).map((p) => [p.kind, p.amountMinor])).toEqual([
      ['initial', 90_000],
      ['renewal', 90_000],
    ]);
    expect((await h.sub(id)).status).toBe('active');
  });

  it('offers no "Create on" button on the test gateway, which needs no plans, and refuses a gateway not configured', async () => {
    const business = await staff('business');
    const page = await h.app.inject({ url: '/admin/plans', headers: { cookie: business } });
    expect(page.body).toContain('data-plan="smart-quarterly"');
    expect(page.body).not.toContain('Create on');
    const quarterly = await planIdOf('smart-quarterly');
    const refused = await post(business, '/admin/plans', `/admin/plans/${quarterly}/gateway-plan`, { gateway: 'razorpay' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Choose a gateway configured here');
    expect(await h.count('gateway_plans')).toBe(0);
  });

  it('is not there for an editor', async () => {
    const editor = await staff('editor');
    expect((await h.app.inject({ url: '/admin/plans', headers: { cookie: editor } })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'POST', url: '/admin/plans', headers: { cookie: editor }, payload: {} })).statusCode).toBe(404);
  });
});
