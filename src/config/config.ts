import { isAbsolute, join, resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import { DEFAULT_SUPPLIER } from '../domain/billing/invoice-model.js';
import { checkSupplierIdentity, type SupplierIdentity, type SupplierIdentityField } from '../domain/billing/supplier-identity.js';

/** Everything Masthead reads from the environment, validated once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; null → embedded PGlite in `dataDir/pglite`. */
  databaseUrl: string | null;
  /**
   * A PostgreSQL read replica (DATABASE_READ_URL) for reads that tolerate replica lag: lists, search, sitemaps, feeds,
   * the archive. Only with DATABASE_URL; null → every read goes to the primary.
   */
  databaseReadUrl: string | null;
  /** Batches `masthead import` writes at once into PostgreSQL, each on its own connection (MASTHEAD_IMPORT_WRITERS). */
  importWriters: number;
  /** Server processes `masthead start` runs (MASTHEAD_PROCESSES): more than one needs PostgreSQL and Redis. */
  processes: number;
  redisUrl: string | null;
  publicUrl: string;
  /** From SECRET_KEY; null → generated once and kept in the data folder (see secret.ts). */
  secretKey: string | null;
  freeLimit: number;
  timeZone: string;
  /** Metered reads per network prefix per month for anonymous readers. */
  networkBudget: number;
  /** How much of a gated article shows above the paywall: blocks (paragraphs, list items, table rows…) and words. */
  lead: { blocks: number; words: number };
  /** Addresses/CIDRs of reverse proxies whose X-Forwarded-For is trusted. */
  trustedProxies: string[];
  /** JSON files of crawler IP ranges in the format search engines publish. */
  crawlerRangeFiles: string[];
  /** Seed demo content and accounts into an empty database; also shows /dev/outbox. */
  demo: boolean;
  /** SMTP server for outgoing email; null → messages are written to the outbox folder in `dataDir`. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Devices (sessions) an account may have signed in at once, unless the account or its plan says otherwise. */
  deviceLimit: number;
  /** Extra free articles a month for registered readers; above 0 it turns on the registration wall. */
  registrationBonus: number;
  /** The gateway new checkouts use: the built-in test gateway (demo default), Razorpay or Stripe; null = none. */
  paymentGateway: 'test' | 'razorpay' | 'stripe' | null;
  /** Days a reader keeps access after a failed renewal while reminders go out. */
  graceDays: number;
  razorpay: { keyId: string; keySecret: string; webhookSecret: string; apiUrl: string | null } | null;
  stripe: { secretKey: string; webhookSecret: string; apiUrl: string | null } | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /**
   * The publisher's legal identity printed on new invoices (MASTHEAD_SUPPLIER_*, MASTHEAD_INVOICE_SERIES), stored as
   * the `supplier` setting at start; null → whatever is stored, else the demo's invented company.
   */
  supplier: SupplierIdentity | null;
  /** Where files (image renditions, uploaded originals) are kept: a folder, or a bucket of an S3-compatible store. */
  files: FilesConfig;
  /** The bearer token an edge proxy reads the group access IP allow-list with (MASTHEAD_EDGE_TOKEN); null: staff tokens only. */
  edgeToken: string | null;
  /**
   * The text-search configuration of reader search (MASTHEAD_SEARCH_CONFIG, default `english`; `simple` suits any
   * language). Its form is checked here, its existence in pg_ts_config at start (createAppContext).
   */
  searchConfig: string;
  /** Searches one reader may run a minute: per account when signed in, else per address (MASTHEAD_SEARCH_RATE). */
  searchRate: number;
  /** Longest a search's query may run before the reader is asked to narrow it (MASTHEAD_SEARCH_TIMEOUT_MS). */
  searchTimeoutMs: number;
  /** DKIM signing of outgoing email (MASTHEAD_DKIM_DOMAIN, _SELECTOR, _PRIVATE_KEY: all three or none); null: unsigned. */
  dkim: { domainName: string; keySelector: string; privateKey: string } | null;
  /** Newsletter messages per second the SMTP provider allows (MASTHEAD_NEWSLETTER_RATE, default 20). */
  newsletterRate: number;
  /** First-party newsletter open and click counts per issue and link (MASTHEAD_NEWSLETTER_COUNTING, default false). */
  newsletterCounting: boolean;
  /** Wire agencies' credentials and the wire's settings (MASTHEAD_WIRE_*): see docs/wire.md. */
  wire: WireConfig;
}

export interface WireConfig {
  /** Fetch feeds from loopback and private-network addresses (MASTHEAD_WIRE_ALLOW_PRIVATE_HOSTS): off, as a guard against SSRF. */
  allowPrivateHosts: boolean;
  /** Who is emailed when a feed stops delivering (MASTHEAD_WIRE_ALERT_EMAIL, comma-separated). */
  alertEmails: string[];
  /** Per agency code: the bearer token its feed is fetched with (MASTHEAD_WIRE_<CODE>_TOKEN) and the webhook secret (…_SECRET). */
  credentials: Record<string, { token: string | null; secret: string | null }>;
}

/** The files port's adapter: `<MASTHEAD_DATA>/files` unless S3_BUCKET names a bucket. */
export type FilesConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      /** null → AWS S3 itself, in `region`. */
      endpoint: string | null;
      region: string;
      accessKeyId: string | null;
      secretAccessKey: string | null;
      forcePathStyle: boolean;
      /** Put before every key ('' or ending in `/`). */
      prefix: string;
    };

/** A bad environment value: the message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** A value as it may appear in a ConfigError: quoted, with line breaks escaped so the message stays one line. */
const quote = (value: string): string => JSON.stringify(value);

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got ${quote(raw)}`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got ${parsed.protocol}`);
  }
  return raw;
}

function timeZone(env: Env): string {
  const zone = env.MASTHEAD_TIMEZONE || 'Asia/Kolkata';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new ConfigError('MASTHEAD_TIMEZONE', `unknown time zone ${quote(zone)}`);
  }
  return zone;
}

function proxies(env: Env): string[] {
  const list = (env.MASTHEAD_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of list) {
    const valid = entry.includes('/') ? safe(() => ipaddr.parseCIDR(entry)) : ipaddr.isValid(entry);
    if (!valid) throw new ConfigError('MASTHEAD_TRUSTED_PROXIES', `${quote(entry)} is not an IP address or CIDR range`);
  }
  return list;
}

function safe(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const dataDir = env.MASTHEAD_DATA ? resolvePath(env.MASTHEAD_DATA, cwd) : resolve(cwd, 'data');
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const secretKey = env.SECRET_KEY || null;
  if (secretKey !== null && secretKey.length < 32) {
    throw new ConfigError('SECRET_KEY', 'must be at least 32 characters (e.g. `openssl rand -hex 32`)');
  }
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}`);
  // The demo publishes its passwords and every email it sends, so it runs only when asked for, and only
  // where nobody else can reach it, unless a second flag says that is meant.
  const demo = flag(env, 'MASTHEAD_DEMO');
  const demoPublic = flag(env, 'MASTHEAD_DEMO_PUBLIC');
  const host = env.HOST || (demo ? '127.0.0.1' : '0.0.0.0');
  if (demo && !demoPublic && (!isLoopback(host) || publicUrl.startsWith('https:'))) {
    throw new ConfigError(
      'MASTHEAD_DEMO',
      'the demo shows its passwords and emails to anyone, so it runs only on a loopback HOST with an http PUBLIC_URL (set MASTHEAD_DEMO_PUBLIC=true to run it elsewhere on purpose)',
    );
  }
  return {
    port,
    host,
    dataDir,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseReadUrl: databaseReadUrl(env),
    importWriters: integer(env, 'MASTHEAD_IMPORT_WRITERS', 4, 1, 16),
    processes: processes(env, demo),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    publicUrl: publicUrl.replace(/\/+$/, ''),
    secretKey,
    freeLimit: integer(env, 'MASTHEAD_FREE_LIMIT', 10, 0, 100),
    timeZone: timeZone(env),
    networkBudget: integer(env, 'MASTHEAD_NETWORK_BUDGET', 300, 1, 10_000_000),
    lead: { blocks: integer(env, 'MASTHEAD_LEAD_BLOCKS', 2, 0, 20), words: integer(env, 'MASTHEAD_LEAD_WORDS', 120, 0, 2000) },
    trustedProxies: proxies(env),
    crawlerRangeFiles: (env.MASTHEAD_CRAWLER_RANGES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((p) => resolvePath(p, cwd)),
    demo,
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: mailFrom(env),
    deviceLimit: integer(env, 'MASTHEAD_DEVICE_LIMIT', 5, 1, 100),
    registrationBonus: integer(env, 'MASTHEAD_REGISTRATION_BONUS', 0, 0, 100),
    ...payments(env, demo),
    logLevel,
    supplier: supplier(env),
    files: files(env, dataDir),
    edgeToken: edgeToken(env),
    searchConfig: searchConfig(env),
    searchRate: integer(env, 'MASTHEAD_SEARCH_RATE', 60, 1, 1_000_000),
    searchTimeoutMs: integer(env, 'MASTHEAD_SEARCH_TIMEOUT_MS', 2_000, 100, 600_000),
    dkim: dkim(env),
    newsletterRate: integer(env, 'MASTHEAD_NEWSLETTER_RATE', 20, 1, 10_000),
    newsletterCounting: flag(env, 'MASTHEAD_NEWSLETTER_COUNTING'),
    wire: wire(env),
  };
}

/**
 * Several server processes share one PostgreSQL database and one Redis: the embedded database belongs to one process,
 * and without Redis each process would keep its own rate limits and network budgets, multiplying what they allow.
 */
function processes(env: Env, demo: boolean): number {
  const count = integer(env, 'MASTHEAD_PROCESSES', 1, 1, 64);
  if (count === 1) return count;
  if (demo) throw new ConfigError('MASTHEAD_PROCESSES', 'the demo runs as one process; leave MASTHEAD_PROCESSES unset with --demo');
  if (!env.DATABASE_URL)
    throw new ConfigError(
      'MASTHEAD_PROCESSES',
      'several server processes need DATABASE_URL: the embedded database (PGlite) belongs to one process',
    );
  if (!env.REDIS_URL)
    throw new ConfigError(
      'MASTHEAD_PROCESSES',
      'several server processes need REDIS_URL, so that they share rate limits and network budgets (each would otherwise keep its own)',
    );
  return count;
}

/** A read replica needs a PostgreSQL primary: the embedded database (PGlite) has no replicas. */
function databaseReadUrl(env: Env): string | null {
  const read = url(env, 'DATABASE_READ_URL', ['postgres:', 'postgresql:']);
  if (read !== null && !env.DATABASE_URL) {
    throw new ConfigError(
      'DATABASE_READ_URL',
      'a read replica needs DATABASE_URL (its PostgreSQL primary); the embedded database (PGlite) has no replicas',
    );
  }
  return read;
}

/** The DKIM key: a domain, a selector and a PEM private key (its newlines may be written as \\n), or none at all. */
function dkim(env: Env): Config['dkim'] {
  const domainName = env.MASTHEAD_DKIM_DOMAIN?.trim() ?? '';
  const keySelector = env.MASTHEAD_DKIM_SELECTOR?.trim() ?? '';
  const privateKey = (env.MASTHEAD_DKIM_PRIVATE_KEY ?? '').replace(/\\n/g, '\n').trim();
  if (!domainName && !keySelector && !privateKey) return null;
  if (!domainName) throw new ConfigError('MASTHEAD_DKIM_DOMAIN', 'missing (needed with the other MASTHEAD_DKIM_* variables)');
  if (!keySelector) throw new ConfigError('MASTHEAD_DKIM_SELECTOR', 'missing (needed with the other MASTHEAD_DKIM_* variables)');
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i.test(domainName))
    throw new ConfigError('MASTHEAD_DKIM_DOMAIN', `expected a domain like example.com, got ${quote(domainName)}`);
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/i.test(keySelector))
    throw new ConfigError('MASTHEAD_DKIM_SELECTOR', `expected a selector like mail2026, got ${quote(keySelector)}`);
  if (!/^-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----$/.test(privateKey))
    throw new ConfigError('MASTHEAD_DKIM_PRIVATE_KEY', 'expected a PEM private key (-----BEGIN PRIVATE KEY----- …)');
  return { domainName, keySelector, privateKey };
}

/** The wire's variables; an agency's credentials are MASTHEAD_WIRE_<CODE>_TOKEN and MASTHEAD_WIRE_<CODE>_SECRET. */
function wire(env: Env): WireConfig {
  const credentials: WireConfig['credentials'] = {};
  for (const [name, value] of Object.entries(env)) {
    const match = /^MASTHEAD_WIRE_([A-Z][A-Z0-9]{1,15})_(TOKEN|SECRET)$/.exec(name);
    if (!match || !value?.trim()) continue;
    const [, code = '', kind] = match;
    const entry = (credentials[code] ??= { token: null, secret: null });
    if (kind === 'SECRET') {
      if (value.trim().length < 32) throw new ConfigError(name, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)');
      entry.secret = value.trim();
    } else entry.token = value.trim();
  }
  const alertEmails = (env.MASTHEAD_WIRE_ALERT_EMAIL ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = alertEmails.find((e) => !/^[^\s@<>]+@[^\s@<>]+$/.test(e));
  if (bad) throw new ConfigError('MASTHEAD_WIRE_ALERT_EMAIL', `${quote(bad)} is not an email address`);
  return { allowPrivateHosts: flag(env, 'MASTHEAD_WIRE_ALLOW_PRIVATE_HOSTS'), alertEmails, credentials };
}

/** A configuration's name, optionally schema-qualified: `english`, `simple`, `public.hinglish`. */
function searchConfig(env: Env): string {
  const name = env.MASTHEAD_SEARCH_CONFIG?.trim() || 'english';
  if (!/^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$/i.test(name))
    throw new ConfigError(
      'MASTHEAD_SEARCH_CONFIG',
      `${JSON.stringify(name)} is not a text search configuration's name (e.g. english, simple, hindi)`,
    );
  return name.toLowerCase();
}

/** A long random secret, or unset: a short one could be guessed, and the list names institutions. */
function edgeToken(env: Env): string | null {
  const token = env.MASTHEAD_EDGE_TOKEN?.trim() ?? '';
  if (token === '') return null;
  if (token.length < 32 || /\s/.test(token))
    throw new ConfigError('MASTHEAD_EDGE_TOKEN', 'must be at least 32 characters without spaces (e.g. `openssl rand -hex 32`)');
  return token;
}

const S3_VARIABLES = ['S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX'];

/** The files adapter: a bucket when S3_BUCKET is set (the other S3_* variables need it), else the data folder. */
function files(env: Env, dataDir: string): FilesConfig {
  const bucket = env.S3_BUCKET?.trim() ?? '';
  if (!bucket) {
    const stray = S3_VARIABLES.find((name) => env[name]);
    if (stray) throw new ConfigError(stray, 'set S3_BUCKET too (without it, files are kept in the data folder)');
    return { kind: 'local', dir: join(dataDir, 'files') };
  }
  // AWS's rules for bucket names, which the S3-compatible stores follow.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new ConfigError(
      'S3_BUCKET',
      `expected a bucket name (3 to 63 lower-case letters, digits, dots and hyphens), got ${quote(bucket)}`,
    );
  }
  const keyId = env.S3_ACCESS_KEY_ID || null;
  const secret = env.S3_SECRET_ACCESS_KEY || null;
  if (keyId && !secret) throw new ConfigError('S3_SECRET_ACCESS_KEY', 'missing (needed with S3_ACCESS_KEY_ID)');
  if (secret && !keyId) throw new ConfigError('S3_ACCESS_KEY_ID', 'missing (needed with S3_SECRET_ACCESS_KEY)');
  const region = env.S3_REGION?.trim() || 'us-east-1';
  if (!/^[a-z0-9-]{1,40}$/.test(region))
    throw new ConfigError('S3_REGION', `expected a region like eu-west-1 or auto, got ${quote(region)}`);
  const prefix = env.S3_PREFIX?.trim() ?? '';
  if (prefix && !/^([a-z0-9._-]+\/)+$/.test(prefix)) {
    throw new ConfigError('S3_PREFIX', `expected lower-case folder names each ending in "/", like "masthead/", got ${quote(prefix)}`);
  }
  return {
    kind: 's3',
    bucket,
    endpoint: url(env, 'S3_ENDPOINT', ['http:', 'https:']),
    region,
    accessKeyId: keyId,
    secretAccessKey: secret,
    forcePathStyle: flag(env, 'S3_FORCE_PATH_STYLE'),
    prefix,
  };
}

/** A true/false variable; unset means false. */
function flag(env: Env, name: string): boolean {
  const value = env[name] || 'false';
  if (value !== 'true' && value !== 'false') throw new ConfigError(name, 'expected true or false');
  return value === 'true';
}

/** True for an address only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const address = host.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';
}

function mailFrom(env: Env): string {
  const from = env.MAIL_FROM || 'The Daily Ledger <no-reply@localhost>';
  const address = /^([^<>@]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;
  if (!address.test(from.trim())) throw new ConfigError('MAIL_FROM', 'expected an address like "Name <news@example.com>"');
  return from;
}

function payments(env: Env, demo: boolean): Pick<Config, 'paymentGateway' | 'graceDays' | 'razorpay' | 'stripe'> {
  const razorpay = env.RAZORPAY_KEY_ID
    ? {
        keyId: env.RAZORPAY_KEY_ID,
        keySecret: required(env, 'RAZORPAY_KEY_SECRET', 'needed with RAZORPAY_KEY_ID'),
        webhookSecret: required(env, 'RAZORPAY_WEBHOOK_SECRET', 'needed with RAZORPAY_KEY_ID'),
        apiUrl: url(env, 'RAZORPAY_API_URL', ['http:', 'https:']),
      }
    : null;
  const stripe = env.STRIPE_SECRET_KEY
    ? {
        secretKey: env.STRIPE_SECRET_KEY,
        webhookSecret: required(env, 'STRIPE_WEBHOOK_SECRET', 'needed with STRIPE_SECRET_KEY'),
        apiUrl: url(env, 'STRIPE_API_URL', ['http:', 'https:']),
      }
    : null;
  const chosen = env.MASTHEAD_PAYMENT_GATEWAY || (demo ? 'test' : '');
  if (chosen !== '' && chosen !== 'test' && chosen !== 'razorpay' && chosen !== 'stripe') {
    throw new ConfigError('MASTHEAD_PAYMENT_GATEWAY', 'expected test, razorpay or stripe');
  }
  if (chosen === 'razorpay' && !razorpay)
    throw new ConfigError('MASTHEAD_PAYMENT_GATEWAY', 'razorpay needs RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET');
  if (chosen === 'stripe' && !stripe)
    throw new ConfigError('MASTHEAD_PAYMENT_GATEWAY', 'stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
  return { paymentGateway: chosen === '' ? null : chosen, graceDays: integer(env, 'MASTHEAD_GRACE_DAYS', 7, 0, 60), razorpay, stripe };
}

/** The environment variable of each part of the publisher's identity. */
export const SUPPLIER_VARIABLES: Record<SupplierIdentityField, string> = {
  name: 'MASTHEAD_SUPPLIER_NAME',
  address: 'MASTHEAD_SUPPLIER_ADDRESS',
  state: 'MASTHEAD_SUPPLIER_STATE',
  gstin: 'MASTHEAD_SUPPLIER_GSTIN',
  invoiceSeries: 'MASTHEAD_INVOICE_SERIES',
};

/** All of the identity or none of it: half an identity would print a mix of the publisher and the demo company. */
function supplier(env: Env): SupplierIdentity | null {
  const fields = Object.keys(SUPPLIER_VARIABLES) as SupplierIdentityField[];
  const set = fields.filter((field) => env[SUPPLIER_VARIABLES[field]]?.trim());
  if (set.length === 0) return null;
  const missing = fields.filter((field) => !set.includes(field)).map((field) => SUPPLIER_VARIABLES[field]);
  if (missing.length > 0) {
    throw new ConfigError(
      missing[0] as string,
      `missing: the publisher's identity is all of ${Object.values(SUPPLIER_VARIABLES).join(', ')} or none (unset: ${missing.join(', ')})`,
    );
  }
  const value = (field: SupplierIdentityField): string => env[SUPPLIER_VARIABLES[field]] ?? '';
  const checked = checkSupplierIdentity(
    { name: value('name'), address: value('address'), state: value('state'), gstin: value('gstin'), invoiceSeries: value('invoiceSeries') },
    DEFAULT_SUPPLIER.creditNoteSeries,
  );
  if (!checked.ok) throw new ConfigError(SUPPLIER_VARIABLES[checked.field], checked.problem);
  return checked.value;
}

function required(env: Env, name: string, why: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(name, `missing (${why})`);
  return value;
}

function resolvePath(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
