import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { TestDb } from './raw-sql.js';
import type { Counters } from '../../src/domain/ports/counters.js';
import type { Db } from '../../src/domain/ports/database.js';
import type { MeterStore } from '../../src/domain/ports/meter-store.js';
import { loadConfig } from '../../src/config/config.js';
import { seedBaseline } from '../../src/domain/content/seed.js';
import { createJobs } from '../../src/jobs/masthead-jobs.js';
import { createAppContext, jobServices } from '../../src/main.js';
import { buildApp } from '../../src/web/app.js';
import { afterThisFile, tempDir } from './temp.js';
import type { AppContext } from '../../src/context.js';

/** A clock tests can move. */
export function fakeClock(start: string | Date) {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (to: string | Date) => (current = new Date(to)),
    advance: (ms: number) => (current = new Date(current.getTime() + ms)),
  };
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  /** The app's job runner: running in the background (emails go out as they would), unless `jobs: 'manual'`. */
  jobs: ReturnType<typeof createJobs>;
}

/**
 * The real app on the given database, with baseline data, a fixed secret, silent logs and a controllable
 * clock. Its job runner polls every few milliseconds, so queued emails arrive as tests wait for them;
 * `jobs: 'manual'` leaves running jobs to the test (`jobs.runDue()`). The periodic sweep is never scheduled.
 */
export async function buildTestApp(
  db: TestDb,
  options: {
    now?: (() => Date) | undefined;
    env?: Record<string, string>;
    jobs?: 'background' | 'manual';
    /** A read replica for lists, search and sitemaps (as DATABASE_READ_URL gives the app). */
    readDb?: Db;
    /** Where counters and anonymous meters live (as REDIS_URL chooses them; default in the process). */
    counters?: Counters;
    meters?: MeterStore;
  } = {},
): Promise<TestApp> {
  const env = { MASTHEAD_DATA: tempDir(), LOG_LEVEL: 'silent', MASTHEAD_DEMO: 'false', ...options.env };
  const config = loadConfig(env);
  await seedBaseline(db);
  const ctx = await createAppContext(config, db, {
    now: options.now,
    secret: 'test-secret-'.padEnd(48, 'x'),
    ...(options.readDb ? { readDb: options.readDb } : {}),
    ...(options.counters ? { counters: options.counters } : {}),
    ...(options.meters ? { meters: options.meters } : {}),
  });
  const app = await buildApp(ctx);
  // Errors of a runner polling a database its suite has already dropped are no news.
  const jobs = createJobs(jobServices(ctx, db), { pollMs: 10, log: () => undefined });
  if (options.jobs !== 'manual') {
    await jobs.start({ recurring: false });
    afterThisFile(() => jobs.stop());
  }
  return { app, ctx, jobs };
}

/** The cookies a response set, as a Cookie header value to send next time. */
export function cookiesFrom(response: LightMyRequestResponse, previous = ''): string {
  const split = (c: string): [string, string] => {
    const at = c.indexOf('=');
    return [c.slice(0, at), c.slice(at + 1)];
  };
  const jar = new Map(previous.split('; ').filter(Boolean).map(split));
  for (const cookie of response.cookies) {
    // A cleared cookie comes back empty or already expired: the browser forgets it.
    if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.maxAge === 0) jar.delete(cookie.name);
    else jar.set(cookie.name, cookie.value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Signs `email` in with its password, as a web browser would, and returns the session's Cookie header value. */
export async function sessionCookie(ctx: AppContext, email: string, password: string): Promise<string> {
  const result = await ctx.accounts.signInWithPassword({
    email,
    password,
    device: { kind: 'web', userAgent: 'test' },
    origin: { networkKey: 'test' },
  });
  if (!result.ok || result.value.status !== 'signed-in') throw new Error(`could not sign ${email} in`);
  return `mh_session=${result.value.session.token}`;
}
