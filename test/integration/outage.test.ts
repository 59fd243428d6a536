import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisCounters } from '../../src/adapters/counters/counters.js';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/db/database.js';
import { redisMeterStore } from '../../src/adapters/meters/redis.js';
import { REDIS_GRACE_MS } from '../../src/adapters/redis.js';
import { isOutage } from '../../src/domain/errors.js';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { createTestDatabase, engines, postgresServerUrl, type TestDatabase } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { withRawSql } from '../support/raw-sql.js';
import { relay, throughRelay } from '../support/relay.js';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const failure = (work: () => Promise<unknown>) =>
  work().then(
    () => null,
    (error: unknown) => error,
  );

describe('isOutage', () => {
  it('is true for PostgreSQL or Redis out of reach, as their clients report it', async () => {
    const port = await closedPort();
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'masthead', database: 'masthead' });
    expect(isOutage(await failure(() => client.connect()))).toBe(true);

    // A Redis command given up after two reconnection attempts (one in flight when the connection drops).
    const redis = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 2 });
    redis.on('error', () => undefined);
    expect(isOutage(await failure(() => redis.get('meter')))).toBe(true);
    redis.disconnect();

    // What the server says while it shuts down or starts up, or when its connections are used up.
    for (const code of ['57P01', '57P03', '53300', '08006']) {
      expect(isOutage(Object.assign(new pg.DatabaseError('the database system is starting up', 0, 'error'), { code })), code).toBe(true);
    }
  });

  it('is false for a bug or a query the database refuses', async () => {
    expect(isOutage(new TypeError("Cannot read properties of undefined (reading 'slug')"))).toBe(false);
    expect(isOutage('ECONNREFUSED')).toBe(false);
    const url = postgresServerUrl();
    if (!url) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect(isOutage(await failure(() => client.query('selec 1')))).toBe(false);
      expect(isOutage(await failure(() => client.query('set statement_timeout = 1; select pg_sleep(0.1)')))).toBe(false);
    } finally {
      await client.end();
    }
  });
});

/** Readers while the database is out of reach: a page that says so and when to come back, never a 500. */
describe.skipIf(!postgresServerUrl())('the database out of reach [postgres]', () => {
  const clock = fakeClock('2026-11-24T06:00:00Z');
  const wire = relay(new URL(postgresServerUrl() ?? 'postgres://localhost'));
  let test: TestDatabase;
  let handle: DatabaseHandle;
  let t: TestApp;
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    test = await createTestDatabase('postgres');
    await wire.start();
    const { rows } = await test.db.query<{ name: string }>('select current_database() as name');
    const direct = new URL(postgresServerUrl()!);
    direct.pathname = `/${rows[0]!.name}`;
    handle = await openDatabase({ url: throughRelay(direct.toString(), wire.port), pgliteDir: null });
    t = await buildTestApp(withRawSql(handle.db), { now: clock.now, jobs: 'manual' });
    await createArticle(test.db, { slug: 'harbour-story', headline: 'Harbour dredging resumes', visibility: 'free' });
  }, 60_000);

  afterAll(async () => {
    await t?.app.close();
    await handle?.close();
    await wire.stop();
    await test?.destroy();
  });

  it('answers pages and the API with 503 and Retry-After, and serves again once it is back', async () => {
    expect((await get('/article/harbour-story')).statusCode).toBe(200);

    await wire.stop();
    t.ctx.content.invalidate();
    const page = await get('/article/harbour-story');
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('10');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<h1>Briefly unavailable</h1><p>The site is briefly unavailable. Please try again in a minute.</p>');
    expect(page.body).not.toMatch(/ECONNREFUSED|node_modules/);

    const api = await get('/api/v1/articles');
    expect(api.statusCode).toBe(503);
    expect(api.headers['retry-after']).toBe('10');
    expect(api.json()).toEqual({
      error: { code: 'unavailable', message: 'The site is briefly unavailable. Please try again in a minute.' },
    });

    await wire.start();
    t.ctx.content.invalidate();
    const back = await get('/article/harbour-story');
    expect(back.statusCode).toBe(200);
    expect(back.body).toContain('Harbour dredging resumes');
  });
});

/**
 * Anonymous readers while Redis (their meters, the network budgets) is out of reach: a restart goes unnoticed, and a
 * longer outage is a 503 answered at once, not a request held while the client tries to reconnect.
 */
describe.skipIf(!process.env.REDIS_URL)('Redis out of reach [redis]', () => {
  const clock = fakeClock('2026-11-24T06:00:00Z');
  const wire = relay(new URL(process.env.REDIS_URL ?? 'redis://localhost'));
  const prefix = `masthead-test:${process.pid}:${Date.now()}:`;
  let test: TestDatabase;
  let t: TestApp;
  const read = () => t.app.inject({ method: 'GET', url: '/article/harbour-story' });

  beforeAll(async () => {
    test = await createTestDatabase(engines()[0]!);
    await wire.start();
    const url = throughRelay(process.env.REDIS_URL!, wire.port);
    const meters = await redisMeterStore(url, `${prefix}meter:`);
    const counters = await redisCounters(url, prefix);
    t = await buildTestApp(test.db, { now: clock.now, jobs: 'manual', meters, counters });
    await createArticle(test.db, { slug: 'harbour-story', headline: 'Harbour dredging resumes', visibility: 'metered' });
  }, 60_000);

  afterAll(async () => {
    await t?.app.close();
    await t?.ctx.meters.close();
    await t?.ctx.counters.close();
    await wire.stop();
    await test?.destroy();
  });

  it('waits out a restart, answers 503 at once while it stays away, and meters again once it is back', async () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect((await read()).statusCode).toBe(200);

    // A restart: the connection drops and Redis is back a moment later, while a reader waits.
    await wire.stop();
    const during = read();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await wire.start();
    expect((await during).statusCode).toBe(200);

    // Away for longer than the grace: every request is answered at once, where the client's reconnection attempts
    // held each one (a second this early in the outage, 15 s a minute into it).
    await wire.stop();
    await new Promise((resolve) => setTimeout(resolve, REDIS_GRACE_MS + 200));
    const started = Date.now();
    const page = await read();
    expect(Date.now() - started).toBeLessThan(600);
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('10');
    expect(page.body).toContain('The site is briefly unavailable. Please try again in a minute.');
    expect(page.body).not.toMatch(/Redis|ECONNREFUSED/);

    await wire.start();
    let back = await read();
    for (let tries = 0; back.statusCode !== 200 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = await read();
    }
    expect(back.statusCode).toBe(200);
    expect(back.body).toContain('Harbour dredging resumes');

    // The operator reads one line when Redis goes and one when it is back, not one per reconnection attempt.
    const meterLines = warnings.mock.calls.map(([line]) => String(line)).filter((line) => line.startsWith('Redis for meters'));
    expect(meterLines.map((line) => line.replace(/ \(.*\)/, ''))).toEqual([
      'Redis for meters is out of reach: trying again.',
      'Redis for meters answers again.',
      'Redis for meters is out of reach: trying again.',
      'Redis for meters answers again.',
    ]);
    warnings.mockRestore();
  });
});
