import { beforeAll, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/accounts/passwords.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { insertUser } from '../../src/domain/accounts/user-queries.js';
import { deleteAccount } from '../../src/domain/accounts/data-rights.js';
import { adminForms } from '../support/admin-forms.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { bodyWithParagraphs, createArticle } from '../support/factories.js';

const GATED = /campus-[3-6]/; // the paragraphs after the lead-in
const EDGE_TOKEN = 'edge-'.padEnd(40, 'k');
const INSIDE = '203.0.113.77';
const OUTSIDE = '198.51.100.1';

/**
 * Group (institutional) access: staff define a group on /admin/groups by IP ranges or email domains; readers inside
 * a range read premium stories signed in or not (and readers outside never see the text, whatever the page cache
 * holds); readers with a verified address at a domain join on /account, one seat each; an edge proxy reads the
 * ranges as CIDR blocks with its token.
 */
describeEachEngine('group access', (db) => {
  const clock = fakeClock('2026-11-24T06:00:00Z');
  let t: TestApp;
  let premium = '';
  let sequence = 0;
  const { post } = adminForms(() => t);

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_EDGE_TOKEN: EDGE_TOKEN } });
    premium = (await createArticle(db(), { visibility: 'premium', body: bodyWithParagraphs(6, 'campus') })).slug;
  });

  const person = async (role: 'business' | 'editor' | 'reader', domain = 'example.com') => {
    sequence++;
    const email = `${role}-${sequence}@${domain}`;
    const { user } = await provisionUser(db(), { email, role, password: `the ${role} password` }, clock.now());
    return { user, email, cookie: await sessionCookie(t.ctx, email, `the ${role} password`) };
  };
  const unverified = async (domain: string) => {
    sequence++;
    const email = `unverified-${sequence}@${domain}`;
    const passwordHash = await hashPassword('the reader password');
    const user = await insertUser(db(), { email, name: '', passwordHash, role: 'reader', verifiedAt: null });
    return { user, email, cookie: await sessionCookie(t.ctx, email, 'the reader password') };
  };
  const read = (ip: string, cookie?: string, url = `/article/${premium}`) =>
    t.app.inject({ url, remoteAddress: ip, headers: cookie ? { cookie } : {} });
  const groupForm = (fields: Record<string, string | string[]>) => ({
    name: 'Indian Institute of Testing',
    ranges: '',
    domains: '',
    entitlement: 'premium',
    starts: '2026-11-24',
    ends: 'never',
    until: '',
    seatsKind: 'unlimited',
    seats: '',
    ...fields,
  });
  const createGroup = async (staff: string, fields: Record<string, string | string[]>) => {
    const res = await post(staff, '/admin/groups/new', '/admin/groups/new', groupForm(fields));
    expect(res.statusCode, res.body).toBe(303);
    return Number(/\/admin\/groups\/(\d+)/.exec(res.headers.location as string)?.[1]);
  };
  const expectOpen = (res: { statusCode: number; body: string }) => {
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('data-reason="subscription-required"');
    expect(res.body).toMatch(GATED);
  };
  const expectWalled = (res: { statusCode: number; body: string }) => {
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-reason="subscription-required"');
    expect(res.body).not.toMatch(GATED);
  };

  it('opens premium stories to every reader inside a range, signed in or not, and to nobody outside, whatever the page cache holds', async () => {
    const staff = await person('business');
    expectWalled(await read(INSIDE)); // before the group exists
    const id = await createGroup(staff.cookie, { ranges: '203.0.113.0/24\n2001:db8:77::/48' });

    const inside = await read(INSIDE);
    expectOpen(inside);
    expect(inside.headers['cache-control']).toBe('private, no-cache');
    expect(inside.cookies.find((c) => c.name === 'mh_reader')).toBeUndefined(); // no free article used
    expectOpen(await read('2001:db8:77::1'));
    expectOpen(await read(`::ffff:${INSIDE}`));
    // Right after a reader inside, the same page for a reader outside: the paywall, no text.
    expectWalled(await read(OUTSIDE));
    expectWalled(await read('2001:db8:78::1'));
    // An address claimed in a header counts for nothing unless it came through a trusted proxy (none here).
    expectWalled(await t.app.inject({ url: `/article/${premium}`, remoteAddress: OUTSIDE, headers: { 'x-forwarded-for': INSIDE } }));
    const api = await read(OUTSIDE, undefined, `/api/v1/articles/${premium}`);
    expect(api.statusCode).toBe(200);
    expect(api.body).not.toMatch(GATED);
    expect((await read(INSIDE, undefined, `/api/v1/articles/${premium}`)).body).toMatch(GATED);

    const reader = await person('reader');
    expectOpen(await read(INSIDE, reader.cookie));
    expectWalled(await read(OUTSIDE, reader.cookie));
    const account = await read(INSIDE, reader.cookie, '/account');
    expect(account.body).toContain(`data-network-group="${id}"`);
    expect(account.body).toContain('Access provided by <strong>Indian Institute of Testing</strong>');
    expect((await read(OUTSIDE, reader.cookie, '/account')).body).not.toContain('data-network-group');

    const log = await db().selectFrom('audit_log').selectAll().where('area', '=', 'groups').where('subject', '=', `group:${id}`).execute();
    expect(log.map((e) => [e.action, e.user_id])).toEqual([['create', staff.user.id]]);
  });

  it('a dash range opens its first and last address, not the ones just outside it', async () => {
    const staff = await person('business');
    await createGroup(staff.cookie, { ranges: '10.20.0.1-10.20.0.200' });
    expectOpen(await read('10.20.0.1'));
    expectOpen(await read('10.20.0.200'));
    expectWalled(await read('10.20.0.0'));
    expectWalled(await read('10.20.0.201'));
  });

  it('a group opens on its first day and closes after its last; ended now, it closes at once', async () => {
    const staff = await person('business');
    const id = await createGroup(staff.cookie, { ranges: '192.0.2.0/28', starts: '2026-11-25', ends: 'date', until: '2026-11-30' });
    expectWalled(await read('192.0.2.3')); // not yet
    clock.set('2026-11-25T00:00:00+05:30');
    expectOpen(await read('192.0.2.3'));
    clock.set('2026-11-30T23:59:00+05:30');
    expectOpen(await read('192.0.2.3'));
    clock.set('2026-12-01T00:00:00+05:30');
    expectWalled(await read('192.0.2.3'));
    clock.set('2026-11-24T06:00:00Z');

    const other = await createGroup(staff.cookie, { ranges: '192.0.2.16/28' });
    expectOpen(await read('192.0.2.17'));
    const ended = await post(staff.cookie, `/admin/groups/${other}`, `/admin/groups/${other}/end`, {});
    expect(ended.statusCode, ended.body).toBe(303);
    expectWalled(await read('192.0.2.17'));
    const page = await t.app.inject({ url: ended.headers.location as string, headers: { cookie: staff.cookie } });
    expect(page.body).toContain('The group has ended');
    expect(page.body).not.toContain('>End now</button>');
    expect(id).toBeLessThan(other);
  });

  it('refuses bad ranges line by line (400, nothing saved), /0 always, and large ranges until confirmed', async () => {
    const staff = await person('business');
    const before = await db().selectFrom('access_groups').select('id').execute();
    const bad = await post(
      staff.cookie,
      '/admin/groups/new',
      '/admin/groups/new',
      groupForm({
        ranges: '203.0.113.0/24\n10.0.0.300\n\n10.0.0.200-10.0.0.1\n0.0.0.0/0\n10.0.0.5/24\n10.0.0.1-2001:db8::1',
        domains: 'iitb.ac.in\nnot a domain',
      }),
    );
    expect(bad.statusCode).toBe(400);
    for (const line of [
      'Line 2: “10.0.0.300”',
      'Line 4: “10.0.0.200-10.0.0.1” starts after it ends',
      'Line 5: “0.0.0.0/0” is larger than',
      'Line 6: “10.0.0.5/24” does not start its block: did you mean 10.0.0.0/24?',
      'Line 7: “10.0.0.1-2001:db8::1” mixes',
    ])
      expect(bad.body).toContain(line);
    expect(bad.body).not.toContain('Line 1:');
    expect(bad.body).toContain('Line 2: “not a domain” is not a domain');
    expect(bad.body).toContain('10.0.0.200-10.0.0.1'); // the field comes back as typed
    expect(await db().selectFrom('access_groups').select('id').execute()).toEqual(before);

    const large = await post(staff.cookie, '/admin/groups/new', '/admin/groups/new', groupForm({ ranges: '10.0.0.0/8' }));
    expect(large.statusCode).toBe(400);
    expect(large.body).toContain('These large ranges are meant');
    await createGroup(staff.cookie, { ranges: '10.0.0.0/8', confirmLarge: 'yes', entitlement: 'archive' });

    const nothing = await post(staff.cookie, '/admin/groups/new', '/admin/groups/new', groupForm({ entitlement: [] }));
    expect(nothing.statusCode).toBe(400);
    expect(nothing.body).toContain('Give the institution’s IP ranges, its email domains, or both.');
    expect(nothing.body).toContain('Choose at least one thing to give.');
  });

  it('lets only the business team manage groups', async () => {
    const editor = await person('editor');
    const reader = await person('reader');
    expect((await t.app.inject({ url: '/admin/groups', headers: { cookie: editor.cookie } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/admin/groups', headers: { cookie: reader.cookie } })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/admin/groups' })).statusCode).toBe(404);
  });

  it('a reader with a verified address at the domain (or a subdomain) joins on /account and reads; unverified and lookalike addresses never join', async () => {
    const staff = await person('business');
    const id = await createGroup(staff.cookie, { domains: '@IITT.ac.in', seatsKind: 'limited', seats: '10' });
    const member = await person('reader', 'cse.iitt.ac.in');
    expectWalled(await read(OUTSIDE, member.cookie));
    const account = await read(OUTSIDE, member.cookie, '/account');
    expect(account.body).toContain(`action="/account/groups/${id}/join"`);
    const joined = await post(member.cookie, '/account', `/account/groups/${id}/join`, {});
    expect(joined.headers.location).toBe('/account?notice=group-joined');
    expectOpen(await read(OUTSIDE, member.cookie));
    const after = await read(OUTSIDE, member.cookie, '/account');
    expect(/<tr data-entitlement="premium">.*?<\/tr>/.exec(after.body)?.[0]).toContain('<td>Indian Institute of Testing</td>');
    expect(after.body).toContain('you are a member.');
    const exported = JSON.parse((await read(OUTSIDE, member.cookie, '/account/export')).body) as { group_memberships: unknown };
    expect(exported.group_memberships).toEqual([{ group: expect.any(String), joined_at: clock.now().toISOString() }]);
    const again = await post(member.cookie, '/account', `/account/groups/${id}/join`, {});
    expect(again.statusCode, again.body.slice(0, 3000)).toBe(303);
    expect(again.headers.location).toBe('/account?notice=group-already-member');

    const notVerified = await unverified('iitt.ac.in');
    expect((await read(OUTSIDE, notVerified.cookie, '/account')).body).not.toContain('/join"');
    const refused = await post(notVerified.cookie, '/account', `/account/groups/${id}/join`, {});
    expect(refused.headers.location).toBe('/account?notice=group-unverified');
    expectWalled(await read(OUTSIDE, notVerified.cookie));

    const lookalike = await person('reader', 'notiitt.ac.in');
    expect((await read(OUTSIDE, lookalike.cookie, '/account')).body).not.toContain('/join"');
    const forged = await post(lookalike.cookie, '/account', `/account/groups/${id}/join`, {});
    expect(forged.headers.location).toBe('/account?notice=group-not-eligible');
    expectWalled(await read(OUTSIDE, lookalike.cookie));

    const staffPage = await t.app.inject({ url: `/admin/groups/${id}`, headers: { cookie: staff.cookie } });
    expect(staffPage.body).toContain('Seats used: 1 of 10.');
    expect(staffPage.body).toContain(member.email);
    const rows = await db().selectFrom('entitlement_grants').selectAll().where('source', '=', `group:${id}`).execute();
    expect(rows.map((r) => r.user_id)).toEqual([member.user.id]);

    // Removed, the seat is free and the access ends at once.
    const removed = await post(staff.cookie, `/admin/groups/${id}`, `/admin/groups/${id}/members/${member.user.id}/remove`, {});
    expect(removed.statusCode, removed.body).toBe(303);
    expectWalled(await read(OUTSIDE, member.cookie));
    expect((await db().selectFrom('access_groups').select('seats_used').where('id', '=', id).executeTakeFirstOrThrow()).seats_used).toBe(0);
  });

  it('gives N seats to exactly N of N + 5 readers joining at once; the others are told every seat is taken', async () => {
    const staff = await person('business');
    const seats = 4;
    const id = await createGroup(staff.cookie, { domains: 'seats.example.org', seatsKind: 'limited', seats: String(seats) });
    const readers = await Promise.all(Array.from({ length: seats + 5 }, () => person('reader', 'seats.example.org')));
    const outcomes = await Promise.all(readers.map((r) => t.ctx.groups.join(r.user.id, id, clock.now())));
    expect(outcomes.filter((o) => o === 'joined')).toHaveLength(seats);
    expect(outcomes.filter((o) => o === 'full')).toHaveLength(5);
    const members = await db().selectFrom('access_group_members').select('user_id').where('group_id', '=', id).execute();
    expect(members).toHaveLength(seats);
    const group = await db().selectFrom('access_groups').select(['seats_used']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(group.seats_used).toBe(seats);
    const granted = await db().selectFrom('entitlement_grants').select('user_id').distinct().where('source', '=', `group:${id}`).execute();
    expect(granted.map((g) => g.user_id).sort()).toEqual(members.map((m) => m.user_id).sort());

    const late = readers[outcomes.indexOf('full')]!;
    expect((await read(OUTSIDE, late.cookie, '/account')).body).toContain('every seat is taken');
    const full = await post(late.cookie, '/account', `/account/groups/${id}/join`, {});
    expect(full.headers.location).toBe('/account?notice=group-full');
    expect((await t.app.inject({ url: full.headers.location as string, headers: { cookie: late.cookie } })).body).toContain(
      'Every seat of that group is taken',
    );
    // Staff cannot shrink the seats below the members.
    const shrink = await post(
      staff.cookie,
      `/admin/groups/${id}`,
      `/admin/groups/${id}`,
      groupForm({ domains: 'seats.example.org', seatsKind: 'limited', seats: '2' }),
    );
    expect(shrink.statusCode).toBe(400);
    expect(shrink.body).toContain(`${seats} readers hold seats`);
    // A member's account deleted: their seat goes back to the group.
    const leaving = readers[outcomes.indexOf('joined')]!;
    await deleteAccount(db(), leaving.user.id, clock.now());
    expect(await t.ctx.groups.join(late.user.id, id, clock.now())).toBe('joined');
  });

  it('an edit of what a group gives or of its end applies to its members at once', async () => {
    const staff = await person('business');
    const id = await createGroup(staff.cookie, { domains: 'edit.example.org' });
    const member = await person('reader', 'edit.example.org');
    expect(await t.ctx.groups.join(member.user.id, id, clock.now())).toBe('joined');
    const edited = await post(
      staff.cookie,
      `/admin/groups/${id}`,
      `/admin/groups/${id}`,
      groupForm({ domains: 'edit.example.org', entitlement: 'archive' }),
    );
    expect(edited.statusCode, edited.body).toBe(303);
    expectWalled(await read(OUTSIDE, member.cookie));
    const live = await db()
      .selectFrom('entitlement_grants')
      .select('entitlement')
      .where('source', '=', `group:${id}`)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live.map((r) => r.entitlement)).toEqual(['archive']);
  });

  it('gives the edge proxy the ranges in force as CIDR blocks, with its token or a staff token only', async () => {
    const staff = await person('business');
    const reader = await person('reader');
    const id = await createGroup(staff.cookie, { name: 'Edge College', ranges: '10.30.0.1-10.30.0.6\n2001:db8:30::/48' });
    const ended = await createGroup(staff.cookie, { name: 'Gone College', ranges: '10.31.0.0/24' });
    await post(staff.cookie, `/admin/groups/${ended}`, `/admin/groups/${ended}/end`, {});
    const get = (authorization?: string) =>
      t.app.inject({ url: '/api/v1/access/ip-allowlist', headers: authorization ? { authorization } : {} });

    const none = await get();
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    expect((await get(`Bearer ${'x'.repeat(40)}`)).statusCode).toBe(401);
    expect((await get(`Bearer ${EDGE_TOKEN}x`)).statusCode).toBe(401);
    const token = async (email: string, password: string) => {
      const signed = await t.ctx.accounts.signInWithPassword({
        email,
        password,
        device: { kind: 'app', userAgent: 'edge' },
        origin: { networkKey: 'edge' },
      });
      if (!signed.ok || signed.value.status !== 'signed-in') throw new Error('no token');
      return signed.value.session.token;
    };
    expect((await get(`Bearer ${await token(reader.email, 'the reader password')}`)).statusCode).toBe(404);

    const edge = await get(`Bearer ${EDGE_TOKEN}`);
    expect(edge.statusCode, edge.body).toBe(200);
    expect(edge.headers['cache-control']).toBe('no-store');
    const body = edge.json();
    expect(body.generated_at).toBe(clock.now().toISOString());
    const group = body.groups.find((g: { id: number }) => g.id === id);
    expect(group).toEqual({
      id,
      name: 'Edge College',
      entitlements: ['premium'],
      ranges: ['10.30.0.1/32', '10.30.0.2/31', '10.30.0.4/31', '10.30.0.6/32', '2001:db8:30::/48'],
      starts_at: '2026-11-23T18:30:00.000Z',
      ends_at: null,
    });
    expect(body.groups.map((g: { id: number }) => g.id)).not.toContain(ended);
    const byStaff = await get(`Bearer ${await token(staff.email, 'the business password')}`);
    expect(byStaff.statusCode).toBe(200);
    expect(byStaff.json().groups).toEqual(body.groups);

    const openapi = (await t.app.inject({ url: '/api/openapi.json' })).json();
    expect(openapi.paths['/api/v1/access/ip-allowlist'].get.security).toEqual([{ edgeToken: [] }]);
  });
});
