import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMailer } from '../../src/adapters/email/mailer.js';
import { loadConfig } from '../../src/config/config.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { grantEntitlements, revokeEntitlements } from '../../src/domain/entitlements/queries.js';
import { seedDemoNewsletters } from '../../src/domain/newsletters/service.js';
import type { Mailer } from '../../src/domain/ports/mailer.js';
import { createAppContext } from '../../src/main.js';
import { buildTestApp, cookiesFrom, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { bodyWithParagraphs, createArticle } from '../support/factories.js';
import { startTestSmtpServer, type ReceivedEmail, type TestSmtpServer } from '../support/smtp-server.js';
import { tempDir } from '../support/temp.js';
import { verifyDkim } from '../support/dkim.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const DKIM_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/**
 * Newsletters end to end against a real SMTP server: sign-up with double opt-in, an issue composed from articles and
 * sent by the job, gated bodies by entitlement at send time, List-Unsubscribe and DKIM headers, one-click unsubscribe
 * without a session, suppression of hard bounces, and exactly one message per recipient across a crash mid-send.
 */
describeEachEngine('newsletters', (db) => {
  const clock = fakeClock('2026-11-24T06:00:00Z');
  let t: TestApp;
  let smtp: TestSmtpServer;
  let sequence = 0;
  const env = () => ({
    SMTP_URL: smtp.url,
    MASTHEAD_NEWSLETTER_RATE: '10000',
    MASTHEAD_DKIM_DOMAIN: 'example.com',
    MASTHEAD_DKIM_SELECTOR: 'news2026',
    MASTHEAD_DKIM_PRIVATE_KEY: DKIM_KEY,
  });

  beforeAll(async () => {
    smtp = await startTestSmtpServer({
      refuse: (address) =>
        address.startsWith('bounce-')
          ? { code: 550, message: 'No such mailbox' }
          : address.startsWith('later-')
            ? { code: 451, message: 'Try later' }
            : null,
    });
    t = await buildTestApp(db(), { now: clock.now, env: env(), jobs: 'manual' });
    await seedDemoNewsletters(db());
  });
  afterAll(async () => {
    await t.ctx.newsletterMailer.close();
    await t.ctx.mailer.close();
    await smtp.close();
  });

  const list = async (slug: string) => (await t.ctx.newsletters.list(slug))!;
  /** A form on `page` posted with its CSRF token, as a browser would. */
  const postForm = async (page: string, action: string, fields: Record<string, string>, cookie = '') => {
    const shown = await t.app.inject({ url: page, headers: cookie ? { cookie } : {} });
    const token = /name="_csrf" value="([^"]+)"/.exec(shown.body)?.[1] ?? '';
    return t.app.inject({
      method: 'POST',
      url: action,
      headers: { cookie: cookiesFrom(shown, cookie) },
      payload: { _csrf: token, ...fields },
    });
  };
  const reader = async (entitlements: string[] = []) => {
    sequence++;
    const email = `reader-${sequence}@example.com`;
    const { user } = await provisionUser(db(), { email, role: 'reader', password: 'a reader password' }, clock.now());
    const source = `test:grant-${sequence}`;
    if (entitlements.length) await grantEntitlements(db(), { userId: user.id, entitlements, source, startsAt: clock.now(), endsAt: null });
    return { user, email, source, cookie: await sessionCookie(t.ctx, email, 'a reader password') };
  };
  const linkIn = (message: ReceivedEmail, path: string) =>
    new RegExp(`http://localhost:3000(${path}\\?[^\\s"<>)]+)`).exec(message.text)?.[1]?.replace(/&amp;/g, '&') ?? '';
  /** A header of the raw message, unfolded. */
  const header = (message: ReceivedEmail, name: string) =>
    (new RegExp(`^${name}:(.*(?:\\r\\n[ \\t].*)*)`, 'mi').exec(message.raw)?.[1] ?? '').replace(/\r\n[ \t]+/g, ' ').trim();
  const inbox = (to: string, subject: string) => smtp.messages.filter((m) => m.to.includes(to) && m.subject === subject);
  /** Signs an address up anonymously and opens the confirmation link it is emailed. */
  const signUpAnonymously = async (slug: string, email: string) => {
    const res = await postForm('/newsletters', `/newsletters/${slug}/subscribe`, { email });
    expect(res.statusCode, res.body).toBe(303);
    await t.jobs.runDue();
    const mail = await smtp.waitFor((m) => m.to.includes(email) && m.subject.startsWith('Confirm'));
    const confirm = await t.app.inject({ url: linkIn(mail, '/newsletters/confirm') });
    expect(confirm.statusCode, confirm.body).toBe(200);
  };
  const sendIssue = async (slug: string, subject: string, articleSlugs: string[]) => {
    const composed = await t.ctx.newsletters.compose((await list(slug)).id, {
      subject,
      introduction: 'Hello from the desk.',
      articleSlugs,
    });
    if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
    expect(await t.ctx.newsletters.sendNow(composed.id)).toBe(true);
    await t.jobs.runDue();
    return composed.id;
  };

  it('lists the demo newsletters with sign-up; an address without an account is on the list only after opening its link', async () => {
    const page = await t.app.inject({ url: '/newsletters' });
    expect(page.statusCode).toBe(200);
    for (const name of ['Markets', 'Finance', 'Politics', 'Tech']) expect(page.body).toContain(name);
    expect(page.body).toContain('action="/newsletters/markets/subscribe"');

    const email = 'optin@example.net';
    const res = await postForm('/newsletters', '/newsletters/markets/subscribe', { email: ' OptIn@Example.net ' });
    expect(res.headers.location).toBe('/newsletters?notice=check-inbox');
    const row = () => db().selectFrom('newsletter_subscriptions').select('status').where('email', '=', email).executeTakeFirst();
    expect((await row())?.status).toBe('pending');
    // Asking again within minutes sends no second email, and the answer is the same.
    const again = await postForm('/newsletters', '/newsletters/markets/subscribe', { email });
    expect(again.headers.location).toBe('/newsletters?notice=check-inbox');
    await t.jobs.runDue();
    expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(1);
    const mail = smtp.messages.find((m) => m.to.includes(email))!;
    const link = linkIn(mail, '/newsletters/confirm');
    // A forged token confirms nothing.
    expect((await t.app.inject({ url: link.replace(/t=[^&]+/, 't=abc.AAAAAAAAAAAAAAAAAAAAAAAA') })).statusCode).toBe(404);
    expect((await row())?.status).toBe('pending');
    expect((await t.app.inject({ url: link })).statusCode).toBe(200);
    expect((await row())?.status).toBe('confirmed');
    // A list for account holders refuses an anonymous sign-up.
    const finance = await postForm('/newsletters', '/newsletters/finance/subscribe', { email: 'x@example.net' });
    expect(finance.headers.location).toBe('/newsletters?notice=sign-in-required');
  });

  it('offers sign-up on article pages, the home page and the account page', async () => {
    const story = await createArticle(db(), { visibility: 'free', section: 'markets' });
    for (const url of ['/', `/article/${story.slug}`]) {
      const page = await t.app.inject({ url });
      expect(page.body, url).toContain('action="/newsletters/sign-up"');
      expect(page.body, url).toContain('<option value="markets" selected>Markets</option>');
    }
    // The box's step: the list's own form, filled in, with this reader's CSRF token.
    const step = await t.app.inject({ url: '/newsletters/sign-up?list=markets&email=promo%40example.net' });
    expect(step.statusCode).toBe(200);
    expect(step.body).toContain('value="promo@example.net"');
    expect(step.body).toContain('action="/newsletters/markets/subscribe"');
    expect((await t.app.inject({ url: '/newsletters/sign-up?list=nope&email=' })).statusCode).toBe(404);
    const someone = await reader();
    const account = await t.app.inject({ url: '/account', headers: { cookie: someone.cookie } });
    expect(account.body).toContain('id="account-newsletters"');
    expect(account.body).toContain('action="/newsletters/finance/subscribe"'); // registered readers' list
    expect(account.body).not.toContain('action="/newsletters/tech/subscribe"'); // not entitled
  });

  it('a premium issue carries gated text only to recipients entitled at send time; the others get the lead-in and a link', async () => {
    const premium = await createArticle(db(), { visibility: 'premium', section: 'technology', body: bodyWithParagraphs(6, 'gatedtech') });
    const free = await createArticle(db(), { visibility: 'free', section: 'technology', body: bodyWithParagraphs(6, 'freetech') });
    const entitled = await reader(['premium', 'newsletters']);
    const lapsed = await reader(['premium', 'newsletters']);
    const outsider = await reader();
    for (const r of [entitled, lapsed]) {
      const res = await postForm('/newsletters', '/newsletters/tech/subscribe', {}, r.cookie);
      expect(res.headers.location).toBe('/newsletters?notice=subscribed');
    }
    const refused = await postForm('/newsletters', '/newsletters/tech/subscribe', {}, outsider.cookie);
    expect(refused.headers.location).toBe('/newsletters?notice=not-in-audience');
    await revokeEntitlements(db(), lapsed.source, clock.now());

    const subject = 'Tech weekly 1';
    const issueId = await sendIssue('tech', subject, [premium.slug, free.slug]);
    const full = inbox(entitled.email, subject);
    const partial = inbox(lapsed.email, subject);
    expect(full).toHaveLength(1);
    expect(partial).toHaveLength(1);
    expect(inbox(outsider.email, subject)).toHaveLength(0);
    for (const body of [full[0]!.text, full[0]!.html]) {
      expect(body).toMatch(/gatedtech-5:/);
      expect(body).toMatch(/freetech-6:/);
    }
    for (const body of [partial[0]!.text, partial[0]!.html]) {
      expect(body).toMatch(/gatedtech-1:/);
      expect(body).not.toMatch(/gatedtech-[3-6]:/);
      expect(body).toContain(`http://localhost:3000/article/${premium.slug}`);
      expect(body).not.toMatch(/freetech-[3-6]:/); // outside the audience: every story as its lead-in
    }
    expect(partial[0]!.html).not.toMatch(/(src|href)="\/(?!\/)/); // every link absolute
    expect(await t.ctx.newsletters.progress(issueId)).toMatchObject({ sent: 2, failed: 0, left: 0 });

    // The web archive applies the same gate.
    const anonymous = await t.app.inject({ url: `/newsletters/tech/issues/${issueId}` });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.body).toMatch(/gatedtech-1:/);
    expect(anonymous.body).not.toMatch(/gatedtech-[3-6]:/);
    const subscriber = await t.app.inject({ url: `/newsletters/tech/issues/${issueId}`, headers: { cookie: entitled.cookie } });
    expect(subscriber.body).toMatch(/gatedtech-5:/);
    expect(subscriber.headers['cache-control']).toContain('private');
  });

  it('every issue carries List-Unsubscribe, One-Click and a DKIM signature; one-click works without a session and sticks', async () => {
    const email = 'oneclick@example.org';
    await signUpAnonymously('politics', email);
    const story = await createArticle(db(), { visibility: 'free', section: 'politics' });
    await sendIssue('politics', 'Politics 1', [story.slug]);
    const [mail] = inbox(email, 'Politics 1');
    expect(mail).toBeDefined();
    expect(header(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = /^<(http:\/\/localhost:3000\/newsletters\/unsubscribe\/one-click\?[^>]+)>$/.exec(
      header(mail!, 'List-Unsubscribe'),
    )?.[1];
    expect(unsubscribe).toBeDefined();
    const dkim = header(mail!, 'DKIM-Signature');
    expect(dkim).toMatch(/d=example\.com/);
    expect(dkim).toMatch(/s=news2026/);
    // As a receiving server checks it: the body hash and the signature over the signed headers, with the public key.
    expect(verifyDkim(mail!.raw, publicKey)).toEqual({ ok: true, reason: 'verified' });
    expect(verifyDkim(mail!.raw.replace('List-Unsubscribe-Post', 'List-Unsubscribe-Past'), publicKey).reason).toBe(
      'signature does not verify',
    );
    expect(verifyDkim(`${mail!.raw}\r\nA line added on the way\r\n`, publicKey).reason).toBe('body hash differs');
    expect(mail!.html).not.toMatch(/<img/); // no pixels, no third-party trackers
    // Counting is off by default: the links go straight to the site, not through the counting redirect.
    expect(mail!.html).toContain(`href="http://localhost:3000/article/${story.slug}"`);
    expect(mail!.html).not.toContain('/newsletters/c/');
    expect(mail!.html).not.toContain('/newsletters/o/');

    // The mail provider's POST: no cookie, no CSRF token, the RFC 8058 body.
    const path = unsubscribe!.replace('http://localhost:3000', '');
    const forged = await t.app.inject({
      method: 'POST',
      url: path.replace(/t=[^&]+$/, 't=AAAAAAAAAAAAAAAAAAAAAAAA'),
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.statusCode).toBe(404);
    const done = await t.app.inject({
      method: 'POST',
      url: path,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.statusCode, done.body).toBe(200);
    const suppression = await db().selectFrom('newsletter_suppressions').select('reason').where('email', '=', email).executeTakeFirst();
    expect(suppression?.reason).toBe('unsubscribed');
    await sendIssue('politics', 'Politics 2', [story.slug]);
    expect(inbox(email, 'Politics 2')).toHaveLength(0);
  });

  it('a permanent refusal suppresses the address for every list; a passing one is retried with backoff', async () => {
    const marketsId = (await list('markets')).id;
    await db()
      .insertInto('newsletter_subscriptions')
      .values(
        ['bounce-1@example.org', 'later-1@example.org'].map((email) => ({
          newsletter_id: marketsId,
          email,
          status: 'confirmed',
          created_at: clock.now(),
        })),
      )
      .execute();
    const story = await createArticle(db(), { visibility: 'free' });
    const issueId = await sendIssue('markets', 'Markets 1', [story.slug]);
    const bounce = await db()
      .selectFrom('newsletter_suppressions')
      .select(['reason', 'newsletter_id'])
      .where('email', '=', 'bounce-1@example.org')
      .executeTakeFirst();
    expect(bounce).toMatchObject({ reason: 'hard-bounce', newsletter_id: null });
    const progress = await t.ctx.newsletters.progress(issueId);
    expect(progress).toMatchObject({ failed: 1, left: 1 });
    const later = await db()
      .selectFrom('newsletter_deliveries')
      .select(['status', 'attempts', 'next_attempt_at'])
      .where('issue_id', '=', issueId)
      .where('email', '=', 'later-1@example.org')
      .executeTakeFirstOrThrow();
    expect(later.status).toBe('pending');
    expect(new Date(later.next_attempt_at).getTime()).toBeGreaterThan(clock.now().getTime());
  });

  it('an editor composes an issue from articles, previews it as each kind of recipient, test-sends it and follows its progress', async () => {
    const { user } = await provisionUser(
      db(),
      { email: 'editor-nl@example.com', role: 'editor', password: 'an editor password' },
      clock.now(),
    );
    expect(user.role).toBe('editor');
    const cookie = await sessionCookie(t.ctx, 'editor-nl@example.com', 'an editor password');
    const story = await createArticle(db(), { visibility: 'premium', body: bodyWithParagraphs(6, 'previewed') });
    const tech = await list('tech');
    const made = await postForm(
      `/admin/newsletters/${tech.id}/issues/new`,
      `/admin/newsletters/${tech.id}/issues/new`,
      {
        subject: 'Composed in the newsroom',
        introduction: 'First paragraph.\n\nSecond paragraph.',
        articles: `http://localhost:3000/article/${story.slug}\nno-such-story`,
      },
      cookie,
    );
    expect(made.statusCode).toBe(400);
    expect(made.body).toContain('No published article at: no-such-story');
    const saved = await postForm(
      `/admin/newsletters/${tech.id}/issues/new`,
      `/admin/newsletters/${tech.id}/issues/new`,
      {
        subject: 'Composed in the newsroom',
        introduction: 'First paragraph.',
        articles: `/article/${story.slug}`,
      },
      cookie,
    );
    expect(saved.statusCode, saved.body).toBe(303);
    const issuePath = saved.headers.location!.replace(/\?.*$/, '');
    const preview = async (as: string) => (await t.app.inject({ url: `${issuePath}/preview?as=${as}`, headers: { cookie } })).body;
    expect(await preview('anonymous')).not.toMatch(/previewed-[3-6]:/);
    expect(await preview('registered')).not.toMatch(/previewed-[3-6]:/);
    expect(await preview('entitled')).toMatch(/previewed-5:/);
    // A reader is not staff: the newsroom's pages do not exist for them.
    const outsider = await reader();
    expect((await t.app.inject({ url: `${issuePath}/preview?as=entitled`, headers: { cookie: outsider.cookie } })).statusCode).toBe(404);

    const test = await postForm(issuePath, `${issuePath}/test`, { to: 'desk@example.com, chief@example.com', as: 'entitled' }, cookie);
    expect(test.statusCode).toBe(200);
    const sample = await smtp.waitFor((m) => m.to.includes('chief@example.com') && m.subject === '[Test] Composed in the newsroom');
    expect(sample.text).toMatch(/previewed-5:/);
    expect(header(sample, 'List-Unsubscribe')).toBe(''); // a test send subscribes nobody

    const sent = await postForm(issuePath, `${issuePath}/send`, {}, cookie);
    expect(sent.statusCode).toBe(303);
    await t.jobs.runDue();
    const page = await t.app.inject({ url: issuePath, headers: { cookie } });
    expect(page.body).toContain('data-status="sent"');
    expect(/<span data-sent>(\d+)<\/span>/.exec(page.body)?.[1]).toBe('2'); // the two readers of the earlier test (one whole, one lead-ins)
    expect(page.body).toContain('<span data-left>0</span>');
    expect(page.body).not.toContain('Opens and clicks'); // counting is off by default: nothing counted, nothing shown
  });

  it('sends exactly once per recipient when the process dies mid-send and another starts', async () => {
    const slug = 'finance';
    const financeId = (await list(slug)).id;
    const addresses = Array.from({ length: 30 }, (_, i) => `crash-${i}@example.com`);
    await db()
      .insertInto('newsletter_subscriptions')
      .values(addresses.map((email) => ({ newsletter_id: financeId, email, status: 'confirmed', created_at: clock.now() })))
      .execute();
    const story = await createArticle(db(), { visibility: 'free', section: 'economy' });
    const composed = await t.ctx.newsletters.compose(financeId, { subject: 'Finance crash', introduction: '', articleSlugs: [story.slug] });
    if (!composed.ok) throw new Error('not composed');
    await t.ctx.newsletters.sendNow(composed.id);

    // The first process: its connection goes dead after 10 messages (every later send hangs for ever, as in a crash).
    const real = createMailer({ smtpUrl: smtp.url, outboxDir: tempDir(), from: 'News <news@example.com>' });
    let sent = 0;
    const dying: Mailer = {
      kind: 'smtp',
      close: () => real.close(),
      send: (m) => (++sent <= 10 ? real.send(m) : new Promise<void>(() => undefined)),
    };
    const config = loadConfig({ MASTHEAD_DATA: tempDir(), LOG_LEVEL: 'silent', ...env() });
    const first = await createAppContext(config, db(), { now: clock.now, secret: 'test-secret-'.padEnd(48, 'x'), newsletterMailer: dying });
    void first.newsletters.runSend(composed.id);
    const sentRows = async () => (await t.ctx.newsletters.progress(composed.id)).sent;
    await expect.poll(sentRows, { timeout: 10_000 }).toBe(10);

    // The restarted process takes over once the dead one's claims lapse.
    clock.advance(3 * 60_000);
    await t.ctx.newsletters.runSend(composed.id);
    const received = smtp.messages.filter((m) => m.subject === 'Finance crash').flatMap((m) => m.to);
    expect(received.sort()).toEqual([...addresses].sort());
    expect(await t.ctx.newsletters.progress(composed.id)).toMatchObject({ sent: 30, left: 0 });
    const issue = await db().selectFrom('newsletter_issues').select('status').where('id', '=', composed.id).executeTakeFirstOrThrow();
    expect(issue.status).toBe('sent');
    await real.close();
  });

  it('draws up a section digest an hour before it goes, once; an editor can hold it, and it goes when scheduled again', async () => {
    const story = await createArticle(db(), { visibility: 'free', section: 'markets', publishedAt: new Date('2026-11-24T00:10:00Z') });
    clock.set('2026-11-24T00:45:00Z'); // 06:15 in Kolkata: the Markets digest goes at 07:00
    expect(await t.ctx.newsletters.makeDigests(clock.now())).toBe(1);
    expect(await t.ctx.newsletters.makeDigests(clock.now())).toBe(0);
    const digest = await db().selectFrom('newsletter_issues').selectAll().where('kind', '=', 'digest').executeTakeFirstOrThrow();
    expect(digest.status).toBe('scheduled');
    expect(new Date(digest.send_at!).toISOString()).toBe('2026-11-24T01:30:00.000Z');
    expect(digest.article_slugs).toContain(story.slug);

    // The editor holds it and schedules it again from the issue's page.
    await provisionUser(db(), { email: 'digest-desk@example.com', role: 'editor', password: 'an editor password' }, clock.now());
    const editor = await sessionCookie(t.ctx, 'digest-desk@example.com', 'an editor password');
    const issuePath = `/admin/newsletter-issues/${digest.id}`;
    const held = await postForm(issuePath, `${issuePath}/hold`, {}, editor);
    expect(held.statusCode).toBe(303);
    expect(held.headers.location).toBe(`${issuePath}?notice=held`);
    const heldAgain = await postForm(issuePath, `${issuePath}/hold`, {}, editor);
    expect(heldAgain.statusCode).toBe(409);
    expect(heldAgain.body).toContain('Only a scheduled issue can be held.');
    expect((await postForm(issuePath, '/admin/newsletter-issues/999999/hold', {}, editor)).statusCode).toBe(404);
    clock.set('2026-11-24T01:31:00Z');
    await t.ctx.newsletters.runScheduler();
    expect((await t.ctx.newsletters.issue(digest.id))?.issue.status).toBe('held');

    const noDate = await postForm(issuePath, `${issuePath}/schedule`, { at: 'tomorrow' }, editor);
    expect(noDate.statusCode).toBe(400);
    expect(noDate.body).toContain('Enter a date and time like 2026-03-01T09:30.');
    const scheduled = await postForm(issuePath, `${issuePath}/schedule`, { at: '2026-11-24T07:01' }, editor); // now, in Kolkata
    expect(scheduled.statusCode).toBe(303);
    expect(scheduled.headers.location).toBe(`${issuePath}?notice=scheduled`);
    await t.ctx.newsletters.runScheduler();
    await t.jobs.runDue();
    expect(inbox('optin@example.net', digest.subject)).toHaveLength(1);
  });

  it('limits sign-ups without a session from one network, so the form cannot mail-bomb strangers', async () => {
    const shown = await t.app.inject({ url: '/newsletters' });
    const token = /name="_csrf" value="([^"]+)"/.exec(shown.body)?.[1] ?? '';
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/newsletters/politics/subscribe',
        remoteAddress: '198.51.100.7',
        headers: { cookie: cookiesFrom(shown) },
        payload: { _csrf: token, email: `victim-${i}@example.com` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 303)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});
