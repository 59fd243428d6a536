import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { memoryCounters, redisCounters, type Counters } from './adapters/counters/counters.js';
import { memoryMeterStore } from './adapters/meters/memory.js';
import { redisMeterStore } from './adapters/meters/redis.js';
import { databaseMeterStore } from './domain/metering/anonymous-meter-queries.js';
import type { MeterStore } from './domain/ports/meter-store.js';
import type { Db } from './domain/ports/database.js';
import { openDatabase, type DatabaseHandle } from './adapters/db/database.js';
import { migrate } from './adapters/db/migrate.js';
import { openReadReplica, type ReadReplica } from './adapters/db/read-replica.js';
import { redactUrl } from './config/redact-url.js';
import { ConfigError, SUPPLIER_VARIABLES, type Config } from './config/config.js';
import { applySearchConfig, createSearchService } from './domain/search/service.js';
import { deriveKeys, resolveSecret, type Keys } from './config/secret.js';
import type { Plan } from './domain/billing/plans.js';
import type { FindReaders } from './domain/billing/readers.js';
import { findUsersByIds } from './domain/accounts/user-queries.js';
import { hasNoArticles, seedBaseline, seedDemoArticles } from './domain/content/seed.js';
import { createContentService } from './domain/content/service.js';
import { createNewsroomService } from './domain/content/newsroom-service.js';
import { createFrontPageService } from './domain/front-page/service.js';
import { createSectionsService } from './domain/sections/service.js';
import type { Copy } from './domain/copy/copy.js';
import { loadBusinessSettings } from './business-settings.js';
import { createMailer, readOutbox, type Mailer } from './adapters/email/mailer.js';
import { createAccountsService } from './domain/accounts/service.js';
import { deviceAllowances } from './domain/entitlements/allowances.js';
import { accountEmailTemplates } from './domain/accounts/emails.js';
import { DEMO_ACCOUNTS, seedDemoAccounts } from './domain/accounts/provisioning.js';
import { effectiveTimeZone, loadSiteSettings, publicationTag } from './domain/site/settings.js';
import { createSiteService } from './domain/site/site-service.js';
import { seedDemoSite } from './domain/site/demo.js';
import { createPartnerClaims } from './domain/partners/claims.js';
import { seedDemoPartner } from './domain/partners/demo.js';
import { createPartnerService } from './domain/partners/service.js';
import { partnerProvisioning } from './adapters/partners/code-pool.js';
import { ping } from './domain/site/queries.js';
import { CHANGES_CHANNEL } from './domain/site/changes.js';
import { createAuditLog } from './domain/audit/audit.js';
import { createReaderService } from './domain/access/readers.js';
import { createGiftLinkService } from './domain/gift-articles/links.js';
import { createGroupAccess } from './domain/groups/access.js';
import { buildApp } from './web/app.js';
import type { AppContext, Billing } from './context.js';
import { loadCrawlerRanges } from './web/http/crawlers.js';
import { createPaymentGateways } from './adapters/payments/index.js';
import type { BillingDeps } from './domain/billing/deps.js';
import { createBillingService } from './domain/billing/service.js';
import { createGiftService } from './domain/gifts/service.js';
import { isDemoSupplier, loadSupplier, saveSupplierIdentity } from './domain/billing/supplier.js';
import { createEpaperService } from './domain/epaper/service.js';
import { JOBS_CHANNEL, jobQueue } from './jobs/queries.js';
import { createNotifier, type Notifier } from './domain/notifications/notifications.js';
import type { JobQueue } from './domain/ports/job-queue.js';
import { createJobs, type JobServices } from './jobs/masthead-jobs.js';
import { openFileStore } from './adapters/files/index.js';
import { seedDemoImages } from './domain/content/demo-images.js';
import { createMediaService } from './domain/media/service.js';
import { createWireService } from './domain/wire/service.js';
import { createArticleWriter } from './domain/content/newsroom-service.js';
import { followArticleStatus } from './domain/wire/queries.js';
import { createFeedFetcher } from './adapters/wire/feed-fetcher.js';
import type { FileStore } from './domain/ports/files.js';
import { renderHelper } from './adapters/render-helper/render-helper.js';
import { createNewslettersService, seedDemoNewsletters } from './domain/newsletters/service.js';

/** Opens the configured database (PGlite in the data folder unless DATABASE_URL is set) and migrates it. */
export async function openMigratedDatabase(config: Config): Promise<DatabaseHandle> {
  const handle = await openDatabase({ url: config.databaseUrl, pgliteDir: join(config.dataDir, 'pglite') });
  try {
    await migrate(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/**
 * Where anonymous readers' meters live: Redis when several instances share one (REDIS_URL), else the
 * PostgreSQL server (DATABASE_URL), else this process's memory (the embedded database serves one process).
 */
async function openMeterStore(config: Config, db: Db): Promise<MeterStore> {
  if (config.redisUrl) return redisMeterStore(config.redisUrl);
  if (config.databaseUrl) return databaseMeterStore(db);
  return memoryMeterStore();
}

/** How billing finds a reader's email and name: through the accounts module, on billing's own transaction. */
export const findReaders: FindReaders = async (db, userIds) =>
  new Map((await findUsersByIds(db, userIds)).map((user) => [user.id, { email: user.email, name: user.name }]));

/** The configured payment gateways and the billing service over them. */
async function createBilling(
  config: Config,
  db: Db,
  options: {
    keys: Keys;
    /** The publisher's time zone as it is now (the settings may change it while the app runs). */
    timeZone: () => string;
    publication: () => string;
    publicationTag: string;
    copy: Copy;
    notifier: Notifier;
    jobs: JobQueue;
    mailer: Mailer;
    now: () => Date;
  },
): Promise<Billing> {
  const { now } = options;
  const payments = await createPaymentGateways({
    db,
    checkoutGateway: config.paymentGateway,
    razorpay: config.razorpay,
    stripe: config.stripe,
    publicUrl: config.publicUrl,
    timeZone: options.timeZone,
    publication: options.publication,
    publicationTag: options.publicationTag,
    testWebhookSecret: options.keys.webhook,
    now,
  });
  const deps: BillingDeps = {
    db,
    gateways: payments.gateways,
    checkoutGateway: config.paymentGateway,
    publicUrl: config.publicUrl,
    now,
    graceDays: config.graceDays,
    get timeZone() {
      return options.timeZone();
    },
    // Emails go out as notification jobs, queued in the transaction of the change they report.
    notify: (tx, template, data, uniqueKey) => options.notifier.notify(tx, { template, data, uniqueKey }),
    jobs: options.jobs,
    findReaders,
    renderInvoicePdf: async (invoice) => (await import('./adapters/pdf/invoice-pdf.js')).renderInvoicePdf(invoice),
    copy: options.copy,
    publication: options.publication,
  };
  return { service: createBillingService(deps), gifts: createGiftService({ ...deps, mailer: options.mailer }), deps, ...payments };
}

/** What the job runner needs from the app: its database, clock, services and every module's email templates. */
export function jobServices(ctx: AppContext, db: Db): JobServices {
  return {
    db,
    now: ctx.now,
    billing: ctx.billing,
    partners: ctx.partners.claims,
    mailer: ctx.mailer,
    templates: ctx.notifications.templates,
    epaper: ctx.epaper,
    newsletters: ctx.newsletters,
    wire: ctx.wire,
  };
}

/** Plans change rarely: read them once a minute at most, and again after a change is announced (`forget`). */
function cachedPlans(load: () => Promise<Plan[]>, now: () => number = Date.now) {
  let cache: { at: number; value: Promise<Plan[]> } | null = null;
  return {
    get(): Promise<Plan[]> {
      if (!cache || now() - cache.at > 60_000) {
        const value = load();
        cache = { at: now(), value };
        value.catch(() => (cache = null));
      }
      return cache.value;
    },
    forget() {
      cache = null;
    },
  };
}

/** Wires adapters and domain services into the web layer's context. */
export async function createAppContext(
  config: Config,
  db: Db,
  options: {
    counters?: Counters;
    meters?: MeterStore;
    mailer?: Mailer;
    files?: FileStore;
    now?: (() => Date) | undefined;
    secret?: string;
    /** A read replica for reads that tolerate lag (lists, search, sitemaps, feeds, the archive); default `db`. */
    readDb?: Db;
    /** The mailer newsletter issues go out through (default: `mailer`, else a pooled one for the configuration). */
    newsletterMailer?: Mailer;
  } = {},
): Promise<AppContext> {
  const reads = options.readDb ?? db;
  const secret = options.secret ?? (await resolveSecret(config.secretKey, config.dataDir));
  // The configured identity is what new invoices carry; issued ones keep the supplier stored in their row.
  if (config.supplier) await saveSupplierIdentity(db, config.supplier);
  const search = await applySearchConfig(db, config.searchConfig);
  if (!search) {
    throw new ConfigError(
      'MASTHEAD_SEARCH_CONFIG',
      `"${config.searchConfig}" is not a text search configuration of this database (\`select cfgname from pg_ts_config\` lists them; 'simple' suits any language)`,
    );
  }
  if (search.changed)
    console.warn(
      `Reader search now uses the "${search.config}" configuration: run \`masthead reindex\` to index the existing articles with it.`,
    );
  const now = options.now ?? (() => new Date());
  const keys = deriveKeys(secret);
  // Updated in place when the settings change (here or on another instance): pages read it at each request.
  const site = await loadSiteSettings(db);
  // The stored time zone wins over MASTHEAD_TIMEZONE; `policy.timeZone` follows a change at once (see onReload).
  const zoned: Config = { ...config, timeZone: effectiveTimeZone(site, config.timeZone) };
  // Copy, access policy and paywall settings: stored ones over the environment's, reloaded on every refresh.
  const business = await loadBusinessSettings(zoned, db);
  const { copy, policy } = business;
  const counters = options.counters ?? (config.redisUrl ? await redisCounters(config.redisUrl) : memoryCounters());
  const meters = options.meters ?? (await openMeterStore(config, db));
  const mailer =
    options.mailer ??
    createMailer({ smtpUrl: config.smtpUrl, outboxDir: join(config.dataDir, 'outbox'), from: config.mailFrom, dkim: config.dkim });
  // Issues go out over a few kept-open connections; the rate setting paces them (see the newsletters' sending).
  const newsletterMailer =
    options.newsletterMailer ??
    options.mailer ??
    createMailer({
      smtpUrl: config.smtpUrl,
      outboxDir: join(config.dataDir, 'outbox'),
      from: config.mailFrom,
      dkim: config.dkim,
      pool: { maxConnections: 4 },
    });
  const jobs = jobQueue(now);
  const notifier = createNotifier(jobs);
  const publication = () => site.publicationName;
  const billing = await createBilling(config, db, {
    keys,
    timeZone: () => policy.timeZone,
    publication,
    publicationTag: await publicationTag(db, site.publicationName),
    copy,
    notifier,
    jobs,
    mailer,
    now,
  });
  const content = createContentService(db, {
    lead: business.paywall.lead,
    timeZone: () => policy.timeZone,
    now,
    images: (ids) => media.views(ids),
    defaultImageId: () => site.defaultImageId,
    reads,
  });
  const plans = cachedPlans(() => billing.service.activePlans());
  const settings = createSiteService({
    db,
    site,
    publicUrl: config.publicUrl,
    demo: config.demo,
    imageExists: async (id) => (await media.views([id])).has(id),
    onChange: () => refresh(),
    onReload: (changed) => {
      // Dates on pages, the editor's scheduling and the meter's month follow the stored time zone at once.
      policy.timeZone = effectiveTimeZone(changed, config.timeZone);
    },
  });
  const groups = createGroupAccess(db, now);
  await groups.network.reload();
  const wire = createWireService({
    db,
    now,
    fetcher: createFeedFetcher({ allowPrivateHosts: config.wire.allowPrivateHosts }),
    writer: createArticleWriter({ db, now, onChange: () => refresh() }),
    onChange: () => refresh(),
    credentials: (code) => config.wire.credentials[code] ?? { token: null, secret: null },
    mailer,
    alertRecipients: () => (config.wire.alertEmails.length > 0 ? config.wire.alertEmails : site.contactEmail ? [site.contactEmail] : []),
    publication,
    publicUrl: config.publicUrl,
  });
  // A wire agency's licence may keep its stories out of the premium archive: the policy carries their provenances.
  const applyWireRules = async () => {
    policy.archiveExemptProvenances = await wire.archiveExemptProvenances();
  };
  await applyWireRules();
  const searches = createSearchService(reads, search.config, config.searchTimeoutMs);
  const refresh = async () => {
    content.invalidate();
    searches.forget();
    plans.forget();
    await business.reload();
    await applyWireRules();
    await settings.reload();
    await groups.network.reload();
  };
  const files = options.files ?? (await openFileStore(config.files));
  // sharp, pdf.js and its canvas run in a helper process: the server never loads them (render-helper.ts).
  const renderer = renderHelper();
  const media = createMediaService({
    db,
    files,
    codec: renderer.codec,
    now,
    onChange: refresh,
  });
  const partnerDeps = { db, now, timeZone: () => policy.timeZone, provisioners: partnerProvisioning() };
  const newsletters = createNewslettersService({
    db,
    now,
    key: keys.newsletter,
    publicUrl: config.publicUrl,
    publication,
    timeZone: () => policy.timeZone,
    policy,
    notifier,
    jobs,
    mailer: newsletterMailer,
    content,
    rate: () => config.newsletterRate,
    counting: () => config.newsletterCounting,
  });
  return {
    config,
    keys,
    content,
    search: searches,
    newsroom: createNewsroomService({
      db,
      now,
      onChange: refresh,
      afterSave: (tx, saved) => followArticleStatus(tx, saved.id, saved.status, now()),
    }),
    media,
    files,
    renderer,
    sections: createSectionsService({ db, now, onChange: refresh, catalogue: business.catalogue }),
    frontPage: createFrontPageService({ db, onChange: refresh }),
    copy,
    site,
    settings,
    audit: createAuditLog(db),
    plans: () => plans.get(),
    counters,
    meters,
    readers: createReaderService({ db, counters, meters, policy }),
    gifts: createGiftLinkService({ db, key: keys.gift, now, timeZone: () => policy.timeZone, monthlyCap: () => site.giftArticlesMonthly }),
    groups,
    health: () => ping(db),
    mailer,
    outbox: (limit) => readOutbox(join(config.dataDir, 'outbox'), limit),
    accounts: createAccountsService({
      db,
      notifier,
      copy,
      counters,
      codeKey: keys.session,
      now,
      publicUrl: config.publicUrl,
      publication: site.publicationName,
      deviceLimit: config.deviceLimit,
      // A reader's device limit is the largest device allowance among their grants, by the catalogue's number.
      devices: deviceAllowances(business.catalogue),
      // A deleted reader must never be charged again: billing stops their subscriptions before anything is erased.
      subscriptions: { stopSubscriptionsOf: (userId) => billing.service.stopSubscriptionsOf(userId) },
      files,
    }),
    billing,
    partners: { service: createPartnerService(partnerDeps), claims: createPartnerClaims(partnerDeps) },
    notifications: {
      notifier,
      templates: { ...accountEmailTemplates(copy, publication), ...billing.service.emailTemplates, ...newsletters.templates },
    },
    newsletters,
    newsletterMailer,
    crawlers: await loadCrawlerRanges(config.crawlerRangeFiles),
    policy,
    business,
    now,
    refresh,
    epaper: createEpaperService({
      db,
      searchConfig: search.config,
      searchTimeoutMs: config.searchTimeoutMs,
      files,
      pdf: renderer.pdf,
      codec: renderer.codec,
      jobs,
      now,
      key: keys.epaper,
      timeZone: () => policy.timeZone,
      monthlyShares: () => site.giftArticlesMonthly,
    }),
    wire,
  };
}

/**
 * Follows the changes other instances announce (and this one's own): each refreshes `ctx`. Resolves to a
 * function that stops following.
 */
export function followChanges(handle: Pick<DatabaseHandle, 'listen'>, ctx: Pick<AppContext, 'refresh'>): Promise<() => Promise<void>> {
  return handle.listen(CHANGES_CHANNEL, () => void ctx.refresh());
}

/** Seeds what an empty database needs; demo articles too when the demo is on. Returns whether it wrote articles. */
export async function prepareContent(config: Config, db: Db, log: (line: string) => void): Promise<boolean> {
  await seedBaseline(db);
  if (!config.demo) return false;
  const seeded = await hasNoArticles(db);
  await seedDemoSite(db);
  if (await seedDemoPartner(db, new Date())) log('Seeded the demo partner bundle and its activation codes (/admin/partners).');
  if (await seedDemoNewsletters(db)) log('Seeded the demo newsletters: Markets, Finance, Politics and Tech (/newsletters).');
  if (seeded) log(`Seeded ${await seedDemoArticles(db, new Date())} demo articles.`);
  const accounts = await seedDemoAccounts(db, new Date());
  if (accounts.status === 'skipped') {
    log(
      `Demo accounts not created: this database already holds ${accounts.otherAccounts} other account(s), so it is not a demo database and their published passwords have no place in it.`,
    );
  } else {
    log('Demo accounts (sign in at /login):');
    for (const a of DEMO_ACCOUNTS) log(`  ${a.name.padEnd(16)} ${a.email.padEnd(32)} password: ${a.password}`);
  }
  log(`Emails are written to ${join(config.dataDir, 'outbox')} and shown at ${config.publicUrl}/dev/outbox`);
  return seeded;
}

/**
 * Draws the demo's pictures into the image library and gives them to its stories (once per database: see
 * `seedDemoImages`), then refreshes the pages. A failure is reported and leaves the demo without pictures.
 */
export async function drawDemoImages(ctx: AppContext, db: Db, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const started = performance.now();
  try {
    const done = await seedDemoImages({
      db,
      media: ctx.media,
      rasterize: ctx.renderer.rasterize,
      now: ctx.now(),
      signal,
    });
    if (!done) return;
    await ctx.refresh();
    log(`Drew ${done.images} demo images for ${done.articles} stories in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } catch (error) {
    log(`The demo images could not be drawn: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    // The pictures are a batch: its helper process (and the memory drawing took) goes now, not after its idle time.
    ctx.renderer.endIfIdle();
  }
}

/**
 * Refuses to take real payments in the demo company's name: with Razorpay or Stripe configured, the invoices are
 * real tax invoices, so the publisher's identity must be configured or stored (the test gateway and the demo
 * keep the demo identity).
 */
export async function refuseDemoSupplierWhenLive(config: Config, db: Db): Promise<void> {
  const live = config.razorpay ? 'RAZORPAY_KEY_ID' : config.stripe ? 'STRIPE_SECRET_KEY' : null;
  if (!live || !isDemoSupplier(await loadSupplier(db))) return;
  throw new ConfigError(
    live,
    `a live gateway issues real tax invoices, but the publisher's identity is still the demo one: set ${Object.values(SUPPLIER_VARIABLES).join(', ')} (or run \`masthead settings supplier\`)`,
  );
}

/**
 * Opens the read replica (DATABASE_READ_URL) and says where reads go. One that does not answer at start is not fatal:
 * reads go to the primary and the replica is tried again every few seconds.
 */
async function openReplica(replicaUrl: string, primaryUrl: string, log: (line: string) => void): Promise<ReadReplica> {
  const replica = openReadReplica({ replicaUrl, primaryUrl, log });
  await ping(replica.db).catch(() => undefined);
  log(
    `Reads that tolerate replica lag (lists, search, sitemaps, feeds, archive) go to ${redactUrl(replicaUrl)} (now: ${replica.target()}).`,
  );
  return replica;
}

/**
 * What every start does before serving: migrate, keep the supplier identity, refuse the demo identity on a live
 * gateway, seed an empty database. Returns the database, open.
 */
async function prepareDatabase(config: Config, log: (line: string) => void): Promise<DatabaseHandle> {
  const handle = await openMigratedDatabase(config);
  let seeded: boolean;
  try {
    if (config.supplier) await saveSupplierIdentity(handle.db, config.supplier);
    await refuseDemoSupplierWhenLive(config, handle.db);
    seeded = await prepareContent(config, handle.db, log);
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (!seeded || handle.engine !== 'pglite') return handle;
  // PGlite's WASM heap never shrinks: reopening after writing the demo content halves the server's memory.
  await handle.close();
  return openMigratedDatabase(config);
}

/**
 * Before several server processes start (server-processes.ts): the database prepared and the secret key made once, so
 * they neither race to migrate and seed nor each generate a key of their own.
 */
export async function prepareForServers(config: Config, log: (line: string) => void): Promise<void> {
  await (await prepareDatabase(config, log)).close();
  await resolveSecret(config.secretKey, config.dataDir);
}

/** `masthead start`: migrate, seed when empty, listen. Returns the running app and a stop function. */
export async function startServer(
  config: Config,
  log: (line: string) => void = console.log,
): Promise<{ app: FastifyInstance; stop: () => Promise<void> }> {
  const handle = await prepareDatabase(config, log);
  const replica = config.databaseReadUrl && config.databaseUrl ? await openReplica(config.databaseReadUrl, config.databaseUrl, log) : null;
  const ctx = await createAppContext(config, handle.db, replica ? { readDb: replica.db } : {});
  const app = await buildApp(ctx);
  const jobs = createJobs(jobServices(ctx, handle.db));
  const unlisten = await handle.listen(JOBS_CHANNEL, jobs.wake);
  const unfollow = await followChanges(handle, ctx);
  const stopDrawing = new AbortController();
  let drawing: Promise<void> = Promise.resolve();
  const stop = async () => {
    stopDrawing.abort();
    await drawing;
    await unlisten();
    await unfollow();
    await jobs.stop();
    await app.close();
    await ctx.counters.close();
    await ctx.meters.close();
    await ctx.mailer.close();
    if (ctx.newsletterMailer !== ctx.mailer) await ctx.newsletterMailer.close();
    await ctx.files.close();
    await ctx.renderer.close();
    await replica?.close();
    await handle.close();
  };
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // A start that cannot listen (the port is taken) lets go of what it opened, so the process ends with its error.
    await stop();
    throw error;
  }
  await jobs.start();
  // Drawn after the site is up: encoding the pictures takes seconds the first start should not wait for.
  if (config.demo) drawing = drawDemoImages(ctx, handle.db, log, stopDrawing.signal);
  log(`Masthead is running at ${config.publicUrl} (database: ${handle.engine}${config.redisUrl ? ', counters and meters: redis' : ''})`);
  return { app, stop };
}
