import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { deleteAccount, exportAccountData } from '../../src/domain/accounts/data-rights.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { grantEntitlements, revokeEntitlements } from '../../src/domain/entitlements/queries.js';
import { loadSiteSettings, saveSiteSettings } from '../../src/domain/site/settings.js';
import { adminForms } from '../support/admin-forms.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { bodyWithParagraphs, createArticle } from '../support/factories.js';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Gift article links: a subscriber shares a premium article through a signed link that opens it, for anyone, for 7
 * days, without the meter; at most the site's number of links a month. The link opens that article only.
 */
describeEachEngine('gift articles', (db) => {
  const clock = fakeClock('2026-11-24T06:00:00Z');
  let t: TestApp;
  let sequence = 0;
  const { post } = adminForms(() => t);

  /** A premium story whose paragraphs after the lead-in say `<marker>-3` … `<marker>-6`. */
  const premiumStory = async (visibility: 'premium' | 'metered' = 'premium') => {
    sequence++;
    const marker = `giftable${sequence}x`;
    const article = await createArticle(db(), { visibility, body: bodyWithParagraphs(6, marker) });
    return { ...article, gated: new RegExp(`${marker}-[3-6]:`) };
  };

  const person = async (options: { subscriber?: boolean; role?: 'reader' | 'business' } = {}) => {
    sequence++;
    const role = options.role ?? 'reader';
    const email = `gifter-${sequence}@example.com`;
    const { user } = await provisionUser(db(), { email, role, password: `the ${role} password` }, clock.now());
    const source = `test:subscription-${sequence}`;
    if (options.subscriber)
      await grantEntitlements(db(), { userId: user.id, entitlements: ['premium'], source, startsAt: clock.now(), endsAt: null });
    return { user, email, source, cookie: await sessionCookie(t.ctx, email, `the ${role} password`) };
  };

  const setCap = async (cap: number) => {
    await saveSiteSettings(db(), { ...(await loadSiteSettings(db())), giftArticlesMonthly: cap });
    await t.ctx.refresh();
  };

  /** Presses "Gift this article" on the article's page as `cookie`. */
  const gift = async (cookie: string, slug: string) => {
    const page = await t.app.inject({ url: `/article/${slug}`, headers: { cookie } });
    const token = /action="\/article\/[^"]+\/gift"[^>]*><input type="hidden" name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    const csrfCookie = page.cookies.find((c) => c.name === 'mh_csrf');
    return t.app.inject({
      method: 'POST',
      url: `/article/${slug}/gift`,
      headers: { cookie: csrfCookie ? `${cookie}; mh_csrf=${csrfCookie.value}` : cookie },
      payload: { _csrf: token ?? '' },
    });
  };

  /** The gift link the page after a gift shows, as a path on this site. */
  const linkShown = async (cookie: string, made: LightMyRequestResponse) => {
    expect(made.statusCode, made.body).toBe(303);
    const page = await t.app.inject({ url: made.headers.location as string, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    const url = /id="gift-url"[^>]*value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/localhost:3000\/article\/[a-z0-9-]+\?gift=[A-Za-z0-9_.-]+$/);
    return { path: url.replace('http://localhost:3000', ''), page };
  };

  const anonymously = (url: string) => t.app.inject({ url, remoteAddress: `203.0.113.${++sequence % 250}` });
  const linkRows = (userId: number) => db().selectFrom('gift_links').selectAll().where('created_by', '=', userId).orderBy('id').execute();
  const hasButton = (body: string) => body.includes('class="gift-form"');

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
  });
  beforeEach(async () => {
    clock.set('2026-11-24T06:00:00Z');
    await setCap(10);
  });

  it('a subscriber gifts a premium story: anyone opens it in full without an account or the meter, and the opens are counted', async () => {
    const story = await premiumStory();
    const subscriber = await person({ subscriber: true });
    const own = await t.app.inject({ url: `/article/${story.slug}`, headers: { cookie: subscriber.cookie } });
    expect(own.body).toMatch(story.gated);
    expect(hasButton(own.body)).toBe(true);

    const { path, page } = await linkShown(subscriber.cookie, await gift(subscriber.cookie, story.slug));
    expect(page.body).toContain('Your gift link is ready');
    expect(page.body).toContain('You can gift 9 more articles this month (of 10).');

    // Without the link: the paywall, and none of the text.
    const walled = await anonymously(`/article/${story.slug}`);
    expect(walled.body).toContain('data-reason="subscription-required"');
    expect(walled.body).not.toMatch(story.gated);

    for (let i = 0; i < 3; i++) {
      const opened = await anonymously(path);
      expect(opened.statusCode).toBe(200);
      expect(opened.body).toMatch(story.gated);
      expect(opened.body).toContain('data-gift="opened"');
      expect(opened.body).not.toContain('class="paywall"');
      expect(hasButton(opened.body)).toBe(false);
      expect(opened.headers['cache-control']).toBe('private, no-store');
      expect(opened.headers['referrer-policy']).toBe('no-referrer');
      // No meter: no reader cookie is issued, nothing is charged.
      expect(opened.cookies.find((c) => c.name === 'mh_reader')).toBeUndefined();
    }
    // The gifted text never entered the shared page cache: the next reader without the link meets the paywall.
    const after = await anonymously(`/article/${story.slug}`);
    expect(after.body).not.toMatch(story.gated);

    // A signed-in reader without a subscription opens it too, and their meter is untouched.
    const reader = await person();
    const theirs = await t.app.inject({ url: path, headers: { cookie: reader.cookie } });
    expect(theirs.body).toMatch(story.gated);
    expect(hasButton(theirs.body)).toBe(false);
    expect(await db().selectFrom('reader_meters').selectAll().where('user_id', '=', reader.user.id).execute()).toEqual([]);

    // A HEAD request reads nothing: not counted.
    expect((await t.app.inject({ method: 'HEAD', url: path })).statusCode).toBe(200);
    const [row] = await linkRows(subscriber.user.id);
    expect(row).toMatchObject({ article_id: story.id, opens: 4 });
    expect(row!.expires_at).toEqual(new Date(clock.now().getTime() + 7 * DAY_MS));
    // The token is not stored: neither the address nor its id is in the row.
    const token = path.split('gift=')[1] ?? '';
    expect(JSON.stringify(row)).not.toContain(token.split('.')[0]);
    const list = await t.app.inject({ url: '/account/gifted-articles', headers: { cookie: subscriber.cookie } });
    expect(/<tr data-gift="\d+">.*?<td class="opens">(\d+)<\/td>/s.exec(list.body)?.[1]).toBe('4');
    expect(list.body).toContain(story.headline);
  });

  it('gifting the same story again gives back the same link and uses up nothing; another story makes another', async () => {
    const story = await premiumStory();
    const other = await premiumStory();
    const subscriber = await person({ subscriber: true });
    const first = await linkShown(subscriber.cookie, await gift(subscriber.cookie, story.slug));
    const again = await linkShown(subscriber.cookie, await gift(subscriber.cookie, story.slug));
    expect(again.path).toBe(first.path);
    expect(again.page.body).toContain('still open');
    expect(again.page.body).toContain('You can gift 9 more articles this month (of 10).');
    const second = await linkShown(subscriber.cookie, await gift(subscriber.cookie, other.slug));
    expect(second.path).not.toBe(first.path);
    expect(second.page.body).toContain('You can gift 8 more articles this month (of 10).');
    expect(await linkRows(subscriber.user.id)).toHaveLength(2);
    const account = await t.app.inject({ url: '/account', headers: { cookie: subscriber.cookie } });
    expect(account.body).toContain(
      '<a href="/account/gifted-articles">Gifted articles</a>: You can gift 8 more articles this month (of 10).',
    );
  });

  it('opens that story only: on another story, edited, made up, or after 7 days the paywall stands, with no text and no count', async () => {
    const story = await premiumStory();
    const other = await premiumStory();
    const subscriber = await person({ subscriber: true });
    const { path } = await linkShown(subscriber.cookie, await gift(subscriber.cookie, story.slug));
    const token = path.split('gift=')[1] ?? '';

    const elsewhere = await anonymously(`/article/${other.slug}?gift=${token}`);
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.body).toContain('data-reason="subscription-required"');
    expect(elsewhere.body).not.toMatch(other.gated);

    const [id = '', expires = '', sig = ''] = token.split('.');
    const flip = (text: string) => (text.endsWith('A') ? `${text.slice(0, -1)}B` : `${text.slice(0, -1)}A`);
    const later = (parseInt(expires, 36) + 30 * 86_400).toString(36);
    for (const forged of [
      `${flip(id)}.${expires}.${sig}`,
      `${id}.${later}.${sig}`,
      `${id}.${expires}.${flip(sig)}`,
      'x',
      '%00',
      'a'.repeat(500),
    ]) {
      const res = await anonymously(`/article/${story.slug}?gift=${forged}`);
      expect(res.statusCode, forged).toBe(200);
      expect(res.body, forged).toContain('data-reason="subscription-required"');
      expect(res.body, forged).not.toMatch(story.gated);
    }
    const twice = await anonymously(`/article/${story.slug}?gift=${token}&gift=${token}`);
    expect(twice.body).not.toMatch(story.gated);

    clock.advance(7 * DAY_MS - 1000);
    expect((await anonymously(path)).body).toMatch(story.gated);
    clock.advance(1000);
    const expired = await anonymously(path);
    expect(expired.body).toContain('data-reason="subscription-required"');
    expect(expired.body).not.toMatch(story.gated);
    const list = await t.app.inject({ url: '/account/gifted-articles', headers: { cookie: subscriber.cookie } });
    expect(list.body).toContain('Ended');
    expect(list.body).not.toContain(token);
    expect((await linkRows(subscriber.user.id))[0]!.opens).toBe(1);
  });

  it('a gifted metered story uses none of the reader’s free articles, and its page is served to no one else', async () => {
    const story = await premiumStory('metered');
    const before = await premiumStory('metered');
    const after = await premiumStory('metered');
    const subscriber = await person({ subscriber: true });
    const { path } = await linkShown(subscriber.cookie, await gift(subscriber.cookie, story.slug));
    const ip = '198.51.100.77';
    const first = await t.app.inject({ url: `/article/${before.slug}`, remoteAddress: ip });
    const cookie = `mh_reader=${first.cookies.find((c) => c.name === 'mh_reader')?.value ?? ''}`;
    expect(first.body).toContain('You have 9 free articles left this month.');
    const gifted = await t.app.inject({ url: path, headers: { cookie }, remoteAddress: ip });
    expect(gifted.body).toMatch(story.gated);
    expect(gifted.body).toContain('data-gift="opened"');
    expect(gifted.body).toContain('You have 9 free articles left this month.');
    const next = await t.app.inject({ url: `/article/${after.slug}`, headers: { cookie }, remoteAddress: ip });
    expect(next.body).toContain('You have 8 free articles left this month.');
    // Read on the meter, the same story is the plain page: the gift's page was never cached for others.
    const plain = await anonymously(`/article/${story.slug}`);
    expect(plain.body).toMatch(story.gated);
    expect(plain.body).not.toContain('data-gift="opened"');
  });

  it('the API and the feeds take no gift: the story stays behind the paywall there', async () => {
    const story = await premiumStory();
    const subscriber = await person({ subscriber: true });
    const { path } = await linkShown(subscriber.cookie, await gift(subscriber.cookie, story.slug));
    const query = path.slice(path.indexOf('?'));
    const api = await anonymously(`/api/v1/articles/${story.slug}${query}`);
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ article: { body_html: null }, access: { allowed: false, reason: 'subscription-required' } });
    expect(api.body).not.toMatch(story.gated);
    for (const feed of ['/feed.xml', '/section/markets/feed.xml']) {
      const res = await anonymously(`${feed}${query}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(story.gated);
    }
    expect((await linkRows(subscriber.user.id))[0]!.opens).toBe(0);
  });

  it('only a subscriber reading with their subscription may gift: no button, and a forced request is refused with no link', async () => {
    const story = await premiumStory();
    const metered = await premiumStory('metered');
    const reader = await person();
    const walled = await t.app.inject({ url: `/article/${story.slug}`, headers: { cookie: reader.cookie } });
    expect(hasButton(walled.body)).toBe(false);
    // Reading on the meter is not a subscription either.
    const onMeter = await t.app.inject({ url: `/article/${metered.slug}`, headers: { cookie: reader.cookie } });
    expect(onMeter.body).toMatch(metered.gated);
    expect(hasButton(onMeter.body)).toBe(false);

    for (const slug of [story.slug, metered.slug]) {
      const refused = await post(reader.cookie, '/account', `/article/${slug}/gift`, {});
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('Only subscribers who read this article with their subscription can gift it.');
    }
    expect(await linkRows(reader.user.id)).toEqual([]);

    // Signed out: sent to sign in (after the CSRF check every form has), nothing made.
    const anonymous = await t.app.inject({ method: 'POST', url: `/article/${story.slug}/gift`, payload: {} });
    expect(anonymous.statusCode).toBe(403);
    expect(await db().selectFrom('gift_links').select('id').where('article_id', '=', story.id).execute()).toEqual([]);
  });

  it('at the month’s number the next gift is refused with a clear message; a new month gives more; 0 turns gifting off', async () => {
    await setCap(2);
    const subscriber = await person({ subscriber: true });
    const stories = [await premiumStory(), await premiumStory(), await premiumStory()];
    await linkShown(subscriber.cookie, await gift(subscriber.cookie, stories[0]!.slug));
    await linkShown(subscriber.cookie, await gift(subscriber.cookie, stories[1]!.slug));
    const refused = await gift(subscriber.cookie, stories[2]!.slug);
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('You have made 2 gift links this month, the most a month allows.');
    expect(await linkRows(subscriber.user.id)).toHaveLength(2);
    // A link already made is still given back at the limit.
    expect((await gift(subscriber.cookie, stories[0]!.slug)).statusCode).toBe(303);

    // The month is the publisher's: 1 December begins at 18:30 UTC on 30 November in Asia/Kolkata.
    clock.set('2026-11-30T18:29:00Z');
    expect((await gift(subscriber.cookie, stories[2]!.slug)).statusCode).toBe(429);
    clock.set('2026-11-30T18:31:00Z');
    expect((await gift(subscriber.cookie, stories[2]!.slug)).statusCode).toBe(303);

    await setCap(0);
    const page = await t.app.inject({ url: `/article/${stories[0]!.slug}`, headers: { cookie: subscriber.cookie } });
    expect(page.body).toMatch(stories[0]!.gated);
    expect(hasButton(page.body)).toBe(false);
    const off = await post(subscriber.cookie, '/account', `/article/${stories[1]!.slug}/gift`, {});
    expect(off.statusCode).toBe(403);
    expect(off.body).toContain('Gift articles are turned off on this site.');
    expect(await linkRows(subscriber.user.id)).toHaveLength(3);
  });

  it('many gifts at once at the limit never make more links than the month allows', async () => {
    await setCap(3);
    const subscriber = await person({ subscriber: true });
    const stories = await Promise.all(Array.from({ length: 8 }, () => premiumStory()));
    const { csrf } = adminForms(() => t);
    const form = await csrf(subscriber.cookie, '/account');
    const answers = await Promise.all(
      stories.map((story) =>
        t.app.inject({
          method: 'POST',
          url: `/article/${story.slug}/gift`,
          headers: { cookie: form.cookie },
          payload: { _csrf: form.token },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([303, 303, 303, 429, 429, 429, 429, 429]);
    expect(await linkRows(subscriber.user.id)).toHaveLength(3);
    const month = await db().selectFrom('monthly_allowances').selectAll().where('user_id', '=', subscriber.user.id).execute();
    expect(month).toEqual([{ user_id: subscriber.user.id, kind: 'gift-link', period: '2026-11', used: 3 }]);

    // The same story gifted several times at once: one link, counted once.
    const other = await person({ subscriber: true });
    const story = await premiumStory();
    const theirs = await csrf(other.cookie, '/account');
    const same = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.app.inject({
          method: 'POST',
          url: `/article/${story.slug}/gift`,
          headers: { cookie: theirs.cookie },
          payload: { _csrf: theirs.token },
        }),
      ),
    );
    expect(same.map((a) => a.statusCode)).toEqual([303, 303, 303, 303, 303]);
    expect(await linkRows(other.user.id)).toHaveLength(1);
    expect((await t.ctx.gifts.allowance(other.user.id)).made).toBe(1);
  });

  it('a link keeps opening until it ends after its maker’s subscription ends, and the maker can gift no more', async () => {
    const story = await premiumStory();
    const subscriber = await person({ subscriber: true });
    const { path } = await linkShown(subscriber.cookie, await gift(subscriber.cookie, story.slug));
    await revokeEntitlements(db(), subscriber.source, clock.now());
    expect((await anonymously(path)).body).toMatch(story.gated);
    const own = await t.app.inject({ url: `/article/${story.slug}`, headers: { cookie: subscriber.cookie } });
    expect(own.body).not.toMatch(story.gated);
    expect(hasButton(own.body)).toBe(false);
  });

  it('the links are in the maker’s data export, and go with their account when they delete it', async () => {
    const story = await premiumStory();
    const subscriber = await person({ subscriber: true });
    const { path } = await linkShown(subscriber.cookie, await gift(subscriber.cookie, story.slug));
    await anonymously(path);
    const exported = await exportAccountData(db(), subscriber.user.id, clock.now());
    expect(exported?.gift_links).toEqual([
      {
        article: story.slug,
        created_at: clock.now().toISOString(),
        expires_at: new Date(clock.now().getTime() + 7 * DAY_MS).toISOString(),
        opens: 1,
      },
    ]);
    expect(await deleteAccount(db(), subscriber.user.id, clock.now())).not.toBeNull();
    expect(await linkRows(subscriber.user.id)).toEqual([]);
    const after = await anonymously(path);
    expect(after.body).toContain('data-reason="subscription-required"');
    expect(after.body).not.toMatch(story.gated);
  });
});
