import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { describeEachEngine } from '../support/databases.js';
import { buildTestApp, sessionCookie, cookiesFrom, fakeClock, type TestApp } from '../support/app.js';
import { createArticle } from '../support/factories.js';

describeEachEngine('registration wall', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  const slugs: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_FREE_LIMIT: '3', MASTHEAD_REGISTRATION_BONUS: '2' } });
    for (let i = 0; i < 6; i++) slugs.push((await createArticle(db())).slug);
    await provisionUser(db(), { email: 'wall@example.com', role: 'reader', password: 'registered reader' }, clock.now());
  });

  it('offers a free account to anonymous readers who used their free articles', async () => {
    let cookie = '';
    for (let i = 0; i < 3; i++) cookie = cookiesFrom(await t.app.inject({ url: `/article/${slugs[i]}`, headers: { cookie } }), cookie);
    const walled = await t.app.inject({ url: `/article/${slugs[3]}`, headers: { cookie } });
    expect(walled.body).toContain('Create a free account to read 2 more.');
    // What the account gives, in the figures in force.
    expect(walled.body).toContain(
      'A free account costs nothing and needs no card: 2 more free articles every month on top of the 3 everyone gets',
    );
    expect(walled.body).toMatch(/href="\/register\?next=/);
    expect(walled.body).not.toMatch(/secret\d+-[3-9]/);
  });

  it('gives registered readers the extra articles, counted on the server', async () => {
    const cookie = await sessionCookie(t.ctx, 'wall@example.com', 'registered reader');
    for (let i = 0; i < 5; i++)
      expect((await t.app.inject({ url: `/article/${slugs[i]}`, headers: { cookie } })).body).toMatch(/secret\d+-[3-9]/);
    const sixth = await t.app.inject({ url: `/article/${slugs[5]}`, headers: { cookie } });
    expect(sixth.body).toContain('reached your limit of 5 free articles');
    expect(sixth.body).not.toMatch(/secret\d+-[3-9]/);
  });
});
