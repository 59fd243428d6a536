import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { withRawSql, type TestDb } from '../support/raw-sql.js';
import type { Db } from '../../src/domain/ports/database.js';
import { Type } from 'typebox';
import { createJobRunner, enqueueJob, failedJobs, pendingJobs, scheduleRecurring } from '../../src/jobs/runner.js';
import { defineJob, type JobContext } from '../../src/jobs/registry.js';
import { claimDueJobs, JOBS_CHANNEL } from '../../src/jobs/queries.js';
import { createTestDatabase, describeEachEngine, engines, postgresServerUrl, type TestDatabase } from '../support/databases.js';

/** Same as `fakeClock` in test/support/app.ts, kept local so this test doesn't load the whole web app. */
function fakeClock(start: string | Date) {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (to: string | Date) => (current = new Date(to)),
    advance: (ms: number) => (current = new Date(current.getTime() + ms)),
  };
}

/** A job kind per handler, taking any payload (the schema checks have cases of their own below). */
type JobHandler = (payload: any, ctx: JobContext) => Promise<void>;
const kinds = (handlers: Record<string, JobHandler>) => Object.entries(handlers).map(([kind, run]) => defineJob(kind, Type.Unknown(), run));

interface JobRow {
  id: number;
  kind: string;
  attempts: number;
  done_at: Date | null;
  last_error: string | null;
  locked_until: Date | null;
  failed: boolean;
  run_at_ms: number | null;
}

describeEachEngine('durable jobs', (get, engine) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  const T0 = clock.now();
  const at = (ms: number) => new Date(T0.getTime() + ms);
  const rows = async () =>
    (
      await get().query<JobRow>(
        `select id, kind, attempts, done_at, last_error, locked_until, run_at = 'infinity' as failed,
              case when run_at = 'infinity' then null else (extract(epoch from run_at) * 1000)::float8 end as run_at_ms
       from jobs order by id`,
      )
    ).rows;
  const runner = (handlers: Record<string, JobHandler>, extra: { maxAttempts?: number; db?: TestDb } = {}) =>
    createJobRunner({ db: get(), kinds: kinds(handlers), now: clock.now, ...extra });

  /** PostgreSQL only: another connection pool to this suite's database, as a second process would have. */
  const openSecond = async () => {
    const {
      rows: [db],
    } = await get().query<{ name: string }>('select current_database() as name');
    const url = new URL(postgresServerUrl()!);
    url.pathname = `/${db!.name}`;
    const handle = await openDatabase({ url: url.toString(), pgliteDir: null });
    return Object.assign(withRawSql(handle.db), { close: () => handle.close() });
  };

  beforeEach(async () => {
    clock.set(T0);
    await get().query('delete from jobs');
  });

  it('runs a due job once and marks it done', async () => {
    const seen: unknown[] = [];
    const r = runner({ mail: async (payload, ctx) => void seen.push([payload, ctx.attempt, ctx.now().toISOString()]) });
    expect(await enqueueJob(get(), { kind: 'mail', payload: { to: 'a@example.com' }, runAt: T0, now: T0 })).toBe(true);
    expect(await pendingJobs(get())).toBe(1);
    expect(await r.runDue()).toBe(1);
    expect(await r.runDue()).toBe(0);
    expect(seen).toEqual([[{ to: 'a@example.com' }, 1, T0.toISOString()]]);
    const [job] = await rows();
    expect(job).toMatchObject({ attempts: 1, last_error: null, locked_until: null, failed: false });
    expect(job?.done_at).not.toBeNull();
    expect(await pendingJobs(get())).toBe(0);
  });

  it('does not run a future job until the clock passes run_at', async () => {
    let runs = 0;
    const r = runner({
      later: async () => {
        runs++;
      },
    });
    await enqueueJob(get(), { kind: 'later', runAt: at(60_000), now: T0 });
    expect(await r.runDue()).toBe(0);
    clock.advance(59_999);
    expect(await r.runDue()).toBe(0);
    clock.advance(1);
    expect(await r.runDue()).toBe(1);
    expect(runs).toBe(1);
  });

  it('enqueues once per unique key', async () => {
    const job = { kind: 'invoice', payload: { n: 1 }, runAt: T0, uniqueKey: 'invoice:42', now: T0 };
    expect(await enqueueJob(get(), job)).toBe(true);
    expect(await enqueueJob(get(), { ...job, payload: { n: 2 } })).toBe(false);
    expect(await rows()).toHaveLength(1);
  });

  it('retries a failing handler with exponential backoff until it succeeds', async () => {
    const attempts: number[] = [];
    const r = runner({
      flaky: async (_payload, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`gateway timeout #${ctx.attempt}`);
      },
    });
    await enqueueJob(get(), { kind: 'flaky', runAt: T0, now: T0 });
    expect(await r.runDue()).toBe(1);
    expect((await rows())[0]).toMatchObject({
      attempts: 1,
      last_error: 'gateway timeout #1',
      done_at: null,
      locked_until: null,
      run_at_ms: at(30_000).getTime(),
    });
    clock.advance(29_000);
    expect(await r.runDue()).toBe(0);
    clock.set(at(30_000));
    expect(await r.runDue()).toBe(1);
    expect((await rows())[0]).toMatchObject({ attempts: 2, last_error: 'gateway timeout #2', run_at_ms: at(30_000 + 60_000).getTime() });
    clock.advance(60_000);
    expect(await r.runDue()).toBe(1);
    const [job] = await rows();
    expect(job).toMatchObject({ attempts: 3, last_error: 'gateway timeout #2' });
    expect(job?.done_at).not.toBeNull();
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after maxAttempts and leaves the job failed', async () => {
    let runs = 0;
    const log = vi.fn();
    const r = createJobRunner({
      db: get(),
      now: clock.now,
      maxAttempts: 3,
      log,
      kinds: kinds({
        doomed: async () => {
          runs++;
          throw new Error('always');
        },
      }),
    });
    await enqueueJob(get(), { kind: 'doomed', runAt: T0, now: T0 });
    for (let i = 0; i < 6; i++) {
      await r.runDue();
      clock.advance(2 * 60 * 60_000);
    }
    expect(runs).toBe(3);
    expect((await rows())[0]).toMatchObject({ attempts: 3, last_error: 'always', done_at: null, failed: true, run_at_ms: null });
    expect(await pendingJobs(get())).toBe(0);
    expect(await failedJobs(get())).toBe(1);
    clock.advance(365 * 24 * 60 * 60_000);
    expect(await r.runDue()).toBe(0);
    expect(log.mock.calls.map((c) => c[0])).toEqual(['job failed; will retry', 'job failed; will retry', 'job failed for good']);
  });

  it('re-runs a job whose worker crashed once its lease expires, but not before', async () => {
    const attempts: number[] = [];
    const r = runner({ crashy: async (_p, ctx) => void attempts.push(ctx.attempt) });
    await get().query(
      `insert into jobs (kind, run_at, attempts, locked_until, created_at) values ('crashy', $1, 1, $2, $1), ('crashy', $1, 1, $3, $1)`,
      [at(-600_000), at(-1), at(60_000)],
    );
    expect(await r.runDue()).toBe(1);
    expect(attempts).toEqual([2]);
    const [expired, leased] = await rows();
    expect(expired?.done_at).not.toBeNull();
    expect(leased).toMatchObject({ done_at: null, attempts: 1 });
    clock.advance(60_001);
    expect(await r.runDue()).toBe(1);
    expect(attempts).toEqual([2, 2]);
  });

  it('never runs the same job twice when two runners claim concurrently', async () => {
    // On PostgreSQL the second runner gets its own connection pool to the same database.
    const second = engine === 'postgres' ? await openSecond() : undefined;
    try {
      for (let i = 0; i < 40; i++) await enqueueJob(get(), { kind: 'count', payload: { i }, runAt: at(-i), now: T0 });
      const ran = new Map<number, number>();
      const handler: JobHandler = async ({ i }) => {
        ran.set(i, (ran.get(i) ?? 0) + 1);
        await sleep(2);
      };
      const a = createJobRunner({ db: get(), kinds: kinds({ count: handler }), now: clock.now, batch: 3 });
      const b = createJobRunner({ db: second ?? get(), kinds: kinds({ count: handler }), now: clock.now, batch: 3 });
      const counts = await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
      expect(counts.reduce((x, y) => x + y, 0)).toBe(40);
      expect(ran.size).toBe(40);
      expect([...ran.values()].every((n) => n === 1)).toBe(true);
      expect((await rows()).every((j) => j.attempts === 1 && j.done_at !== null)).toBe(true);
    } finally {
      await second?.close();
    }
  });

  it.runIf(engine === 'postgres')('skips rows another transaction has locked (FOR UPDATE SKIP LOCKED)', async () => {
    const other = await openSecond();
    try {
      await enqueueJob(get(), { kind: 'k', payload: { n: 1 }, runAt: at(-2), now: T0 });
      await enqueueJob(get(), { kind: 'k', payload: { n: 2 }, runAt: at(-1), now: T0 });
      const claimedElsewhere = await get()
        .transaction()
        .execute(async (tx) => {
          const mine = await claimDueJobs(tx, T0, at(60_000), 1); // holds the row lock until commit
          const theirs = await other.transaction().execute((tx2) => claimDueJobs(tx2, T0, at(60_000), 5));
          expect(mine.map((j) => j.payload)).toEqual([{ n: 1 }]);
          return theirs;
        });
      expect(claimedElsewhere.map((j) => j.payload)).toEqual([{ n: 2 }]);
    } finally {
      await other.close();
    }
  });

  it('records an unknown kind as an error instead of crashing', async () => {
    const log = vi.fn();
    const r = createJobRunner({ db: get(), now: clock.now, kinds: [], log });
    await enqueueJob(get(), { kind: 'mystery', runAt: T0, now: T0 });
    expect(await r.runDue()).toBe(1);
    expect((await rows())[0]).toMatchObject({
      attempts: 1,
      done_at: null,
      last_error: 'no handler for job kind "mystery"',
      run_at_ms: at(30_000).getTime(),
    });
    expect(log).toHaveBeenCalledWith('job failed; will retry', expect.objectContaining({ kind: 'mystery' }));
  });

  it('polls after start(), and stop() waits for the running handler', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const events: string[] = [];
    const r = createJobRunner({
      db: get(),
      now: clock.now,
      pollMs: 10,
      kinds: kinds({
        quick: async () => void events.push('quick'),
        slow: async () => {
          events.push('slow:start');
          await gate;
          events.push('slow:end');
        },
      }),
    });
    r.start();
    await sleep(30);
    await enqueueJob(get(), { kind: 'quick', runAt: T0, now: T0 });
    await vi.waitFor(() => expect(events).toEqual(['quick']), { timeout: 5000, interval: 10 });
    await enqueueJob(get(), { kind: 'slow', runAt: T0, now: T0 });
    await vi.waitFor(() => expect(events).toContain('slow:start'), { timeout: 5000, interval: 10 });
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await sleep(30);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(events).toEqual(['quick', 'slow:start', 'slow:end']);
    expect((await rows()).every((j) => j.done_at !== null)).toBe(true);
    // Stopped: a new due job stays pending.
    await enqueueJob(get(), { kind: 'quick', runAt: T0, now: T0 });
    await sleep(40);
    expect(await pendingJobs(get())).toBe(1);
  });

  it('checks a payload against its kind’s schema when the job is claimed, and gives up at once on one that does not fit', async () => {
    const ran: unknown[] = [];
    const log = vi.fn();
    const r = createJobRunner({
      db: get(),
      now: clock.now,
      log,
      kinds: [defineJob('mail', Type.Object({ to: Type.String({ format: 'email' }) }), async (p) => void ran.push(p.to))],
    });
    await enqueueJob(get(), { kind: 'mail', payload: { to: 'reader@example.com' }, runAt: T0, now: T0 });
    await enqueueJob(get(), { kind: 'mail', payload: { to: 42 }, runAt: T0, now: T0 });
    expect(await r.runDue()).toBe(2);
    expect(ran).toEqual(['reader@example.com']);
    const bad = (await rows()).find((j) => j.last_error !== null)!;
    expect(bad).toMatchObject({ attempts: 1, failed: true, done_at: null });
    expect(bad.last_error).toBe('payload does not match job kind "mail": /to must be string');
    expect(await failedJobs(get())).toBe(1);
  });

  it('erases a payload that holds a secret once its job is done, and keeps the others', async () => {
    const r = createJobRunner({
      db: get(),
      now: clock.now,
      kinds: [
        defineJob('code', Type.Object({ code: Type.String() }), async () => undefined, { erasePayloadWhenDone: () => true }),
        defineJob('note', Type.Object({ text: Type.String() }), async () => undefined),
      ],
    });
    await enqueueJob(get(), { kind: 'code', payload: { code: '123456' }, runAt: T0, now: T0 });
    await enqueueJob(get(), { kind: 'note', payload: { text: 'kept' }, runAt: T0, now: T0 });
    await r.runDue();
    const payloads = (await get().query<{ kind: string; payload: unknown }>('select kind, payload from jobs order by kind')).rows;
    expect(payloads).toEqual([
      { kind: 'code', payload: {} },
      { kind: 'note', payload: { text: 'kept' } },
    ]);
  });

  it('logs errors in the polling loop instead of throwing them', async () => {
    const log = vi.fn();
    // The database goes away: every transaction fails.
    const broken = { transaction: () => ({ execute: () => Promise.reject(new Error('connection lost')) }) } as unknown as Db;
    const r = createJobRunner({ db: broken, now: clock.now, kinds: [], pollMs: 10, log });
    r.start();
    await vi.waitFor(() => expect(log.mock.calls.length).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 10 });
    await r.stop();
    expect(log).toHaveBeenCalledWith('job runner poll failed', { error: 'connection lost' });
  });

  it('schedules the next occurrence of a recurring job once across instances', async () => {
    const hour = 60 * 60_000;
    clock.set('2026-11-24T10:20:00Z');
    expect(await scheduleRecurring(get(), 'digest', hour, clock.now())).toBe(true);
    expect(await scheduleRecurring(get(), 'digest', hour, clock.now())).toBe(false);
    const {
      rows: [job],
    } = await get().query<{ unique_key: string; run_at: Date }>('select unique_key, run_at from jobs');
    expect(job?.unique_key).toBe('digest@2026-11-24T11:00:00.000Z');
    expect(new Date(job!.run_at).toISOString()).toBe('2026-11-24T11:00:00.000Z');
    // The handler re-arms itself for the following slot.
    const r = runner({
      digest: async (_p, ctx) => {
        await scheduleRecurring(ctx.db, 'digest', hour, ctx.now());
      },
    });
    clock.set('2026-11-24T11:00:00Z');
    expect(await r.runDue()).toBe(1);
    expect(await pendingJobs(get())).toBe(1);
    expect((await get().query<{ unique_key: string }>('select unique_key from jobs where done_at is null')).rows[0]?.unique_key).toBe(
      'digest@2026-11-24T12:00:00.000Z',
    );
  });
});

describe.each(engines())('runners wake when a job is queued [%s]', (engine) => {
  let test: TestDatabase;
  beforeAll(async () => (test = await createTestDatabase(engine)), 60_000);
  afterAll(() => test.destroy());

  it('runs a job queued on another connection as soon as its transaction commits, not at the next poll', async () => {
    const ran: number[] = [];
    const runner = createJobRunner({
      db: test.db,
      pollMs: 60_000,
      kinds: [defineJob('ping', Type.Object({ n: Type.Integer() }), async ({ n }) => void ran.push(n))],
    });
    runner.start();
    const unlisten = await test.handle.listen(JOBS_CHANNEL, () => runner.wake());
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the first poll has come and gone
      const queuedAt = Date.now();
      await test.db.transaction().execute((tx) => enqueueJob(tx, { kind: 'ping', payload: { n: 1 }, runAt: new Date(0), now: new Date() }));
      await vi.waitFor(() => expect(ran).toEqual([1]), { timeout: 5_000, interval: 10 });
      expect(Date.now() - queuedAt).toBeLessThan(5_000);
    } finally {
      await unlisten();
      await runner.stop();
    }
  });
});
