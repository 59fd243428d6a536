/**
 * Newsletter send benchmark: N recipients (default 100,000; BENCH_RECIPIENTS) sent one issue through the real send
 * job's code path to a local SMTP sink in a child process (smtp-server, counting and discarding), at the configured
 * rate (MASTHEAD_NEWSLETTER_RATE, default here 5000/s, i.e. as fast as it goes). Prints the rate each 10% of the way
 * and the sender's RSS, so a flat memory line and a steady rate show. PGlite in memory unless DATABASE_URL names a
 * PostgreSQL server, on which it creates a database of its own and drops it at the end.
 *
 *   npx tsx src/bench/newsletter-send.ts             # or BENCH_RECIPIENTS=20000 DATABASE_URL=postgres://… npx tsx …
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { openDatabase } from '../adapters/db/database.js';
import { migrate } from '../adapters/db/migrate.js';
import { loadConfig } from '../config/config.js';
import { seedBaseline } from '../domain/content/seed.js';
import { upsertArticle } from '../domain/content/queries.js';
import { seedDemoNewsletters } from '../domain/newsletters/service.js';
import { createAppContext } from '../main.js';

async function sink(): Promise<void> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  process.on('message', () => process.send?.({ received }));
}

async function main(): Promise<void> {
  const recipients = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
  const child = fork(fileURLToPath(import.meta.url), ['sink'], { execArgv: process.execArgv });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  // On a PostgreSQL server the benchmark works in a database of its own, dropped at the end.
  const server = process.env.DATABASE_URL ?? null;
  const scratch = `masthead_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: server ?? '' });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  let url: string | null = null;
  if (server) {
    await admin(`create database ${scratch}`);
    const parsed = new URL(server);
    parsed.pathname = `/${scratch}`;
    url = parsed.toString();
  }
  const handle = await openDatabase({ url, pgliteDir: null });
  await migrate(handle);
  const db = handle.db;
  await seedBaseline(db);
  await seedDemoNewsletters(db);
  const config = loadConfig({
    ...process.env,
    MASTHEAD_DATA: `/tmp/masthead-bench-newsletter-${process.pid}`,
    LOG_LEVEL: 'silent',
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MASTHEAD_NEWSLETTER_RATE: process.env.MASTHEAD_NEWSLETTER_RATE ?? '5000',
  });
  const ctx = await createAppContext(config, db, { secret: 'bench-secret-'.padEnd(48, 'x') });
  const list = (await ctx.newsletters.list('politics'))!;
  await upsertArticle(db, {
    slug: 'bench-story',
    headline: 'A story for the benchmark',
    standfirst: 'Standfirst.',
    body: Array.from({ length: 8 }, (_, i) => `Paragraph ${i + 1} of a free story, long enough to look like one.`).join('\n\n'),
    section: 'politics',
    tags: [],
    authors: ['Bench'],
    dateline: '',
    visibility: 'free',
    provenance: 'staff',
    publishedAt: new Date(Date.now() - 3600_000),
    updatedAt: null,
    leadImage: null,
    editorsPick: false,
  });
  await sql`insert into newsletter_subscriptions (newsletter_id, email, status, created_at)
    select ${list.id}, 'reader' || g || '@bench.example', 'confirmed', now() from generate_series(1, ${recipients}) g`.execute(db);
  const composed = await ctx.newsletters.compose(list.id, {
    subject: 'Benchmark issue',
    introduction: 'Hello.',
    articleSlugs: ['bench-story'],
  });
  if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
  await ctx.newsletters.sendNow(composed.id);

  const started = performance.now();
  const mb = () => Math.round(process.memoryUsage().rss / 1048576);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(mb()), 500);
  let nextMark = 0.1;
  let lastAt = started;
  let lastSent = 0;
  const timer = setInterval(() => {
    void ctx.newsletters.progress(composed.id).then((p) => {
      if (p.sent / recipients < nextMark) return;
      const now = performance.now();
      console.log(
        `${String(Math.round((p.sent / recipients) * 100)).padStart(3)}%  ${p.sent} sent  ${Math.round(((p.sent - lastSent) * 1000) / (now - lastAt))} msg/s since last mark  RSS ${mb()} MB`,
      );
      nextMark = Math.floor((p.sent / recipients) * 10) / 10 + 0.1;
      lastAt = now;
      lastSent = p.sent;
    });
  }, 250);
  while ((await ctx.newsletters.issue(composed.id))?.issue.status === 'sending') await ctx.newsletters.runSend(composed.id);
  clearInterval(timer);
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const progress = await ctx.newsletters.progress(composed.id);
  child.send('count');
  const { received } = await new Promise<{ received: number }>((resolve) => child.once('message', resolve));
  console.log(
    `\n${progress.sent} sent (${received} received by the sink), ${progress.failed} failed, in ${seconds.toFixed(1)} s: ${Math.round(progress.sent / seconds)} msg/s; ` +
      `engine ${handle.engine}; sender RSS min ${Math.min(...samples)} MB, max ${Math.max(...samples)} MB`,
  );
  child.kill();
  await ctx.newsletterMailer.close();
  await ctx.mailer.close();
  await ctx.counters.close();
  await ctx.meters.close();
  await ctx.files.close();
  await handle.close();
  if (server) await admin(`drop database if exists ${scratch} with (force)`);
}

if (process.argv[2] === 'sink') void sink();
else await main();
