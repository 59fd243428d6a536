import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { recordChange } from '../../src/domain/audit/audit.js';
import type { ArticleFields } from '../../src/domain/content/newsroom.js';
import { actorOf } from '../../src/domain/policies/policies.js';
import { announceChange } from '../../src/domain/site/changes.js';
import { followChanges } from '../../src/main.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { createTestDatabase, engines } from '../support/databases.js';

const NOW = '2026-11-24T10:00:00Z';

const FIELDS: ArticleFields = {
  slug: 'port-traffic',
  headline: 'Port traffic rises in November',
  standfirst: 'Container volumes are up.',
  body: 'First paragraph.\n\nSecond paragraph.',
  section: 'markets',
  tags: ['ports'],
  authors: ['Desk Editor'],
  dateline: 'Mumbai',
  visibility: 'free',
  provenance: 'staff',
  leadImage: null,
};

for (const engine of engines()) {
  describe(`audit log and announced changes [${engine}]`, () => {
    const clock = fakeClock(NOW);
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let t: TestApp;
    const users: Record<string, { id: number; cookie: string }> = {};

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      t = await buildTestApp(database.db, { now: clock.now });
      for (const [role, name] of [
        ['editor', 'Desk Editor'],
        ['business', 'Sales Desk'],
        ['admin', 'Chief Admin'],
        ['reader', 'A Reader'],
      ] as const) {
        const email = `${role}@example.com`;
        const { user } = await provisionUser(database.db, { email, role, name, password: `${role} long password` }, new Date());
        users[role] = { id: user.id, cookie: await sessionCookie(t.ctx, email, `${role} long password`) };
      }
    }, 60_000);
    afterAll(() => database.destroy());

    const actor = (role: string) => actorOf({ id: users[role]!.id, role: role as 'editor' });

    it('shows admins who changed an article, when, and each field before → after', async () => {
      const created = await t.ctx.newsroom.save(actor('editor'), { id: null, version: null, fields: FIELDS, action: { kind: 'save' } });
      if (!created.ok) throw new Error('not saved');
      clock.advance(60_000);
      const published = await t.ctx.newsroom.save(actor('editor'), {
        id: created.id,
        version: created.version,
        fields: { ...FIELDS, headline: 'Port traffic <rises> again', body: 'A rewritten first paragraph.' },
        action: { kind: 'publish' },
      });
      expect(published.ok).toBe(true);

      const page = await t.app.inject({ url: '/admin/audit', headers: { cookie: users.admin!.cookie } });
      expect(page.statusCode).toBe(200);
      const rows = page.body.split('<tr>').slice(2);
      expect(rows).toHaveLength(2);
      // Newest first: the publication, with only what changed, escaped.
      expect(rows[0]).toContain('Desk Editor');
      expect(rows[0]).toContain('>publish<');
      expect(rows[0]).toContain('<b>headline</b>: Port traffic rises in November → Port traffic &lt;rises&gt; again');
      expect(rows[0]).toContain('<b>status</b>: draft → published');
      expect(rows[0]).toContain('<b>body</b>: as of version 1 → as of version 2');
      expect(rows[0]).not.toContain('<b>section</b>');
      expect(rows[1]).toContain('>create<');
    });

    it('is for admins only: the newsroom and the business team find nothing there', async () => {
      for (const role of ['editor', 'business', 'reader']) {
        const page = await t.app.inject({ url: '/admin/audit', headers: { cookie: users[role]!.cookie } });
        expect(page.statusCode, role).toBe(404);
      }
      expect((await t.app.inject({ url: '/admin/audit' })).statusCode).toBe(404);
      const home = await t.app.inject({ url: '/admin', headers: { cookie: users.admin!.cookie } });
      expect(home.body).toContain('href="/admin/audit"');
    });

    it('pages through a long log by area, fifty at a time, and refuses a malformed page', async () => {
      for (let i = 0; i < 55; i++) {
        await recordChange(database.db, {
          actor: actor('business'),
          area: 'plan',
          subject: `plan ${i}`,
          action: 'update',
          before: { price: i },
          after: { price: i + 1 },
        });
      }
      const first = await t.app.inject({ url: '/admin/audit?area=plan', headers: { cookie: users.admin!.cookie } });
      expect(first.body.split('<tr>').length - 2).toBe(50);
      expect(first.body).toContain('plan 54');
      expect(first.body).not.toContain('<td>article</td>');
      const older = /href="(\/admin\/audit\?area=plan&amp;before=\d+)"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
      expect(older).toBeDefined();
      const second = await t.app.inject({ url: older!, headers: { cookie: users.admin!.cookie } });
      expect(second.body.split('<tr>').length - 2).toBe(5);
      expect(second.body).toContain('>plan 0<');
      expect(second.body).not.toContain('Older changes');
      const bad = await t.app.inject({ url: '/admin/audit?before=abc', headers: { cookie: users.admin!.cookie } });
      expect(bad.statusCode).toBe(404);
    });

    it('refreshes every instance when a change is announced', async () => {
      const other = await buildTestApp(database.db, { now: clock.now });
      let refreshed = 0;
      const stop = await followChanges(database.handle, {
        refresh: async () => {
          refreshed++;
        },
      });
      try {
        // The other instance reads the home page (and caches it) before the change.
        expect((await other.app.inject({ url: '/' })).body).not.toContain('Ferry timetable');
        const made = await t.ctx.newsroom.save(actor('editor'), {
          id: null,
          version: null,
          fields: { ...FIELDS, slug: 'ferry-timetable', headline: 'Ferry timetable changes' },
          action: { kind: 'publish' },
        });
        expect(made.ok).toBe(true);
        await expect.poll(() => refreshed, { timeout: 5000 }).toBeGreaterThan(0);
        // Delivered to the other instance as `followChanges` would: its cached home page is dropped.
        await other.ctx.refresh();
        expect((await other.app.inject({ url: '/' })).body).toContain('Ferry timetable');
        // An announcement inside a transaction that rolls back is never delivered.
        const before = refreshed;
        await database.db
          .transaction()
          .execute(async (tx) => {
            await announceChange(tx);
            throw new Error('rolled back');
          })
          .catch(() => undefined);
        await announceChange(database.db);
        await expect.poll(() => refreshed, { timeout: 5000 }).toBe(before + 1);
      } finally {
        await stop();
      }
    });
  });
}
