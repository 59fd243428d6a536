import { beforeAll, expect, it } from 'vitest';
import { deleteAccount, exportAccountData } from '../../src/domain/accounts/data-rights.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { formatDate } from '../../src/web/views/format.js';
import { adminForms } from '../support/admin-forms.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { bodyWithParagraphs, createArticle } from '../support/factories.js';

const GATED = /gifted-[3-6]/; // the paragraphs after the lead-in

/**
 * Complimentary access (/admin/users): the business team gives a reader chosen entitlements until a day or for good,
 * with a reason; the reader has them on their next page, and loses them the moment they are withdrawn. Logged.
 */
describeEachEngine('complimentary grants', (db) => {
  const clock = fakeClock('2026-11-24T06:00:00Z');
  let t: TestApp;
  let premium = '';
  let sequence = 0;
  const { csrf, post } = adminForms(() => t);

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    premium = (await createArticle(db(), { visibility: 'premium', body: bodyWithParagraphs(6, 'gifted') })).slug;
  });

  const person = async (role: 'business' | 'editor' | 'reader') => {
    sequence++;
    const email = `${role}-${sequence}@example.com`;
    const { user } = await provisionUser(db(), { email, role, password: `the ${role} password` }, clock.now());
    return { user, email, cookie: await sessionCookie(t.ctx, email, `the ${role} password`) };
  };
  const readerPage = (email: string) => `/admin/users?email=${encodeURIComponent(email)}`;
  const give = (staff: string, reader: { user: { id: number }; email: string }, fields: Record<string, string | string[]>) =>
    post(staff, readerPage(reader.email), `/admin/users/${reader.user.id}/grants`, fields);
  const article = (cookie: string) => t.app.inject({ url: `/article/${premium}`, headers: { cookie } });
  const grantRows = (userId: number) => db().selectFrom('complimentary_grants').selectAll().where('user_id', '=', userId).execute();
  const entitlementRows = (userId: number) => db().selectFrom('entitlement_grants').selectAll().where('user_id', '=', userId).execute();

  it('gives a reader premium for 30 days with a reason: they read in full at once, and their account says until when; withdrawn, the paywall is back', async () => {
    const staff = await person('business');
    const reader = await person('reader');
    const before = await article(reader.cookie);
    expect(before.body).toContain('data-reason="subscription-required"');
    expect(before.body).not.toMatch(GATED);

    const given = await give(staff.cookie, reader, {
      entitlement: 'premium',
      ends: 'date',
      until: '2026-12-24',
      reason: 'Columnist’s family: a month’s access.',
    });
    expect(given.statusCode, given.body).toBe(303);
    const page = await t.app.inject({ url: given.headers.location as string, headers: { cookie: staff.cookie } });
    expect(page.body).toContain('Complimentary access given');
    expect(page.body).toContain('Columnist’s family: a month’s access.');
    expect(page.body).toContain('>Withdraw</button>');

    const open = await article(reader.cookie);
    expect(open.statusCode).toBe(200);
    expect(open.body).not.toContain('data-reason="subscription-required"');
    expect(open.body).toMatch(GATED);

    // The last day is the 24th in the publisher's zone: access lasts to its end, and the account shows that day.
    const lastDay = new Date('2026-12-24T18:29:59.999Z');
    const account = await t.app.inject({ url: '/account', headers: { cookie: reader.cookie } });
    const row = /<tr data-entitlement="premium">.*?<\/tr>/.exec(account.body)?.[0] ?? '';
    expect(row).toContain('<td>complimentary</td>');
    expect(row).toContain(formatDate(lastDay, 'Asia/Kolkata'));
    const [grant] = await grantRows(reader.user.id);
    expect(grant).toMatchObject({ entitlements: ['premium'], granted_by: staff.user.id, revoked_at: null });
    expect(grant!.ends_at).toEqual(lastDay);

    const withdrawn = await post(staff.cookie, readerPage(reader.email), `/admin/users/${reader.user.id}/grants/${grant!.id}/withdraw`, {});
    expect(withdrawn.statusCode, withdrawn.body).toBe(303);
    const after = await article(reader.cookie);
    expect(after.body).toContain('data-reason="subscription-required"');
    expect(after.body).not.toMatch(GATED);
    expect((await t.app.inject({ url: '/account', headers: { cookie: reader.cookie } })).body).not.toContain('data-entitlement="premium"');
    const listed = (await t.app.inject({ url: readerPage(reader.email), headers: { cookie: staff.cookie } })).body;
    expect(listed).toContain(`Withdrawn`);
    expect(listed).not.toContain('>Withdraw</button>');
    expect((await grantRows(reader.user.id))[0]).toMatchObject({ revoked_by: staff.user.id });

    const log = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('area', '=', 'grants')
      .where('subject', '=', `grant:${grant!.id}`)
      .orderBy('id')
      .execute();
    expect(log.map((e) => [e.action, e.user_id])).toEqual([
      ['create', staff.user.id],
      ['withdraw', staff.user.id],
    ]);
    expect(log[0]!.after).toMatchObject({
      reader: reader.user.id,
      entitlements: ['premium'],
      reason: 'Columnist’s family: a month’s access.',
    });
  });

  it('refuses a grant without a reason, with an end day gone by, or of what does not work here, beside each field; nothing is granted', async () => {
    const staff = await person('business');
    const reader = await person('reader');
    const noReason = await give(staff.cookie, reader, { entitlement: ['premium', 'ad-free'], ends: 'never', until: '', reason: '   ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toMatch(/id="grant-reason-error">Say why the reader is given this/);
    expect(noReason.body).toMatch(/value="ad-free" checked/); // the form comes back as it was filled in

    const past = await give(staff.cookie, reader, {
      entitlement: 'premium',
      ends: 'date',
      until: '2026-11-23',
      reason: 'A late thank-you',
    });
    expect(past.statusCode).toBe(400);
    expect(past.body).toMatch(/id="grant-until-error">That day has passed/);
    expect(past.body).toContain('A late thank-you');

    const noDate = await give(staff.cookie, reader, { entitlement: 'premium', ends: 'date', until: '', reason: 'Press pass' });
    expect(noDate.statusCode).toBe(400);
    expect(noDate.body).toContain('id="grant-until-error"');

    // The crossword is in the catalogue, but nothing here reads it: it cannot be given, nor is it offered.
    await db()
      .insertInto('entitlement_catalogue')
      .values({ key: 'crossword', name: 'Crossword', description: 'The daily crossword.', kind: 'access', allowance: null, position: 9 })
      .execute();
    expect((await csrf(staff.cookie, readerPage(reader.email))).page.body).not.toContain('value="crossword"');
    const crossword = await give(staff.cookie, reader, { entitlement: 'crossword', ends: 'never', until: '', reason: 'Puzzle fan' });
    expect(crossword.statusCode).toBe(400);
    expect(crossword.body).toMatch(/id="grant-entitlements-error">Not something this site can give: crossword/);
    const nothing = await give(staff.cookie, reader, { ends: 'never', until: '', reason: 'Print subscriber' });
    expect(nothing.body).toContain('id="grant-entitlements-error">Choose at least one thing to give.');

    expect(await grantRows(reader.user.id)).toEqual([]);
    expect(await entitlementRows(reader.user.id)).toEqual([]);
    expect((await article(reader.cookie)).body).not.toMatch(GATED);
  });

  it('gives access with no end date, which the account says', async () => {
    const staff = await person('business');
    const reader = await person('reader');
    const given = await give(staff.cookie, reader, { entitlement: 'premium', ends: 'never', until: '2026-12-01', reason: 'Board member' });
    expect(given.statusCode, given.body).toBe(303);
    expect((await article(reader.cookie)).body).toMatch(GATED);
    const account = (await t.app.inject({ url: '/account', headers: { cookie: reader.cookie } })).body;
    expect(/<tr data-entitlement="premium">.*?<\/tr>/.exec(account)?.[0]).toContain('<td>no end date</td>');
    expect((await grantRows(reader.user.id))[0]).toMatchObject({ ends_at: null });

    // The reader's data export carries the grant and staff's reason; deleting the account erases both.
    const exported = await exportAccountData(db(), reader.user.id, clock.now());
    expect(exported?.complimentary_access).toEqual([expect.objectContaining({ entitlements: ['premium'], reason: 'Board member' })]);
    expect(await deleteAccount(db(), reader.user.id, clock.now())).not.toBeNull();
    expect(await grantRows(reader.user.id)).toEqual([]);
  });

  it('is not there for an editor or a reader', async () => {
    const editor = await person('editor');
    const reader = await person('reader');
    expect((await t.app.inject({ url: readerPage(reader.email), headers: { cookie: editor.cookie } })).statusCode).toBe(404);
    const fields = { entitlement: 'premium', ends: 'never', until: '', reason: 'Myself' };
    const byEditor = await post(editor.cookie, '/admin/articles/new', `/admin/users/${reader.user.id}/grants`, fields);
    expect(byEditor.statusCode).toBe(404);
    const byReader = await t.app.inject({
      method: 'POST',
      url: `/admin/users/${reader.user.id}/grants`,
      headers: { cookie: reader.cookie },
      payload: fields,
    });
    expect(byReader.statusCode).toBe(404);
    expect(await grantRows(reader.user.id)).toEqual([]);
  });
});
