import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { grantEntitlements, revokeEntitlements } from '../../src/domain/entitlements/queries.js';
import { adminForms } from '../support/admin-forms.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { multipart } from '../support/multipart.js';
import { DAY, useBilling } from './billing-harness.js';

const PARTNER = {
  name: 'The Harbour Gazette',
  includes: 'News, Crosswords, Recipes',
  activationUrl: 'https://harbour.example/redeem?code={code}',
  terms: 'One activation per subscriber.',
  lowStockThreshold: '100',
  provisioning: 'code-pool',
};

/**
 * Partner bundles: the business team defines a partner and uploads its activation codes (CSV, whole or not at all);
 * a subscriber holding the partner's entitlement claims exactly one code on /account, others get nothing; codes of
 * readers who lose the entitlement are marked for revocation and listed in the partner report.
 */
describeEachEngine('partner bundles', (db) => {
  const clock = fakeClock('2026-11-24T06:00:00Z');
  let t: TestApp;
  let sequence = 0;
  let staff = { cookie: '', id: 0 };
  const { csrf, post } = adminForms(() => t);

  const person = async (role: 'business' | 'reader') => {
    sequence++;
    const email = `${role}-${sequence}@example.com`;
    const { user } = await provisionUser(db(), { email, role, password: `the ${role} password` }, clock.now());
    return { id: user.id, email, cookie: await sessionCookie(t.ctx, email, `the ${role} password`) };
  };
  const page = (cookie: string, url: string) => t.app.inject({ url, headers: { cookie } });
  const createPartner = async (fields: Record<string, string>) => {
    const res = await post(staff.cookie, '/admin/partners', '/admin/partners', { ...PARTNER, ...fields });
    expect(res.statusCode, res.body).toBe(303);
    return Number(/\/admin\/partners\/(\d+)/.exec(res.headers.location as string)?.[1]);
  };
  const upload = async (partnerId: number, text: string, name = 'codes.csv') => {
    const form = await csrf(staff.cookie, `/admin/partners/${partnerId}`);
    const body = multipart({ _csrf: form.token }, { name, type: 'text/csv', bytes: Buffer.from(text) });
    return t.app.inject({
      method: 'POST',
      url: `/admin/partners/${partnerId}/codes`,
      headers: { cookie: form.cookie, 'content-type': body.contentType },
      payload: body.payload,
    });
  };
  const claim = async (reader: { cookie: string }, partnerId: number) => {
    const form = await csrf(reader.cookie, '/account');
    return t.app.inject({
      method: 'POST',
      url: `/account/partners/${partnerId}/claim`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.token },
    });
  };
  const codesOf = (partnerId: number) =>
    db().selectFrom('partner_codes').selectAll().where('partner_id', '=', partnerId).orderBy('id').execute();
  const entitle = (userId: number, key: string, source: string, endsAt: Date | null = null) =>
    grantEntitlements(db(), { userId, entitlements: [key], source, startsAt: clock.now(), endsAt });

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    const business = await person('business');
    staff = { cookie: business.cookie, id: business.id };
  });

  it('refuses a partner without a name, with an http or scripted activation address, or a bad key, beside each field; nothing is stored', async () => {
    const bad = await post(staff.cookie, '/admin/partners', '/admin/partners', {
      ...PARTNER,
      name: '  ',
      activationUrl: 'http://harbour.example/redeem?code={code}',
      lowStockThreshold: 'ten',
      entitlement: 'Partner Harbour',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/id="partner-new-name-error">Give the partner’s name/);
    expect(bad.body).toMatch(/id="partner-new-activationUrl-error">An https:\/\/ address/);
    expect(bad.body).toMatch(/id="partner-new-lowStockThreshold-error">A whole number/);
    expect(bad.body).toMatch(/id="partner-new-entitlement-error">partner- then/);
    const scripted = await post(staff.cookie, '/admin/partners', '/admin/partners', {
      ...PARTNER,
      activationUrl: 'https://harbour.example/"><script>alert(1)</script>{code}',
      entitlement: 'partner-harbour',
    });
    expect(scripted.statusCode).toBe(400);
    expect(scripted.body).not.toContain('<script>alert(1)');
    expect(scripted.body).toMatch(/id="partner-new-activationUrl-error">Only \{code\}/);
    expect(await db().selectFrom('partners').selectAll().execute()).toEqual([]);
    expect(await db().selectFrom('entitlement_catalogue').select('key').where('key', '=', 'partner-harbour').execute()).toEqual([]);

    // A reader does not learn the pages exist.
    const reader = await person('reader');
    expect((await page(reader.cookie, '/admin/partners')).statusCode).toBe(404);
  });

  it('adds a partner with its own catalogue entitlement; it is offered to readers only once it has codes to give', async () => {
    const id = await createPartner({ entitlement: 'partner-harbour' });
    const entry = await db().selectFrom('entitlement_catalogue').selectAll().where('key', '=', 'partner-harbour').executeTakeFirst();
    expect(entry).toMatchObject({ kind: 'access', name: 'The Harbour Gazette' });
    const shown = await page(staff.cookie, `/admin/partners/${id}`);
    expect(shown.body).toContain('No plan grants <code>partner-harbour</code> yet');
    // Adopting the seeded `partner-bundle` entry: the plans that grant it are listed.
    const adopted = await createPartner({ name: 'The Lantern', entitlement: 'partner-bundle' });
    const lantern = await page(staff.cookie, `/admin/partners/${adopted}`);
    expect(lantern.body).toMatch(/<ul data-plans><li>Smart Quarterly<\/li><li>Smart Essential<\/li><li>Super Saver<\/li><\/ul>/);
    // Nothing to give yet: the plans page does not promise the bundle.
    expect((await t.app.inject({ url: '/plans' })).body).not.toContain('Partner bundle');
    const uploaded = await upload(adopted, 'code\nLANTERN-1\nLANTERN-2\n');
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    expect((await t.app.inject({ url: '/plans' })).body).toContain('Partner bundle');
    const twice = await post(staff.cookie, '/admin/partners', '/admin/partners', { ...PARTNER, entitlement: 'partner-bundle' });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('Another partner has this entitlement');
  });

  it('refuses a file with bad rows, naming each line, and imports nothing of it', async () => {
    const id = await createPartner({ name: 'Bad Rows Weekly', entitlement: 'partner-bad-rows' });
    const file = [
      'code,expires',
      'GOOD-0001',
      '',
      'X'.repeat(201),
      'BAD CODE',
      'GOOD-0002,2026-02-30',
      'GOOD-0001',
      'GOOD-0003,2026-01-01',
      'GOOD-0004,2027-03-31',
      '"GOOD-0005"',
    ].join('\r\n');
    const res = await upload(id, file);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Upload refused');
    expect(res.body).toContain('<li data-line="3">Line 3: empty line');
    expect(res.body).toContain('<li data-line="4">Line 4: code longer than 200 characters');
    expect(res.body).toContain('<li data-line="5">Line 5: a character a code cannot hold');
    expect(res.body).toContain('<li data-line="6">Line 6: “2026-02-30” is not a day');
    expect(res.body).toContain('<li data-line="7">Line 7: the same code as line 2');
    expect(res.body).toContain('<li data-line="8">Line 8: expired on 2026-01-01');
    expect(res.body).not.toContain('data-line="9"');
    expect(res.body).toMatch(/data-status="rejected"[\s\S]*<dd data-rows-read>9<\/dd>[\s\S]*<dd data-imported>0<\/dd>/);
    expect(await codesOf(id)).toEqual([]);
    const garbage = await upload(id, '\u0000\u0001PNG');
    expect(garbage.statusCode).toBe(400);
    expect(garbage.body).toContain('not a text file');
    const none = await post(staff.cookie, `/admin/partners/${id}`, `/admin/partners/${id}/codes`, {});
    expect(none.statusCode).toBe(400);
    expect(await codesOf(id)).toEqual([]);
  });

  it('refuses codes already stored, with their lines; the stored ones stay as they were', async () => {
    const id = await createPartner({ name: 'Dupes Daily', entitlement: 'partner-dupes' });
    const first = await upload(id, 'DUPE-1\nDUPE-2,2027-01-31\nDUPE-3\n');
    expect(first.statusCode, first.body).toBe(303);
    const record = await page(staff.cookie, first.headers.location as string);
    expect(record.body).toMatch(/data-status="imported"[\s\S]*<dd data-rows-read>3<\/dd>[\s\S]*<dd data-imported>3<\/dd>/);
    const again = await upload(id, 'code\nDUPE-4\nDUPE-2\nDUPE-5\nDUPE-3\n');
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('<li data-line="3">Line 3: this code is already stored');
    expect(again.body).toContain('<li data-line="5">Line 5: this code is already stored');
    expect((await codesOf(id)).map((c) => c.code)).toEqual(['DUPE-1', 'DUPE-2', 'DUPE-3']);
  });

  it('imports 100,000 codes in one go', async () => {
    const id = await createPartner({ name: 'Big Pool', entitlement: 'partner-big' });
    const file = ['code', ...Array.from({ length: 100_000 }, (_, i) => `BIG-${String(i).padStart(6, '0')}`)].join('\n');
    const res = await upload(id, file);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const counted = await db()
      .selectFrom('partner_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('partner_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(counted.n).toBe(100_000);
    const record = await page(staff.cookie, res.headers.location as string);
    expect(record.body).toContain('<dd data-imported>1,00,000</dd>');
  }, 120_000);

  it('a reader without the entitlement sees no claim button, and a claim is refused with nothing given; an entitled one claims exactly one code', async () => {
    const id = await createPartner({
      name: 'Claim Courier',
      entitlement: 'partner-claim',
      activationUrl: 'https://claim.example/a?c={code}&x=1',
    });
    expect((await upload(id, 'CLAIM+1/A=\nCLAIM-2\n')).statusCode).toBe(303);
    const outsider = await person('reader');
    const account = await page(outsider.cookie, '/account');
    expect(account.body).not.toContain('Claim Courier');
    const refused = await claim(outsider, id);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('CLAIM');
    expect((await codesOf(id)).filter((c) => c.claimed_at !== null)).toEqual([]);

    const reader = await person('reader');
    await entitle(reader.id, 'partner-claim', 'grant:test');
    const before = await page(reader.cookie, '/account');
    expect(before.body).toContain('Claim your Claim Courier access</button>');
    const claimed = await claim(reader, id);
    expect(claimed.statusCode, claimed.body).toBe(303);
    const after = await page(reader.cookie, '/account');
    expect(after.body).toContain('<code data-code>CLAIM+1/A=</code>');
    expect(after.body).toContain('href="https://claim.example/a?c=CLAIM%2B1%2FA%3D&amp;x=1"');
    expect(after.body).not.toContain('Claim your Claim Courier access</button>');
    // Claiming again (a second tab, a replayed form) gives the same code.
    expect((await claim(reader, id)).statusCode).toBe(303);
    const claims = (await codesOf(id)).filter((c) => c.claimed_at !== null);
    expect(claims.map((c) => [c.code, c.claimed_by])).toEqual([['CLAIM+1/A=', reader.id]]);
    // It is in the reader's data export.
    const exported = JSON.parse((await page(reader.cookie, '/account/export')).body) as { partner_codes: unknown };
    expect(exported.partner_codes).toMatchObject([{ partner: 'Claim Courier', code: 'CLAIM+1/A=', revocation_requested_at: null }]);
    // The other reader still has nothing, and never sees the code.
    expect((await page(outsider.cookie, '/account')).body).not.toContain('CLAIM');
  });

  it('tells an entitled reader codes are on their way when the pool is empty, and warns staff', async () => {
    const id = await createPartner({ name: 'Empty Echo', entitlement: 'partner-empty', lowStockThreshold: '5' });
    const reader = await person('reader');
    await entitle(reader.id, 'partner-empty', 'grant:test');
    const res = await claim(reader, id);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Codes are on their way');
    const partnerPage = await page(staff.cookie, `/admin/partners/${id}`);
    expect(partnerPage.body).toContain('data-pool-empty');
    expect(partnerPage.body).toContain('Low on codes: Empty Echo has 0 unclaimed codes left (warning below 5)');
    const list = await page(staff.cookie, '/admin/partners');
    expect(list.body).toContain('Low on codes: Empty Echo');
    expect((await page(staff.cookie, '/admin')).body).toContain('Low on codes: Empty Echo');
    // Codes arrive: the warning about the empty pool goes, the low-stock one stays until the threshold is met.
    expect((await upload(id, 'ECHO-1\n')).statusCode).toBe(303);
    const later = await page(staff.cookie, `/admin/partners/${id}`);
    expect(later.body).not.toContain('data-pool-empty');
    expect(later.body).toContain('has 1 unclaimed code left');
    expect((await claim(reader, id)).statusCode).toBe(303);
  });

  it('gives 1,000 readers claiming at once (some twice) one code each, never one code to two readers', async () => {
    const id = await createPartner({ name: 'Rush Hour', entitlement: 'partner-rush' });
    // 900 codes for 1,000 readers: 900 are served, 100 told codes are on their way.
    const codes = Array.from({ length: 900 }, (_, i) => `RUSH-${i}`);
    expect((await upload(id, codes.join('\n'))).statusCode).toBe(303);
    const users = await db()
      .insertInto('users')
      .values(Array.from({ length: 1000 }, (_, i) => ({ email: `rush-${i}@example.com`, role: 'reader' as const })))
      .returning('id')
      .execute();
    await db()
      .insertInto('entitlement_grants')
      .values(
        users.map((u) => ({ user_id: u.id, entitlement: 'partner-rush', source: 'grant:rush', starts_at: clock.now(), ends_at: null })),
      )
      .execute();
    const claimants = [...users, ...users.slice(0, 150)].map((u) => u.id);
    const outcomes = await Promise.all(claimants.map((userId) => t.ctx.partners.claims.claim(userId, id)));
    const byUser = new Map<number, Set<string>>();
    outcomes.forEach((outcome, i) => {
      if (outcome?.kind !== 'claimed') return;
      const set = byUser.get(claimants[i]!) ?? new Set();
      set.add(outcome.access.claim!.code);
      byUser.set(claimants[i]!, set);
    });
    expect([...byUser.values()].every((set) => set.size === 1)).toBe(true);
    const counts = await db()
      .selectFrom('partner_codes')
      .select((eb) => [
        eb.fn.count<number>('id').as('claimed'),
        eb.fn.count<number>('claimed_by').distinct().as('readers'),
        eb.fn.count<number>('code').distinct().as('codes'),
      ])
      .where('partner_id', '=', id)
      .where('claimed_at', 'is not', null)
      .executeTakeFirstOrThrow();
    expect([counts.claimed, counts.readers, counts.codes]).toEqual([900, 900, 900]);
    expect(byUser.size).toBe(900);
    expect(outcomes.filter((o) => o?.kind === 'pool-empty').length).toBeGreaterThanOrEqual(100);

    // Withdrawn from all of them at once: one sweep marks every code, a page of claims at a time.
    await revokeEntitlements(db(), 'grant:rush', clock.now());
    expect(await t.ctx.partners.claims.sweep()).toBe(900);
    expect(await t.ctx.partners.claims.sweep()).toBe(0);
  }, 120_000);

  it('marks the code of a reader whose access ended or was withdrawn for revocation; the report lists it; it is never handed out again', async () => {
    const id = await createPartner({ name: 'Report Review', entitlement: 'partner-report' });
    expect((await upload(id, 'REP-1\nREP-2\nREP-3\n')).statusCode).toBe(303);
    const ending = await person('reader');
    const refunded = await person('reader');
    const staying = await person('reader');
    await entitle(ending.id, 'partner-report', 'subscription:9001', new Date(clock.now().getTime() + 24 * 3600 * 1000));
    await entitle(refunded.id, 'partner-report', 'subscription:9002');
    await entitle(staying.id, 'partner-report', 'subscription:9003');
    for (const reader of [ending, refunded, staying]) expect((await claim(reader, id)).statusCode).toBe(303);
    expect(await t.ctx.partners.claims.sweep()).toBe(0);

    clock.advance(2 * 24 * 3600 * 1000);
    await revokeEntitlements(db(), 'subscription:9002', clock.now());
    // Run by the billing sweep job, after it ends subscriptions.
    expect(await t.ctx.partners.claims.sweep()).toBe(2);
    expect(await t.ctx.partners.claims.sweep()).toBe(0);
    const rows = await codesOf(id);
    expect(rows.map((r) => [r.code, r.revoke_requested_at !== null])).toEqual([
      ['REP-1', true],
      ['REP-2', true],
      ['REP-3', false],
    ]);
    expect((await page(ending.cookie, '/account')).body).not.toContain('REP-1');
    const counts = await page(staff.cookie, `/admin/partners/${id}`);
    expect(counts.body).toContain('<dd data-count="active">1</dd>');
    expect(counts.body).toContain('<dd data-count="revoke">2</dd>');

    const report = await page(staff.cookie, `/admin/partners/${id}/report.csv`);
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/^text\/csv/);
    const lines = report.body.trim().split('\r\n');
    expect(lines[0]).toBe('date,code,status,claimed_at,revoke_requested_at,expires_on');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '2026-11-24,REP-1,revoke',
      '2026-11-24,REP-2,revoke',
      '2026-11-24,REP-3,active',
    ]);
    expect(report.body).not.toContain('@example.com');

    // Subscribed again: a new code, never the revoked one.
    expect((await upload(id, 'REP-4\n')).statusCode).toBe(303);
    await entitle(refunded.id, 'partner-report', 'subscription:9004');
    expect((await claim(refunded, id)).statusCode).toBe(303);
    expect((await page(refunded.cookie, '/account')).body).toContain('<code data-code>REP-4</code>');
    const issued = (await codesOf(id)).filter((r) => r.claimed_by === refunded.id);
    expect(issued.map((r) => [r.code, r.revoke_requested_at !== null])).toEqual([
      ['REP-2', true],
      ['REP-4', false],
    ]);
  });
});

/** The demo plans include `partner-bundle`: a real subscription's end, through the billing sweep job, revokes its code. */
describeEachEngine('partner bundles and subscriptions', (get) => {
  const h = useBilling(get);

  it('a subscriber claims a code; when the cancelled subscription expires, the billing sweep marks it for revocation', async () => {
    const { user: staff } = await provisionUser(h.db, { email: `biz-${Date.now()}@example.in`, role: 'business' }, h.clock.now());
    const actor = { kind: 'user' as const, id: staff.id, role: 'business' as const };
    const partners = h.ctx.partners.service;
    const created = await partners.create(actor, { ...PARTNER, lowStockThreshold: 100, provisioning: 'code-pool' }, 'partner-bundle');
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const uploaded = await partners.upload(actor, created.id, { name: 'codes.csv', bytes: Buffer.from('SUB-1\nSUB-2\n') });
    expect(uploaded?.ok).toBe(true);

    const reader = await h.reader();
    const outsider = await h.reader();
    expect(await h.ctx.partners.claims.claim(outsider.id, created.id)).toEqual({ kind: 'not-entitled' });
    const id = await h.subscribe(reader);
    const claimed = await h.ctx.partners.claims.claim(reader.id, created.id);
    expect(claimed).toMatchObject({ kind: 'claimed', access: { claim: { code: 'SUB-1' } } });
    await h.ctx.billing.service.cancel(reader, id);
    await h.sweep();
    expect(await h.count('partner_codes where revoke_requested_at is not null')).toBe(0);

    const end = (await h.sub(id)).currentPeriodEnd!;
    h.clock.set(new Date(end.getTime() + DAY));
    await h.sweep();
    expect((await h.sub(id)).status).toBe('expired');
    expect(await h.count(`partner_codes where code = 'SUB-1' and revoke_requested_at is not null`)).toBe(1);
    expect((await h.ctx.partners.claims.accessOf(reader.id)).length).toBe(0);
    expect(await h.ctx.partners.claims.claim(reader.id, created.id)).toEqual({ kind: 'not-entitled' });
  });
});
