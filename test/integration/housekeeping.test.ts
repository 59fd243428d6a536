import { expect, it } from 'vitest';
import { housekeeping } from '../../src/jobs/housekeeping.js';
import { createJobs, type JobServices } from '../../src/jobs/masthead-jobs.js';
import { enqueueJob, scheduleRecurring } from '../../src/jobs/runner.js';
import { describeEachEngine } from '../support/databases.js';

describeEachEngine('daily housekeeping', (get) => {
  const now = new Date('2026-12-20T06:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000);

  it('deletes old months’ meters, spent refresh tokens and old finished jobs, and keeps everything still in use', async () => {
    const db = get();
    await db.query(
      `insert into anonymous_meters (reader_id, period, article_ids) values
         ('r-old', '2026-09', '{1}'), ('r-last', '2026-10', '{2}'), ('r-prev', '2026-11', '{3}'), ('r-now', '2026-12', '{4}')`,
    );
    const user = (await db.query<{ id: number }>(`insert into users (email) values ('keeper@example.com') returning id`)).rows[0]!.id;
    const session = async (tag: string, expires: Date, revoked: Date | null) =>
      (
        await db.query<{ id: number }>(
          `insert into sessions (user_id, token_hash, refresh_hash, kind, token_expires_at, device_name, created_at, last_seen_at, expires_at, revoked_at)
           values ($1, $2, $3, 'app', $4, 'Phone', $5, $5, $4, $6) returning id`,
          [user, `t-${tag}`, `r-${tag}`, expires, daysAgo(60), revoked],
        )
      ).rows[0]!.id;
    const live = await session('live', daysAgo(-30), null);
    const signedOut = await session('out', daysAgo(-30), daysAgo(1));
    const expired = await session('expired', daysAgo(1), null);
    for (const [id, hash] of [
      [live, 'old-live'],
      [signedOut, 'old-out'],
      [expired, 'old-expired'],
    ] as const) {
      await db.query('insert into retired_refresh_tokens (refresh_hash, session_id, retired_at) values ($1, $2, $3)', [
        hash,
        id,
        daysAgo(2),
      ]);
    }
    const job = async (key: string | null, finished: Date | null, createdDaysAgo = 40) => {
      await enqueueJob(db, {
        kind: 'notification',
        payload: {},
        runAt: daysAgo(createdDaysAgo),
        uniqueKey: key ?? undefined,
        now: daysAgo(createdDaysAgo),
      });
      if (finished) await db.query('update jobs set done_at = $1 where id = (select max(id) from jobs)', [finished]);
    };
    await job(null, daysAgo(31)); // old, done, no key: goes
    await job(null, daysAgo(29)); // done within 30 days: stays
    await job(null, null); // never ran: stays
    await job('receipt:payment:7', daysAgo(90)); // a key that guards against sending twice: stays
    await scheduleRecurring(db, 'billing-sweep', 5 * 60 * 1000, daysAgo(45)); // a past slot of a recurring job…
    await db.query("update jobs set done_at = $1 where kind = 'billing-sweep'", [daysAgo(44)]); // …done long ago: goes

    expect(await housekeeping(db, now)).toEqual({ meters: 2, refreshTokens: 2, jobs: 2 });

    const meters = await db.query<{ reader_id: string }>('select reader_id from anonymous_meters order by period');
    // 40 days back from 20 December is 10 November: October is over everywhere, November may still be read.
    expect(meters.rows.map((r) => r.reader_id)).toEqual(['r-prev', 'r-now']);
    const tokens = await db.query<{ refresh_hash: string }>('select refresh_hash from retired_refresh_tokens');
    expect(tokens.rows.map((r) => r.refresh_hash)).toEqual(['old-live']);
    const jobs = await db.query<{ unique_key: string | null; done: boolean }>(
      'select unique_key, done_at is not null as done from jobs order by id',
    );
    expect(jobs.rows).toEqual([
      { unique_key: null, done: true },
      { unique_key: null, done: false },
      { unique_key: 'receipt:payment:7', done: true },
    ]);
    // Run again: nothing more to do.
    expect(await housekeeping(db, now)).toEqual({ meters: 0, refreshTokens: 0, jobs: 0 });
  });

  it('is scheduled once a day when the jobs start, and schedules its next run when it runs', async () => {
    const db = get();
    let clock = new Date('2026-12-21T10:00:00Z');
    const services = {
      db,
      now: () => clock,
      billing: { service: { applyStoredWebhooks: async () => undefined, runSweep: async () => undefined } },
      mailer: { send: async () => undefined },
      templates: {},
    } as unknown as JobServices;
    const jobs = createJobs(services, { log: () => undefined });
    await jobs.start();
    await jobs.stop();
    const pending = async () =>
      (
        await db.query<{ run_at: Date }>("select run_at from jobs where kind = 'housekeeping' and done_at is null order by run_at")
      ).rows.map((r) => r.run_at.toISOString());
    expect(await pending()).toEqual(['2026-12-22T00:00:00.000Z']);
    clock = new Date('2026-12-22T00:00:01Z');
    expect(await jobs.runDue()).toBeGreaterThanOrEqual(1);
    expect(await pending()).toEqual(['2026-12-23T00:00:00.000Z']);
  });
});
