import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openReadReplica, type ReadReplica } from '../../src/adapters/db/read-replica.js';
import { withSearchSettings } from '../../src/domain/search/queries.js';
import { seedBaseline } from '../../src/domain/content/seed.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { relay, throughRelay } from '../support/relay.js';
import { createTestDatabase, postgresServerUrl, type TestDatabase } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { redactUrl } from '../../src/config/redact-url.js';

const NOW = '2026-11-24T06:00:00Z';

/**
 * DATABASE_READ_URL: lists, search, sitemaps and feeds read from the replica; an article's page and everything a reader
 * just wrote (sessions, accounts) from the primary. Two databases on one server play primary and replica, with a story
 * only the "replica" holds, so each response shows which one answered.
 */
describe.skipIf(!postgresServerUrl())('read replica [postgres]', () => {
  const clock = fakeClock(NOW);
  let ms = 0;
  const log: string[] = [];
  let primary: TestDatabase;
  let standby: TestDatabase;
  let replica: ReadReplica;
  let t: TestApp;
  const wire = relay(new URL(postgresServerUrl() ?? 'postgres://localhost'));
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    [primary, standby] = await Promise.all([createTestDatabase('postgres'), createTestDatabase('postgres')]);
    await seedBaseline(standby.db);
    await wire.start();
    replica = openReadReplica({
      replicaUrl: throughRelay(await currentUrl(standby), wire.port),
      primaryUrl: await currentUrl(primary),
      log: (line) => log.push(line),
      now: () => ms,
    });
    t = await buildTestApp(primary.db, { now: clock.now, readDb: replica.db, jobs: 'manual' });
    // Both hold one story; each holds one the other lacks.
    for (const db of [primary.db, standby.db]) await createArticle(db, { slug: 'shared-story', headline: 'Shared harbour story' });
    await createArticle(standby.db, { slug: 'replica-only', headline: 'Zanzibar clove auction (replica)', section: 'markets' });
    await createArticle(primary.db, { slug: 'primary-only', headline: 'Zanzibar clove auction (primary)', section: 'markets' });
  }, 60_000);

  afterAll(async () => {
    await replica?.close();
    await wire.stop();
    await Promise.all([primary?.destroy(), standby?.destroy()]);
  });

  it('serves section pages, the API list, search, sitemaps and feeds from the replica', async () => {
    for (const url of [
      '/section/markets',
      '/api/v1/articles?section=markets',
      '/search?q=zanzibar',
      '/feed.xml',
      '/sitemaps/articles-2026-11.xml',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('replica-only');
      expect(res.body, url).not.toContain('primary-only');
    }
    expect(replica.target()).toBe('replica');
  });

  it('serves an article page from the primary: a story only the replica holds is not found', async () => {
    expect((await get('/article/primary-only')).statusCode).toBe(200);
    expect((await get('/article/replica-only')).statusCode).toBe(404);
  });

  it('keeps accounts and sessions on the primary', async () => {
    await provisionUser(primary.db, { email: 'reader@example.com', role: 'reader', password: 'a long reader password' }, clock.now());
    const cookie = await sessionCookie(t.ctx, 'reader@example.com', 'a long reader password');
    const res = await get('/account', { cookie });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('reader@example.com');
  });

  it('never writes through the replica connection', async () => {
    await expect(replica.db.deleteFrom('articles').execute()).rejects.toThrow(/read-only transaction/);
  });

  it('asks the primary when the replica cancels a search for a conflict with what it replays, and keeps using the replica', async () => {
    t.ctx.search.forget();
    const warnings = log.length;
    // The search runs in a transaction (for its timeout); the standby cancels its query, not the settings before it.
    wire.failNext('zanzibar', 'conflict');
    const res = await get('/search?q=zanzibar');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('primary-only');
    expect(res.body).not.toContain('replica-only');
    expect(replica.target()).toBe('replica');
    expect(log.length).toBe(warnings);
    // The connection the standby cancelled on goes on serving.
    t.ctx.search.forget();
    expect((await get('/search?q=zanzibar')).body).toContain('replica-only');
    // A list, read outside a transaction, is asked again on the primary in the same way.
    t.ctx.content.invalidate();
    wire.failNext('markets', 'conflict');
    const list = await get('/section/markets');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('primary-only');
    expect(replica.target()).toBe('replica');
  });

  it('moves a search to the primary, settings and all, when the replica goes away in the middle of it', async () => {
    t.ctx.search.forget();
    wire.failNext('zanzibar', 'cut');
    const res = await get('/search?q=zanzibar');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('primary-only');
    expect(replica.target()).toBe('primary');
    expect(log.at(-1)).toMatch(/Read replica .* failed .*reading from the primary/);
    ms += 10_000;

    // The transaction begun on the replica runs again on the primary from its start, its settings with it.
    wire.failNext('statement_timeout', 'cut');
    const settings = await withSearchSettings(replica.db, 1_234, async (tx) => {
      const { rows } = await sql<{ timeout: string; standby: string }>`select current_setting('statement_timeout') as timeout,
        current_database() as standby`.execute(tx);
      return rows[0]!;
    });
    expect(settings.timeout).toBe('1234ms');
    expect(`/${settings.standby}`).toBe(new URL(await currentUrl(primary)).pathname);
    ms += 10_000;

    // A transaction that reads one snapshot throughout is not pieced together from two servers': it fails.
    wire.failNext('one snapshot', 'conflict');
    const repeatable = replica.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((tx) => sql`select 'one snapshot' as marker`.execute(tx));
    await expect(repeatable).rejects.toThrow(/conflict with recovery/);
  });

  it('loses nothing when the replica goes away as a search commits: its reads were done', async () => {
    t.ctx.search.forget();
    expect(replica.target()).toBe('replica');
    wire.failNext('commit', 'cut');
    const res = await get('/search?q=zanzibar');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('replica-only');
    ms += 10_000;
  });

  it('falls back to the primary while the replica is down, and returns to it after the retry interval', async () => {
    await wire.stop();
    t.ctx.content.invalidate();
    t.ctx.search.forget();
    const down = await get('/section/markets');
    expect(down.statusCode).toBe(200);
    expect(down.body).toContain('primary-only');
    expect(down.body).not.toContain('replica-only');
    expect((await get('/search?q=zanzibar')).body).toContain('primary-only');
    expect(replica.target()).toBe('primary');
    expect(log.join('\n')).toMatch(/Read replica .* failed .*reading from the primary/);
    // The log names the replica without its password.
    const password = new URL(postgresServerUrl()!).password;
    if (password) expect(log.join('\n')).not.toContain(password);

    await wire.start();
    ms += 9_000;
    t.ctx.content.invalidate();
    expect((await get('/section/markets')).body).toContain('primary-only');
    ms += 1_000;
    t.ctx.content.invalidate();
    const back = await get('/section/markets');
    expect(back.body).toContain('replica-only');
    expect(replica.target()).toBe('replica');
    expect(log.at(-1)).toMatch(/answers again/);
  });
});

describe('read replica configuration', () => {
  it('refuses DATABASE_READ_URL without a PostgreSQL primary, naming the variable', () => {
    const attempt = () => loadConfig({ MASTHEAD_DATA: '/tmp/x', DATABASE_READ_URL: 'postgres://u:p@replica/db' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^DATABASE_READ_URL: a read replica needs DATABASE_URL/);
    expect(
      loadConfig({ MASTHEAD_DATA: '/tmp/x', DATABASE_URL: 'postgres://p/db', DATABASE_READ_URL: 'postgres://r/db' }).databaseReadUrl,
    ).toBe('postgres://r/db');
  });

  it('takes the import writers from MASTHEAD_IMPORT_WRITERS, 4 unless set, and refuses nonsense', () => {
    expect(loadConfig({ MASTHEAD_DATA: '/tmp/x' }).importWriters).toBe(4);
    expect(loadConfig({ MASTHEAD_DATA: '/tmp/x', MASTHEAD_IMPORT_WRITERS: '2' }).importWriters).toBe(2);
    for (const bad of ['0', '17', 'many']) {
      expect(() => loadConfig({ MASTHEAD_DATA: '/tmp/x', MASTHEAD_IMPORT_WRITERS: bad })).toThrow(/^MASTHEAD_IMPORT_WRITERS: /);
    }
  });

  it('masks passwords in connection URLs, in the user part and as a parameter', () => {
    expect(redactUrl('postgres://app:s3cret@replica:5432/news')).toBe('postgres://app:***@replica:5432/news');
    expect(redactUrl('postgres://replica/news?user=app&password=s3cret')).toBe('postgres://replica/news?user=app&password=***');
    expect(redactUrl('postgres://app:s3cret@[bad')).toBe('(invalid URL)');
  });
});

/** The URL a test database was opened with (its name is random). */
async function currentUrl(test: TestDatabase): Promise<string> {
  const { rows } = await test.db.query<{ name: string }>('select current_database() as name');
  const url = new URL(postgresServerUrl()!);
  url.pathname = `/${rows[0]!.name}`;
  return url.toString();
}
