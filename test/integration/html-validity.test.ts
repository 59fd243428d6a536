import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { User } from '../../src/domain/accounts/model.js';
import { SITE_CSS_PATH } from '../../src/web/views/site-css.js';
import { buildTestApp, cookiesFrom, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { tempDir } from '../support/temp.js';

/** The Nu HTML Checker's jar, from the vnu-jar package. */
const VNU_JAR = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');
const JAVA = process.env.JAVA || 'java';
const PASSWORD = 'valid markup only';
const HOUR = 3_600_000;

/**
 * Whether Java runs here (the checker needs it; .ci/run installs it). Missing in CI it is a failure, not a skip;
 * on a developer's machine without it the suite is skipped with a notice.
 */
function javaAvailable(): boolean {
  if (spawnSync(JAVA, ['-version']).status === 0) return true;
  if (process.env.CI) throw new Error(`${JAVA} not found: the HTML validity test cannot run in CI (apt-get install default-jre-headless)`);
  console.warn('HTML validity test skipped: no java (apt-get install default-jre-headless)');
  return false;
}

interface VnuMessage {
  type: 'error' | 'info' | 'non-document-error';
  subType?: 'warning' | 'fatal' | 'io';
  url?: string;
  message: string;
  extract?: string;
  lastLine?: number;
}

/**
 * Checks every file in one Java run (the JVM's start is the slow part) and returns every message: errors, warnings
 * and informational notes alike (none is filtered out).
 */
function validate(files: string[]): VnuMessage[] {
  const result = spawnSync(JAVA, ['-jar', VNU_JAR, '--format', 'json', '--exit-zero-always', '--also-check-css', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`vnu failed: ${result.stderr || String(result.error)}`);
  const { messages } = JSON.parse(result.stderr) as { messages: VnuMessage[] };
  return messages;
}

const run = javaAvailable();

/**
 * The Nu HTML Checker finds no error and no warning in the pages readers see (home, a section, a free, a metered, a
 * metered-out and a premium story signed out, plans, sign-in; a subscriber's premium story, account and checkout)
 * nor in the site's stylesheet.
 */
describeEachEngine('valid HTML (Nu HTML Checker)', (db) => {
  let t: TestApp;
  let reader: User;
  const slugs = { free: '', metered: '', second: '', premium: '' };

  beforeAll(async () => {
    // One free article a month, so the second metered story shows the meter's wall.
    t = await buildTestApp(db(), { env: { MASTHEAD_PAYMENT_GATEWAY: 'test', MASTHEAD_FREE_LIMIT: '1' } });
    const publishedAt = new Date(Date.now() - HOUR);
    slugs.free = (await createArticle(db(), { visibility: 'free', publishedAt })).slug;
    slugs.metered = (await createArticle(db(), { publishedAt })).slug;
    slugs.second = (await createArticle(db(), { section: 'economy', publishedAt })).slug;
    slugs.premium = (await createArticle(db(), { visibility: 'premium', publishedAt })).slug;
    ({ user: reader } = await provisionUser(
      db(),
      { email: 'vnu@example.com', role: 'reader', name: 'Valid Reader', password: PASSWORD },
      new Date(),
    ));
  });

  it.runIf(run)('has no errors or warnings on any reader page or in the stylesheet', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const files: string[] = [];
    let cookie = '';
    const save = async (name: string, url: string, expectText?: string) => {
      const res = await t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {}, remoteAddress: '203.0.113.9' });
      expect(res.statusCode, url).toBe(200);
      if (expectText) expect(res.body, name).toContain(expectText);
      cookie = cookiesFrom(res, cookie);
      const file = join(dir, name);
      writeFileSync(file, res.body);
      files.push(file);
    };

    await save('home.html', '/');
    await save('section.html', '/section/markets');
    await save('free-story.html', `/article/${slugs.free}`);
    await save('metered-story.html', `/article/${slugs.metered}`);
    await save('metered-out-story.html', `/article/${slugs.second}`, 'data-reason="meter-exhausted"');
    await save('premium-story-signed-out.html', `/article/${slugs.premium}`, 'data-reason="subscription-required"');
    await save('plans.html', '/plans');
    await save('sign-in.html', '/login');
    await save('site.css', SITE_CSS_PATH);

    cookie = await sessionCookie(t.ctx, 'vnu@example.com', PASSWORD);
    await save('checkout.html', '/subscribe/smart-essential', 'Billing details');
    const { start } = await t.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    await t.ctx.billing.testGateway!.complete(start.gatewayCheckoutId!, 'approve', 'card', false);
    await save('premium-story-subscribed.html', `/article/${slugs.premium}`);
    await save('account.html', '/account', 'Smart Quarterly');

    const messages = validate(files);
    const problems = messages.map(
      (m) =>
        `${m.url?.split('/').pop()}:${m.lastLine ?? '?'} ${m.subType ?? m.type}: ${m.message}${m.extract ? `\n    ${m.extract.trim()}` : ''}`,
    );
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
