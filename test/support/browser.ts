import { afterAll, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { buildTestApp, type TestApp } from './app.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

/** Debian's chromium (CHROMIUM_PATH overrides). Browser tests never download a browser of their own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Whether browser suites run here. They need Debian's chromium (`apt-get install chromium`, which .ci/run
 * does); on a machine without it they are skipped with a notice, except in CI, where a missing browser
 * is a failure rather than a silent skip.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`chromium not found at ${CHROMIUM_PATH}: browser tests cannot run in CI`);
  console.warn(`browser tests skipped: no chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A test site listening on 127.0.0.1 (its own database and port) for a browser to visit. */
export interface SiteForBrowser {
  /** Where it listens, e.g. http://127.0.0.1:41234; also its PUBLIC_URL unless `env` names another. */
  base: string;
  database: TestDatabase;
  t: TestApp;
  close(): Promise<void>;
}

/**
 * Builds a test app on a fresh embedded database and listens on a free port. `env` is given the port, because
 * redirects (to a gateway and back) use PUBLIC_URL, which must be known before the app is built. `now` is the
 * app's clock (see fakeClock).
 */
export async function startSiteForBrowser(
  env: (port: number) => Record<string, string> = () => ({}),
  options: { now?: (() => Date) | undefined } = {},
): Promise<SiteForBrowser> {
  const database = await createTestDatabase('pglite');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await buildTestApp(database.db, { env: { PUBLIC_URL: base, ...env(port) }, now: options.now });
  await t.app.listen({ port, host: '127.0.0.1' });
  return {
    base,
    database,
    t,
    async close() {
      await t.app.close();
      await database.destroy();
    },
  };
}

/** Signs in through the login form, as a person would, and waits for the home page it leads to. */
export async function signIn(page: Page, site: string, email: string, password: string): Promise<void> {
  await page.goto(`${site}/login`);
  const login = page.locator('form[action="/login"]');
  await login.getByLabel('Email address').fill(email);
  await login.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${site}/`), login.locator('button[type=submit]').click()]);
}

/** Whether the browser fetched and decoded the image `img` shows (not a broken image). */
export function imageLoaded(img: Locator): Promise<boolean> {
  return img.evaluate((element) => {
    const image = element as unknown as { complete: boolean; naturalWidth: number };
    return image.complete && image.naturalWidth > 0;
  });
}

/**
 * A browser suite's site and browser: started before its tests (the site on a fresh database, then `setup` on that
 * database, then Chromium) and closed after them. Read `site`, `base` and `browser` inside the tests.
 */
export function browserSuite(
  options: { env?: (port: number) => Record<string, string>; now?: () => Date; setup?: (db: TestDatabase['db']) => Promise<unknown> } = {},
) {
  const suite = {} as { site: SiteForBrowser; base: string; browser: Browser };
  beforeAll(async () => {
    suite.site = await startSiteForBrowser(options.env, { now: options.now });
    suite.base = suite.site.base;
    await options.setup?.(suite.site.database.db);
    suite.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.site?.close();
  });
  return suite;
}
