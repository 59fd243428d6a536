import { expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { adminForms } from '../support/admin-forms.js';
import { sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { DAY, useBilling } from './billing-harness.js';

/** What the plans made here give (the editor's checkboxes). */
const GIVES = ['premium', 'archive', 'ad-free'];

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
  const all = (body: string, re: RegExp) => [...body.matchAll(re)].map((m) => m[1]);
  const plan = (body: string, slug: string) => new RegExp(`data-plan="${slug}"[^]*?</section>`).exec(body)?.[0] ?? '';

  it('creates a plan of any term, edits, highlights and retires it, each shown on /plans', async () => {
    const business = await staff('business');
    const created = await post(business, '/admin/plans', '/admin/plans', {
      name: 'Weekly Pass',
      slug: 'weekly-pass',
      termCount: '7',
      termUnit: 'day',
      entitlement: GIVES,
      price: '99',
    });
    expect(created.statusCode, created.body).toBe(303);
    expect(plan(await plansPage(), 'weekly-pass')).toContain('Weekly Pass');
    expect(plan(await plansPage(), 'weekly-pass')).toContain('₹99 every 7 days');

    const id = await planIdOf('weekly-pass');
    expect(
      (
        await post(business, '/admin/plans', `/admin/plans/${id}`, {
          name: 'Week Pass',
          termCount: '2',
          termUnit: 'month',
          entitlement: GIVES,
          price: '149',
        })
      ).statusCode,
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

  it('saves the entitlements chosen from the catalogue and lists them on /plans by name; refuses an unknown one', async () => {
    const business = await staff('business');
    const fields = { name: 'Archive Pass', slug: 'archive-pass', termCount: '1', termUnit: 'month', price: '199' };
    // In the catalogue, but no feature of this install reads it.
    await h.db
      .insertInto('entitlement_catalogue')
      .values({ key: 'crossword', name: 'Crossword', description: 'The daily crossword.', kind: 'access', allowance: null, position: 3 })
      .execute();
    const created = await post(business, '/admin/plans', '/admin/plans', { ...fields, entitlement: ['archive', 'crossword'] });
    expect(created.statusCode, created.body).toBe(303);
    const id = await planIdOf('archive-pass');
    const stored = await h.db.selectFrom('plans').select('entitlements').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.entitlements).toEqual(['crossword', 'archive']);
    // What every plan grants is listed once; what only some do, in their boxes. The crossword works nowhere: never listed.
    const every = (page: string) => /Every plan includes[^]*?<\/section>/.exec(page)?.[0] ?? '';
    let page = await plansPage();
    expect(all(every(page), /data-entitlement="([a-z-]+)"/g)).toEqual(['archive']);
    expect(plan(page, 'archive-pass')).not.toContain('data-entitlement');
    expect(plan(page, 'super-saver')).toContain('Also includes:');
    expect(all(plan(page, 'super-saver'), /data-entitlement="([a-z-]+)"/g)).toEqual([
      'premium',
      'epaper',
      'newsletters',
      'markets',
      'ad-free',
      'devices',
    ]);
    expect(page).not.toMatch(/crossword/i);

    const edited = await post(business, '/admin/plans', `/admin/plans/${id}`, { ...fields, entitlement: ['premium', 'archive'] });
    expect(edited.statusCode, edited.body).toBe(303);
    page = await plansPage();
    expect(all(every(page), /data-entitlement="([a-z-]+)"/g)).toEqual(['premium', 'archive']);
    expect(every(page)).toContain('<strong>Premium stories</strong>');
    expect(all(plan(page, 'super-saver'), /data-entitlement="([a-z-]+)"/g)).toEqual([
      'epaper',
      'newsletters',
      'markets',
      'ad-free',
      'devices',
    ]);
    const editor = (await h.app.inject({ url: '/admin/plans', headers: { cookie: business } })).body;
    const form = new RegExp(`action="/admin/plans/${id}"[^]*?</form>`).exec(editor)?.[0] ?? '';
    expect(all(form, /value="([a-z-]+)" checked/g)).toEqual(['premium', 'archive']);

    const unknown = await post(business, '/admin/plans', `/admin/plans/${id}`, { ...fields, entitlement: ['premium', 'free-lunch'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('Not in the entitlement catalogue: free-lunch.');
    const none = await post(business, '/admin/plans', `/admin/plans/${id}`, fields);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Choose what the plan gives its subscribers.');
    expect((await h.db.selectFrom('plans').select('entitlements').where('id', '=', id).executeTakeFirstOrThrow()).entitlements).toEqual([
      'premium',
      'archive',
    ]);
    const logged = await h.db
      .selectFrom('audit_log')
      .select('after')
      .where('area', '=', 'plans')
      .where('subject', '=', 'Archive Pass')
      .execute();
    expect(logged.map((row) => JSON.stringify(row.after))).toContain(JSON.stringify({ entitlements: ['archive', 'premium'] }));
    expect((await post(business, '/admin/plans', `/admin/plans/${id}/action`, { action: 'retire' })).statusCode).toBe(303);
  });

  it('refuses bad input beside the field and a taken address', async () => {
    const business = await staff('business');
    const bad = await post(business, '/admin/plans', '/admin/plans', {
      name: 'Cheap',
      slug: 'Cheap Plan!',
      termCount: '0',
      termUnit: 'month',
      entitlement: GIVES,
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
      entitlement: GIVES,
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
      entitlement: GIVES,
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
      entitlement: GIVES,
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

  it('something added to a plan reaches its subscribers at once; something taken away stays until their paid term ends', async () => {
    const business = await staff('business');
    const reader = await h.reader();
    const id = await h.subscribe(reader, 'smart-essential');
    const essential = await planIdOf('smart-essential');
    const bought = await h.entitlements(reader.id);
    expect(bought).toContain('archive');
    const fields = { name: 'Smart Essential', termCount: '1', termUnit: 'year', price: '2,700' };
    const without = bought.filter((key) => key !== 'archive' && key !== 'ad-free');
    expect((await post(business, '/admin/plans', `/admin/plans/${essential}`, { ...fields, entitlement: without })).statusCode).toBe(303);
    const added = [...without, 'ad-free'];
    expect((await post(business, '/admin/plans', `/admin/plans/${essential}`, { ...fields, entitlement: added })).statusCode).toBe(303);
    // Still everything bought, ad-free given back at once (not twice), archive kept for the term paid for.
    expect(await h.entitlements(reader.id)).toEqual(bought);
    expect(
      await h.count(`entitlement_grants where source = $1 and entitlement = 'ad-free' and revoked_at is null`, [`subscription:${id}`]),
    ).toBe(1);

    // The renewal does not carry archive over: it ends when the term it was paid with ends.
    const end = (await h.sub(id)).currentPeriodEnd!;
    h.clock.set(new Date(end.getTime() - 3 * DAY));
    await h.sweep();
    h.clock.set(end);
    await h.sweep();
    expect((await h.sub(id)).status).toBe('active');
    expect(await h.entitlements(reader.id)).toContain('archive');
    h.clock.set(new Date(end.getTime() + 8 * DAY));
    expect(await h.entitlements(reader.id)).toEqual(added.sort());
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
