import { afterAll, beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { seedDemoNewsletters } from '../../src/domain/newsletters/service.js';
import { buildTestApp, cookiesFrom, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

/**
 * Newsletter open and click counting with MASTHEAD_NEWSLETTER_COUNTING=true: the HTML part of a sent issue carries
 * a first-party pixel and its links to the site go through a signed redirect; the plain text is untouched; hits
 * count per issue and link, with no cookie and nothing about the reader; a forged link is not found and counts
 * nothing; the newsroom's issue page shows the counts. (Counting off is asserted in newsletters.test.ts.)
 */
describeEachEngine('newsletter counting', (db) => {
  const clock = fakeClock('2026-11-24T06:00:00Z');
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await buildTestApp(db(), {
      now: clock.now,
      env: { SMTP_URL: smtp.url, MASTHEAD_NEWSLETTER_RATE: '10000', MASTHEAD_NEWSLETTER_COUNTING: 'true' },
      jobs: 'manual',
    });
    await seedDemoNewsletters(db());
  });
  afterAll(async () => {
    await t.ctx.newsletterMailer.close();
    await t.ctx.mailer.close();
    await smtp.close();
  });

  it('counts opens and clicks per issue and link, first-party, without cookies; forged links are 404 and count nothing', async () => {
    const email = 'counted@example.org';
    const { user } = await provisionUser(db(), { email, role: 'reader', password: 'a reader password' }, clock.now());
    await db().updateTable('users').set({ email_verified_at: clock.now() }).where('id', '=', user.id).execute();
    const cookie = await sessionCookie(t.ctx, email, 'a reader password');
    const shown = await t.app.inject({ url: '/newsletters', headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(shown.body)?.[1] ?? '';
    const joined = await t.app.inject({
      method: 'POST',
      url: '/newsletters/politics/subscribe',
      headers: { cookie: cookiesFrom(shown, cookie) },
      payload: { _csrf: csrf },
    });
    expect(joined.headers.location).toBe('/newsletters?notice=subscribed');

    const story = await createArticle(db(), {
      visibility: 'free',
      section: 'politics',
      body: 'See [the markets page](/section/markets) and [elsewhere](https://elsewhere.example/page).\n\nSecond paragraph.',
    });
    const politics = (await t.ctx.newsletters.list('politics'))!;
    const composed = await t.ctx.newsletters.compose(politics.id, {
      subject: 'Counted 1',
      introduction: 'Hello.',
      articleSlugs: [story.slug],
    });
    if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
    expect(await t.ctx.newsletters.sendNow(composed.id)).toBe(true);
    await t.jobs.runDue();
    const mail = smtp.messages.find((m) => m.to.includes(email) && m.subject === 'Counted 1')!;
    expect(mail).toBeDefined();
    const articleUrl = `http://localhost:3000/article/${story.slug}`;

    // HTML: a first-party pixel and counted links to the site; the external link and the footer's links unchanged.
    const pixel = /<img src="(http:\/\/localhost:3000\/newsletters\/o\/[^"]+)" width="1" height="1"/.exec(mail.html)?.[1];
    expect(pixel).toBeDefined();
    expect(mail.html.match(/<img/g)).toHaveLength(1);
    const hrefs = [...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const counted = hrefs.filter((h) => h.startsWith('http://localhost:3000/newsletters/c/'));
    expect(counted.map((h) => new URL(h).searchParams.get('u'))).toEqual(
      expect.arrayContaining([articleUrl, 'http://localhost:3000/section/markets']),
    );
    expect(hrefs).toContain('https://elsewhere.example/page');
    expect(hrefs).not.toContain(articleUrl);
    expect(hrefs.some((h) => h.includes('/newsletters/unsubscribe?'))).toBe(true);
    // Nothing in the counting addresses tells one recipient from another: the issue, the link and a signature only.
    expect(pixel).toMatch(new RegExp(`^http://localhost:3000/newsletters/o/${composed.id}/[A-Za-z0-9_-]{24}\\.gif$`));
    for (const h of counted) {
      const url = new URL(h);
      expect(url.pathname).toBe(`/newsletters/c/${composed.id}`);
      expect([...url.searchParams.keys()]).toEqual(['u', 's']);
      expect(h).not.toContain(encodeURIComponent(email));
    }
    // The plain-text part is not rewritten.
    expect(mail.text).toContain(articleUrl);
    expect(mail.text).not.toContain('/newsletters/c/');
    expect(mail.text).not.toContain('/newsletters/o/');

    // The pixel: a GIF, no cookie, counted per issue.
    const pixelPath = pixel!.replace('http://localhost:3000', '');
    for (let i = 0; i < 2; i++) {
      const got = await t.app.inject({ url: pixelPath });
      expect(got.statusCode).toBe(200);
      expect(got.headers['content-type']).toBe('image/gif');
      expect(got.headers['set-cookie']).toBeUndefined();
      expect(got.headers['cache-control']).toContain('no-store');
    }
    const counts = () => t.ctx.newsletters.counting.counts(composed.id);
    expect((await counts()).opens).toBe(2);
    // A pixel for another issue, or with an altered signature, is not found and counts nothing.
    expect((await t.app.inject({ url: pixelPath.replace(`/o/${composed.id}/`, `/o/${composed.id + 1}/`) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: pixelPath.replace(/\/[A-Za-z0-9_-]{24}\.gif$/, '/AAAAAAAAAAAAAAAAAAAAAAAA.gif') })).statusCode).toBe(
      404,
    );
    expect((await counts()).opens).toBe(2);

    // A click: 302 to the signed address, counted for that link, no cookie.
    const articleLink = counted.find((h) => new URL(h).searchParams.get('u') === articleUrl)!;
    const path = articleLink.replace('http://localhost:3000', '');
    const click = await t.app.inject({ url: path });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe(articleUrl);
    expect(click.headers['set-cookie']).toBeUndefined();
    expect(await counts()).toMatchObject({ opens: 2, links: [{ url: articleUrl, clicks: 1 }] });

    // Forged: the same signature with another target (on the site or off it), another issue, a broken signature.
    const sig = new URL(articleLink).searchParams.get('s')!;
    for (const forged of [
      `/newsletters/c/${composed.id}?u=${encodeURIComponent('https://evil.example/')}&s=${sig}`,
      `/newsletters/c/${composed.id}?u=${encodeURIComponent('http://localhost:3000/account')}&s=${sig}`,
      `/newsletters/c/${composed.id + 1}?u=${encodeURIComponent(articleUrl)}&s=${sig}`,
      `/newsletters/c/${composed.id}?u=${encodeURIComponent(articleUrl)}&s=AAAAAAAAAAAAAAAAAAAAAAAA`,
      `/newsletters/c/${composed.id}?u=${encodeURIComponent(articleUrl)}`,
    ]) {
      const res = await t.app.inject({ url: forged });
      expect(res.statusCode, forged).toBe(404);
      expect(res.headers.location).toBeUndefined();
    }
    // A HEAD (a scanner's probe) answers but is not counted.
    expect((await t.app.inject({ method: 'HEAD', url: path })).statusCode).toBe(302);
    expect(await counts()).toEqual({ opens: 2, links: [{ url: articleUrl, clicks: 1 }] });

    // The newsroom's issue page shows the counts and says opens are approximate.
    await provisionUser(db(), { email: 'editor-count@example.com', role: 'editor', password: 'an editor password' }, clock.now());
    const editor = await sessionCookie(t.ctx, 'editor-count@example.com', 'an editor password');
    const page = await t.app.inject({ url: `/admin/newsletter-issues/${composed.id}`, headers: { cookie: editor } });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('Opens: <strong data-opens>2</strong>');
    expect(page.body).toContain(`<td data-clicks="${articleUrl}">1</td>`);
    expect(page.body).toContain('Opens are approximate');
  });

  it('a preview carries no pixel and no counted links', async () => {
    const story = await createArticle(db(), { visibility: 'free', section: 'politics' });
    const politics = (await t.ctx.newsletters.list('politics'))!;
    const composed = await t.ctx.newsletters.compose(politics.id, {
      subject: 'Test only',
      introduction: 'Hi.',
      articleSlugs: [story.slug],
    });
    if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
    const preview = await t.ctx.newsletters.preview(composed.id, 'anonymous');
    expect(preview).toContain(story.headline);
    expect(preview).not.toMatch(/<img|\/newsletters\/c\//);
  });
});
