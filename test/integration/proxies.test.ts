import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/databases.js';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { tempDir } from '../support/temp.js';
import { createArticle } from '../support/factories.js';

/** X-Forwarded-For counts only when it comes from a configured proxy: otherwise anyone could pose as anyone. */
describeEachEngine('forwarded addresses', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  const slugs: string[] = [];
  let premium = '';

  beforeAll(async () => {
    const dir = tempDir('ranges-');
    writeFileSync(join(dir, 'bot.json'), JSON.stringify({ prefixes: [{ ipv4Prefix: '66.249.64.0/27' }] }));
    t = await buildTestApp(db(), {
      now: clock.now,
      env: { MASTHEAD_TRUSTED_PROXIES: '10.0.0.1', MASTHEAD_NETWORK_BUDGET: '2', MASTHEAD_CRAWLER_RANGES: join(dir, 'bot.json') },
    });
    for (let i = 0; i < 4; i++) slugs.push((await createArticle(db())).slug);
    premium = (await createArticle(db(), { visibility: 'premium' })).slug;
  });

  const read = (slug: string, remoteAddress: string, forwardedFor?: string) =>
    t.app.inject({ url: `/api/v1/articles/${slug}`, remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });

  it('behind a trusted proxy, each reader network has its own budget', async () => {
    expect((await read(slugs[0]!, '10.0.0.1', '198.51.100.7')).json().access.allowed).toBe(true);
    expect((await read(slugs[1]!, '10.0.0.1', '198.51.100.8')).json().access.allowed).toBe(true);
    expect((await read(slugs[2]!, '10.0.0.1', '198.51.100.9')).json().access).toMatchObject({
      allowed: false,
      reason: 'network-budget-exhausted',
    });
    expect((await read(slugs[2]!, '10.0.0.1', '203.0.113.5')).json().access.allowed).toBe(true); // another network
  });

  it('from anywhere else, a forged X-Forwarded-For changes nothing: the socket address counts', async () => {
    expect((await read(slugs[0]!, '192.0.2.10', '1.1.1.1')).json().access.allowed).toBe(true);
    expect((await read(slugs[1]!, '192.0.2.11', '8.8.8.8')).json().access.allowed).toBe(true);
    expect((await read(slugs[2]!, '192.0.2.12', '9.9.9.9')).json().access.reason).toBe('network-budget-exhausted');
  });

  it('a crawler address is believed only from the trusted proxy', async () => {
    expect((await read(premium, '10.0.0.1', '66.249.64.5')).json().access).toMatchObject({ allowed: true, reason: 'verified-crawler' });
    expect((await read(premium, '192.0.2.20', '66.249.64.5')).json().access).toMatchObject({
      allowed: false,
      reason: 'subscription-required',
    });
  });
});
