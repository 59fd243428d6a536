#!/usr/bin/env node
import cluster from 'node:cluster';
import { constants, createReadStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { importArticles } from './domain/content/import.js';
import { seedBaseline, seedDemoArticles } from './domain/content/seed.js';
import { seedScaleArticles } from './bench/scale-queries.js';
import { openMigratedDatabase, prepareForServers, startServer } from './main.js';
import { holdHeapGrowth } from './server-memory.js';
import { superviseServers } from './server-processes.js';
import type { Db } from './domain/ports/database.js';
import { importProgress, reindexProgress } from './cli/progress.js';
import { readLines } from './cli/lines.js';
import { applySearchConfig, reindexAll } from './domain/search/service.js';
import { SUPPLIER_USAGE, supplierSettings } from './cli/supplier-settings.js';
import { planListing } from './cli/plan-list.js';
import { listActivePlans } from './domain/billing/plan-queries.js';
import type { Role } from './domain/accounts/model.js';
import { provisionUser } from './domain/accounts/provisioning.js';
import { DomainError } from './domain/errors.js';
import { newsletterCommand, NEWSLETTER_USAGE } from './cli/newsletter.js';

const USAGE = `Usage: masthead <command>

Commands:
  start [--demo]     migrate, seed an empty database, serve the site (PORT, default 3000; MASTHEAD_PROCESSES
                     server processes, default 1); --demo adds demo content, demo accounts and the test gateway,
                     on loopback only
  migrate            apply database migrations
  seed               write the demo sections, plans and articles
  seed --synthetic N write N generated filler articles (back to 1997) for benchmarks and scale trials, not a site
  import FILE.ndjson import articles, one JSON object per line (upsert by slug)
  reindex            rebuild every article's search document (after changing MASTHEAD_SEARCH_CONFIG)
  user create --email ADDRESS --role reader|editor|business|admin [--name NAME] [--password PASSWORD]
                     create a verified account (or change its role); prints a generated password
  plans              list the plans on sale, warning about any priced above the ₹15,000 e-mandate limit
  settings supplier [--name NAME --address "LINE | LINE" --state CODE --gstin GSTIN --series PREFIX]
                     show or set the publisher's identity new invoices carry (see MASTHEAD_SUPPLIER_*)
  newsletter send ISSUE | newsletter status ISSUE
                     send a newsletter issue here with a progress bar, or show its progress (sent, failed, left)

Configuration comes from the environment; see README.md.`;

/** Batches an import writes at once: on PostgreSQL each on its own connection (MASTHEAD_IMPORT_WRITERS); PGlite has one. */
function importWriters(config: Config): number {
  return config.databaseUrl ? config.importWriters : 1;
}

async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const handle = await openMigratedDatabase(config);
  try {
    return await work(handle.db);
  } finally {
    // An open PGlite keeps the event loop alive: always close it so the command exits.
    await handle.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      demo: { type: 'boolean' },
      address: { type: 'string' },
      state: { type: 'string' },
      gstin: { type: 'string' },
      series: { type: 'string' },
      synthetic: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  // `start --demo` (what `npm start` runs) is MASTHEAD_DEMO=true: the quick start's demo site, on loopback.
  const config = loadConfig(values.demo === true ? { ...process.env, MASTHEAD_DEMO: 'true' } : process.env);
  switch (command) {
    case 'start': {
      holdHeapGrowth();
      if (config.processes > 1 && cluster.isPrimary) {
        await prepareForServers(config, console.log);
        superviseServers({
          count: config.processes,
          log: console.log,
          ready: () =>
            console.log(
              `Masthead is running at ${config.publicUrl} in ${config.processes} processes (database: postgres, counters and meters: redis)`,
            ),
          failed: (reason) => console.error(`masthead start: ${reason}`),
        });
        return -1;
      }
      // One of several server processes says nothing of its start: the first process speaks for them all.
      const server = await startServer(config, cluster.isWorker ? () => undefined : console.log);
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        void server.stop().then(() => process.exit(0));
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
      return -1;
    }
    case 'migrate':
      return withDatabase(config, async () => {
        console.log('Database is up to date.');
        return 0;
      });
    case 'seed': {
      if ('synthetic' in values) {
        const count = typeof values.synthetic === 'string' ? Number(values.synthetic) : Number.NaN;
        if (!Number.isInteger(count) || count < 1 || count > 10_000_000) {
          console.error('masthead seed --synthetic: give a number of articles from 1 to 10000000, e.g. masthead seed --synthetic 100000');
          return 2;
        }
        return withDatabase(config, async (db) => {
          await seedBaseline(db);
          const started = Date.now();
          await seedScaleArticles(db, count, new Date());
          console.log(`Wrote ${count} synthetic articles in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
          return 0;
        });
      }
      return withDatabase(config, async (db) => {
        await seedBaseline(db);
        console.log(`Wrote ${await seedDemoArticles(db, new Date())} demo articles.`);
        return 0;
      });
    }
    case 'import': {
      const file = rest[0];
      if (!file) {
        console.error('masthead import: name an NDJSON file, e.g. masthead import articles.ndjson');
        return 2;
      }
      // A mistyped path fails at once, before the database is opened (or a new data folder created).
      await access(file, constants.R_OK);
      return withDatabase(config, async (db) => {
        // A new data folder has no sections yet, and every article names one: write the defaults (only into empty tables).
        await seedBaseline(db);
        const input = createReadStream(file);
        const progress = importProgress(process.stderr, input, (await stat(file)).size);
        const report = await importArticles(db, readLines(input), progress.update, { writers: importWriters(config) });
        progress.stop();
        for (const failure of report.failures) console.error(`line ${failure.line}: ${failure.reason}`);
        console.log(
          `Imported ${report.created + report.updated} of ${report.lines} lines: ${report.created} new, ${report.updated} updated, ${report.failures.length} failed.`,
        );
        return report.failures.length === 0 ? 0 : 1;
      });
    }
    case 'reindex':
      return withDatabase(config, async (db) => {
        const applied = await applySearchConfig(db, config.searchConfig);
        if (!applied)
          throw new ConfigError('MASTHEAD_SEARCH_CONFIG', `"${config.searchConfig}" is not a text search configuration of this database`);
        const progress = reindexProgress(process.stderr);
        const done = await reindexAll(db, progress.update);
        progress.stop();
        console.log(`Reindexed ${done} articles for search (configuration: ${applied.config}).`);
        return 0;
      });
    case 'user': {
      const { email, role, name, password } = values;
      if (rest[0] !== 'create' || typeof email !== 'string' || typeof role !== 'string') {
        console.error(
          'masthead user: usage: masthead user create --email ADDRESS --role reader|editor|business|admin [--name NAME] [--password PASSWORD]',
        );
        return 2;
      }
      return withDatabase(config, async (db) => {
        try {
          const result = await provisionUser(
            db,
            {
              email,
              role: role as Role,
              name: typeof name === 'string' ? name : undefined,
              password: typeof password === 'string' ? password : undefined,
            },
            new Date(),
          );
          console.log(`${result.created ? 'Created' : 'Updated'} ${result.user.email} (${result.user.role}).`);
          if (result.generatedPassword)
            console.log(`Password: ${result.generatedPassword}  (shown once; the user can change it at /account/password)`);
          return 0;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          console.error(`masthead user: ${error.message}`);
          return 2;
        }
      });
    }
    case 'plans':
      return withDatabase(config, async (db) => {
        for (const line of planListing(await listActivePlans(db))) console.log(line);
        return 0;
      });
    case 'settings':
      if (rest[0] !== 'supplier') {
        console.error(`masthead settings: usage: ${SUPPLIER_USAGE}`);
        return 2;
      }
      return withDatabase(config, (db) => supplierSettings(db, config, values, { log: console.log, error: console.error }));
    case 'newsletter':
      if (rest[0] !== 'send' && rest[0] !== 'status') {
        console.error(`masthead newsletter: usage: ${NEWSLETTER_USAGE}`);
        return 2;
      }
      return withDatabase(config, (db) =>
        newsletterCommand(config, db, rest, { log: console.log, error: console.error, stream: process.stderr }),
      );
    default:
      console.error(`masthead: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(`masthead: configuration error: ${error.message}`);
    else if ((error as NodeJS.ErrnoException).code === 'ENOENT') console.error(`masthead: ${(error as Error).message}`);
    // One line an operator can act on ("folder in use", "connection refused"); the stack only when asked for.
    else if (process.env.LOG_LEVEL === 'debug')
      console.error(`masthead: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    else console.error(`masthead: ${error instanceof Error ? error.message : String(error)} (LOG_LEVEL=debug shows details)`);
    process.exitCode = 1;
    // One of several server processes keeps a channel to the first one open, which would keep it alive.
    if (cluster.isWorker) process.exit();
  },
);
