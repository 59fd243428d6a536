/**
 * E-paper timings: `tsx src/bench/epaper-times.ts [pages]` (24 by default). Makes a broadsheet-like edition with
 * pdfkit (four stories a page in three columns), uploads it on an in-memory PGlite, renders it as the job does (every
 * page at 240, 1000 and 2000 pixels wide, text and regions), then times the page view as a signed-in reader with the
 * e-paper sees it (sequential requests in process, so the figure is the server's own work, not a network's).
 */
import PDFDocument from 'pdfkit';
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../adapters/db/database.js';
import { migrate } from '../adapters/db/migrate.js';
import { provisionUser } from '../domain/accounts/provisioning.js';
import { seedBaseline } from '../domain/content/seed.js';
import { actorOf } from '../domain/policies/policies.js';
import { createAppContext } from '../main.js';
import { buildApp } from '../web/app.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pages = Number(process.argv[2] ?? 24);
const WORDS = 'The council approved the plan after a long debate on costs, schedules and the needs of traders in the old market. ';

function edition(count: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: [842, 1190], margin: 30 });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  for (let p = 0; p < count; p++) {
    if (p) doc.addPage();
    doc.font('Times-Bold').fontSize(40).text('The Daily Ledger', 30, 30, { align: 'center', width: 782 });
    for (let s = 0; s < 4; s++) {
      const column = s % 3;
      const top = s < 3 ? 110 : 650;
      doc
        .font('Times-Bold')
        .fontSize(24)
        .text(`Story ${p + 1}.${s + 1}: a headline over two lines of type`, 30 + column * 265, top, { width: 250 });
      doc
        .font('Times-Roman')
        .fontSize(9.5)
        .text(WORDS.repeat(s < 3 ? 14 : 10), 30 + column * 265, doc.y + 8, { width: 250, height: 440 });
    }
  }
  doc.end();
  return done;
}

const dataDir = await mkdtemp(join(tmpdir(), 'masthead-epaper-bench-'));
const handle = await openDatabase({ url: null, pgliteDir: null });
try {
  await migrate(handle);
  await seedBaseline(handle.db);
  const config = loadConfig({ MASTHEAD_DATA: dataDir, LOG_LEVEL: 'silent', MASTHEAD_DEMO: 'false' });
  const ctx = await createAppContext(config, handle.db, { secret: 'bench-secret-'.padEnd(48, 'x') });
  const app = await buildApp(ctx);
  const password = 'a long enough bench password';
  const { user } = await provisionUser(handle.db, { email: 'desk@example.com', role: 'editor', name: 'Desk', password }, new Date());
  const pdf = await edition(pages);
  console.log(`edition: ${pages} pages, ${(pdf.length / 1024).toFixed(0)} KB of PDF`);
  let started = performance.now();
  const uploaded = await ctx.epaper.upload(actorOf(user), {
    name: 'Mumbai',
    date: '2026-11-24',
    publishAt: new Date(0),
    files: [{ bytes: pdf, truncated: false }],
  });
  if (!uploaded.ok) throw new Error(JSON.stringify(uploaded.errors));
  console.log(`upload (checked, stored): ${(performance.now() - started).toFixed(0)} ms`);
  started = performance.now();
  await ctx.epaper.renderEdition(uploaded.edition.id);
  const renderMs = performance.now() - started;
  const edition_ = await ctx.epaper.publishedById(uploaded.edition.id);
  if (!edition_) throw new Error('the edition did not render');
  console.log(
    `render: ${(renderMs / 1000).toFixed(1)} s for ${pages} pages (${(renderMs / pages).toFixed(0)} ms a page), ${(await ctx.epaper.regions(edition_)).length} regions`,
  );

  const signedIn = await ctx.accounts.signInWithPassword({
    email: 'desk@example.com',
    password,
    device: { kind: 'web', userAgent: 'bench' },
    origin: { networkKey: 'bench' },
  });
  if (!signedIn.ok || signedIn.value.status !== 'signed-in') throw new Error('could not sign in');
  const cookie = `mh_session=${signedIn.value.session.token}`;
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const at = performance.now();
    const res = await app.inject({ url: `/epaper/mumbai/2026-11-24/${(i % pages) + 1}`, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`page view answered ${res.statusCode}`);
    if (i >= 50) times.push(performance.now() - at);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  console.log(`page view (signed in, e-paper): median ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms over ${times.length} requests`);
  await app.close();
  await ctx.files.close();
} finally {
  await handle.close();
  await rm(dataDir, { recursive: true, force: true });
}
