import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { actorOf } from '../../src/domain/policies/policies.js';
import { describeEachEngine } from '../support/databases.js';
import { buildTestApp, sessionCookie, type TestApp } from '../support/app.js';

describeEachEngine('admin: a reader’s data on request', (db) => {
  let t: TestApp;
  let admin = '';
  let reader = '';

  const signIn = (email: string, password: string) => sessionCookie(t.ctx, email, password);
  const csrf = async (cookie: string, url: string) => {
    const page = await t.app.inject({ url, headers: { cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    const csrfCookie = page.cookies.find((c) => c.name === 'mh_csrf');
    return { token: token ?? '', cookie: csrfCookie ? `${cookie}; mh_csrf=${csrfCookie.value}` : cookie };
  };

  beforeAll(async () => {
    t = await buildTestApp(db());
    await provisionUser(db(), { email: 'boss@example.com', role: 'admin', password: 'an admin password' }, new Date());
    await provisionUser(db(), { email: 'asks@example.com', role: 'reader', name: 'Asha Asks', password: 'a reader password' }, new Date());
    admin = await signIn('boss@example.com', 'an admin password');
    reader = await signIn('asks@example.com', 'a reader password');
  });

  it('is hidden from readers', async () => {
    expect((await t.app.inject({ url: '/admin/users', headers: { cookie: reader } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/admin/users' })).statusCode).toBe(404);
  });

  it('lets only the reader themselves, or an admin, reach a reader’s data (manageOwnAccount, manageReaders)', async () => {
    const { user: owner } = await provisionUser(
      db(),
      { email: 'owner@example.com', role: 'reader', password: 'the owner password' },
      new Date(),
    );
    const { user: other } = await provisionUser(
      db(),
      { email: 'other@example.com', role: 'reader', password: 'another password' },
      new Date(),
    );
    const { user: editor } = await provisionUser(
      db(),
      { email: 'editor@example.com', role: 'editor', password: 'an editor password' },
      new Date(),
    );
    const { user: boss } = await provisionUser(
      db(),
      { email: 'boss@example.com', role: 'admin', password: 'an admin password' },
      new Date(),
    );
    for (const stranger of [actorOf(other), actorOf(editor), actorOf(null)]) {
      await expect(t.ctx.accounts.exportData(stranger, owner.id)).rejects.toMatchObject({ code: 'not-found' });
      await expect(t.ctx.accounts.deleteAccount(stranger, owner.id)).rejects.toMatchObject({ code: 'not-found' });
    }
    expect((await t.ctx.accounts.exportData(actorOf(owner), owner.id))?.account).toMatchObject({ email: 'owner@example.com' });
    expect((await t.ctx.accounts.exportData(actorOf(boss), owner.id))?.account).toMatchObject({ email: 'owner@example.com' });
    expect(await t.ctx.accounts.findUserById(owner.id)).not.toBeNull();
  });

  it('finds a reader, downloads their data, and deletes the account only when the address is typed', async () => {
    const found = await t.app.inject({ url: '/admin/users?email=ASKS@example.com', headers: { cookie: admin } });
    expect(found.body).toContain('Asha Asks');
    const id = /data-user="(\d+)"/.exec(found.body)?.[1];
    const data = await t.app.inject({ url: `/admin/users/${id}/export`, headers: { cookie: admin } });
    expect(data.headers['content-disposition']).toContain('attachment');
    expect(data.json<{ account: { email: string } }>().account.email).toBe('asks@example.com');

    const form = await csrf(admin, '/admin/users?email=asks@example.com');
    const wrong = await t.app.inject({
      method: 'POST',
      url: `/admin/users/${id}/delete`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.token, confirm: 'someone@else.com' },
    });
    expect(wrong.statusCode).toBe(400);
    expect((await t.app.inject({ url: '/account', headers: { cookie: reader } })).statusCode).toBe(200);

    const done = await t.app.inject({
      method: 'POST',
      url: `/admin/users/${id}/delete`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.token, confirm: 'asks@example.com' },
    });
    expect(done.statusCode).toBe(303);
    // The reader is signed out everywhere and their address is gone.
    expect((await t.app.inject({ url: '/account', headers: { cookie: reader } })).headers.location).toMatch(/^\/login/);
    expect((await t.app.inject({ url: '/admin/users?email=asks@example.com', headers: { cookie: admin } })).body).toContain(
      'No account has that address.',
    );
  });
});
