import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { adminForms } from '../support/admin-forms.js';
import { buildTestApp, cookiesFrom, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

const GATED = /secret\d+-[3-9]/;

describeEachEngine('paywall settings: stored over the environment, in force on the next request', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  let business = '';
  let editor = '';
  const { post } = adminForms(() => t);
  const settings = (overrides: Record<string, string> = {}) => ({
    freeLimit: '10',
    registrationBonus: '0',
    leadBlocks: '2',
    leadWords: '120',
    networkBudget: '300',
    unmeteredProvenances: '',
    ...overrides,
  });
  const save = (fields: Record<string, string>) => post(business, '/admin/paywall', '/admin/paywall', settings(fields));
  const read = (slug: string, cookie = '') =>
    t.app.inject({ url: `/article/${slug}`, headers: cookie ? { cookie } : {}, remoteAddress: '198.51.100.9' });

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_FREE_LIMIT: '10' } });
    for (const role of ['business', 'editor'] as const) {
      await provisionUser(db(), { email: `${role}@example.com`, role, password: `the ${role} password` }, new Date());
    }
    business = await sessionCookie(t.ctx, 'business@example.com', 'the business password');
    editor = await sessionCookie(t.ctx, 'editor@example.com', 'the editor password');
  });

  it('shows the environment values until saved', async () => {
    const page = await t.app.inject({ url: '/admin/paywall', headers: { cookie: business } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/id="freeLimit" name="freeLimit" inputmode="numeric" value="10"/);
  });

  it('a lower free limit changes the meter on the next request', async () => {
    const first = (await createArticle(db())).slug;
    const second = (await createArticle(db())).slug;
    const third = (await createArticle(db())).slug;
    const saved = await save({ freeLimit: '2' });
    expect(saved.statusCode, saved.body).toBe(303);
    const one = await read(first);
    expect(one.body).toContain('You have 1 free article left this month.');
    let cookie = cookiesFrom(one);
    cookie = cookiesFrom(await read(second, cookie), cookie);
    const walled = await read(third, cookie);
    expect(walled.body).toContain('You&#39;ve reached your limit of 2 free articles this month.');
    expect(walled.body).not.toMatch(GATED);
    expect((await t.app.inject({ url: '/admin/paywall', headers: { cookie: business } })).body).toMatch(
      /id="freeLimit" name="freeLimit" inputmode="numeric" value="2"/,
    );
  });

  it('wire copy can be made free of the meter, and a section premium only', async () => {
    const wire = (await createArticle(db(), { provenance: 'wire:Asia Wire' })).slug;
    const metered = (await createArticle(db(), { section: 'world' })).slug;
    expect((await save({ freeLimit: '0', unmeteredProvenances: 'wire:' })).statusCode).toBe(303);
    const wireRead = await read(wire);
    expect(wireRead.body).toMatch(GATED);
    expect((await read(metered)).body).not.toMatch(GATED);

    expect((await save({ freeLimit: '5', section_world: 'premium' })).statusCode).toBe(303);
    const premium = await read(metered);
    expect(premium.body).toContain('data-reason="subscription-required"');
    expect(premium.body).not.toMatch(GATED);
    // The provenance rule was not kept in this save: wire copy is metered again.
    expect((await read(wire)).body).toContain('free articles left this month');
  });

  it('refuses values out of range, beside the field, keeping what was typed', async () => {
    const res = await save({ freeLimit: '500', networkBudget: 'lots', unmeteredProvenances: 'agency' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Network budget: write a whole number.');
    expect(res.body).toContain('value="lots"');
    const range = await save({ freeLimit: '500', unmeteredProvenances: 'agency' });
    expect(range.body).toContain('Free articles a month: from 0 to 100.');
    expect(range.body).toContain('&quot;agency&quot; is not a provenance');
    expect(t.ctx.policy.freeLimit).toBe(5);
  });

  it('records each save in the audit log', async () => {
    const rows = await db().selectFrom('audit_log').selectAll().where('area', '=', 'paywall').execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
  });

  it('is not there for an editor', async () => {
    expect((await t.app.inject({ url: '/admin/paywall', headers: { cookie: editor } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/admin/paywall', headers: { cookie: editor }, payload: {} })).statusCode).toBe(404);
  });
});
