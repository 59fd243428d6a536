import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const CWD = '/srv/masthead';

/** The error loadConfig throws for `env`, or fails the test when it throws none. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('runs with nothing set: sensible defaults for a first start', () => {
    expect(loadConfig({}, CWD)).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: '/srv/masthead/data',
      databaseUrl: null,
      redisUrl: null,
      publicUrl: 'http://localhost:3000',
      secretKey: null,
      freeLimit: 10,
      timeZone: 'Asia/Kolkata',
      networkBudget: 300,
      searchRate: 60,
      searchTimeoutMs: 2000,
      lead: { blocks: 2, words: 120 },
      trustedProxies: [],
      crawlerRangeFiles: [],
      demo: false,
      paymentGateway: null,
      logLevel: 'info',
    });
  });

  it('is a production set-up unless the demo is asked for: no demo, no test gateway, on any engine', () => {
    expect(loadConfig({}, CWD)).toMatchObject({ demo: false, paymentGateway: null, host: '0.0.0.0' });
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db.internal/masthead' }, CWD)).toMatchObject({ demo: false, paymentGateway: null });
    // A staging site may take test payments on purpose without the rest of the demo.
    expect(loadConfig({ MASTHEAD_PAYMENT_GATEWAY: 'test' }, CWD)).toMatchObject({ demo: false, paymentGateway: 'test' });
  });

  it('runs the demo only on loopback with an http address, unless MASTHEAD_DEMO_PUBLIC says it is meant', () => {
    expect(loadConfig({ MASTHEAD_DEMO: 'true' }, CWD)).toMatchObject({ demo: true, host: '127.0.0.1', paymentGateway: 'test' });
    expect(loadConfig({ MASTHEAD_DEMO: 'true', HOST: '::1' }, CWD).host).toBe('::1');
    expect(loadConfig({ MASTHEAD_DEMO: 'true', HOST: 'localhost' }, CWD).host).toBe('localhost');
    for (const env of [
      { MASTHEAD_DEMO: 'true', HOST: '0.0.0.0' },
      { MASTHEAD_DEMO: 'true', HOST: '203.0.113.5' },
      { MASTHEAD_DEMO: 'true', PUBLIC_URL: 'https://news.example.com' },
    ]) {
      expect(() => loadConfig(env, CWD), JSON.stringify(env)).toThrow(/^MASTHEAD_DEMO: .*loopback/);
      expect(loadConfig({ ...env, MASTHEAD_DEMO_PUBLIC: 'true' }, CWD).demo).toBe(true);
    }
  });

  it('treats an empty variable like an unset one', () => {
    const empty = Object.fromEntries(
      [
        'PORT',
        'HOST',
        'MASTHEAD_DATA',
        'DATABASE_URL',
        'REDIS_URL',
        'PUBLIC_URL',
        'SECRET_KEY',
        'MASTHEAD_FREE_LIMIT',
        'MASTHEAD_TIMEZONE',
        'MASTHEAD_NETWORK_BUDGET',
        'MASTHEAD_LEAD_BLOCKS',
        'MASTHEAD_LEAD_WORDS',
        'MASTHEAD_TRUSTED_PROXIES',
        'MASTHEAD_CRAWLER_RANGES',
        'LOG_LEVEL',
      ].map((name) => [name, '']),
    );
    expect(loadConfig(empty, CWD)).toEqual(loadConfig({}, CWD));
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: ' 8080 ',
        HOST: '127.0.0.1',
        MASTHEAD_DATA: 'var/data',
        DATABASE_URL: 'postgresql://app:pw@db.internal:5432/masthead',
        REDIS_URL: 'rediss://cache.internal:6380',
        PUBLIC_URL: 'https://news.example.com//',
        SECRET_KEY: 'k'.repeat(32),
        MASTHEAD_FREE_LIMIT: '5',
        MASTHEAD_TIMEZONE: 'Europe/London',
        MASTHEAD_NETWORK_BUDGET: '1000',
        MASTHEAD_SEARCH_RATE: '20',
        MASTHEAD_SEARCH_TIMEOUT_MS: '5000',
        MASTHEAD_LEAD_BLOCKS: '0',
        MASTHEAD_LEAD_WORDS: '300',
        MASTHEAD_TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16,2001:db8::/32',
        MASTHEAD_CRAWLER_RANGES: 'ranges/google.json, /etc/masthead/bing.json',
        MASTHEAD_DEMO: 'false',
        LOG_LEVEL: 'warn',
      },
      CWD,
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/srv/masthead/var/data',
      databaseUrl: 'postgresql://app:pw@db.internal:5432/masthead',
      redisUrl: 'rediss://cache.internal:6380',
      publicUrl: 'https://news.example.com',
      secretKey: 'k'.repeat(32),
      freeLimit: 5,
      timeZone: 'Europe/London',
      networkBudget: 1000,
      searchRate: 20,
      searchTimeoutMs: 5000,
      lead: { blocks: 0, words: 300 },
      trustedProxies: ['10.0.0.1', '192.168.0.0/16', '2001:db8::/32'],
      crawlerRangeFiles: ['/srv/masthead/ranges/google.json', '/etc/masthead/bing.json'],
      demo: false,
      logLevel: 'warn',
    });
  });

  it('derives the public URL from PORT when PUBLIC_URL is unset', () => {
    expect(loadConfig({ PORT: '8080' }, CWD).publicUrl).toBe('http://localhost:8080');
  });

  it('keeps an absolute data folder as given', () => {
    expect(loadConfig({ MASTHEAD_DATA: '/var/lib/masthead' }, CWD).dataDir).toBe('/var/lib/masthead');
  });

  it('accepts the edges of every range', () => {
    expect(loadConfig({ PORT: '0' }, CWD).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }, CWD).port).toBe(65535);
    expect(loadConfig({ MASTHEAD_FREE_LIMIT: '0' }, CWD).freeLimit).toBe(0);
    expect(loadConfig({ MASTHEAD_FREE_LIMIT: '100' }, CWD).freeLimit).toBe(100);
    expect(loadConfig({ MASTHEAD_NETWORK_BUDGET: '1' }, CWD).networkBudget).toBe(1);
    expect(loadConfig({ MASTHEAD_LEAD_BLOCKS: '20' }, CWD).lead.blocks).toBe(20);
    expect(loadConfig({ SECRET_KEY: 'x'.repeat(32) }, CWD).secretKey).toHaveLength(32);
    expect(loadConfig({ LOG_LEVEL: 'silent' }, CWD).logLevel).toBe('silent');
    expect(loadConfig({ MASTHEAD_TIMEZONE: 'UTC' }, CWD).timeZone).toBe('UTC');
  });

  const BAD: [variable: string, value: string][] = [
    ['PORT', 'abc'],
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['PORT', '1e3'],
    ['PORT', '99999999999999999999999'],
    ['PUBLIC_URL', 'news.example.com'],
    ['PUBLIC_URL', 'ftp://news.example.com'],
    ['SECRET_KEY', 'too-short'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
    ['MASTHEAD_DEMO', 'yes'],
    ['MASTHEAD_DEMO_PUBLIC', '1'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://app:pw@db/masthead'],
    ['REDIS_URL', 'http://cache:6379'],
    ['MASTHEAD_FREE_LIMIT', 'ten'],
    ['MASTHEAD_FREE_LIMIT', '101'],
    ['MASTHEAD_TIMEZONE', 'Mars/Base'],
    ['MASTHEAD_NETWORK_BUDGET', '0'],
    ['MASTHEAD_NETWORK_BUDGET', '1,000'],
    ['MASTHEAD_SEARCH_RATE', '0'],
    ['MASTHEAD_SEARCH_TIMEOUT_MS', '50'],
    ['MASTHEAD_LEAD_BLOCKS', '21'],
    ['MASTHEAD_LEAD_WORDS', '-1'],
    ['MASTHEAD_TRUSTED_PROXIES', '10.0.0.1,not-an-address'],
    ['MASTHEAD_TRUSTED_PROXIES', '10.0.0.0/33'],
  ];

  it.each(BAD)('refuses %s=%j with one line that names the variable', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.message.startsWith(`${variable}: `), error.message).toBe(true);
    expect(error.message.length).toBeGreaterThan(variable.length + 5); // says what is wrong, too
    expect(error.message).not.toContain('\n');
  });

  it('keeps the message on one line even when the bad value spans lines', () => {
    for (const [variable, value] of [
      ['PORT', '80\n80'],
      ['MASTHEAD_TIMEZONE', 'Asia/\nKolkata'],
      ['MASTHEAD_TRUSTED_PROXIES', '10.0.0.1\n10.0.0.2'],
    ] as const) {
      const error = configError({ [variable]: value });
      expect(error.message.startsWith(`${variable}: `)).toBe(true);
      expect(error.message).not.toMatch(/[\r\n]/);
    }
  });

  it('never repeats a secret or a database password in its message', () => {
    expect(configError({ SECRET_KEY: 'hunter2-secret' }).message).not.toContain('hunter2');
    expect(configError({ DATABASE_URL: 'mysql://app:hunter2@db/masthead' }).message).not.toContain('hunter2');
    expect(configError({ DATABASE_URL: 'postgres://app:hunter2@db:notaport/masthead' }).message).not.toContain('hunter2');
    expect(configError({ REDIS_URL: 'http://:hunter2@cache:6379' }).message).not.toContain('hunter2');
  });

  it('runs several server processes only on PostgreSQL and Redis, and never for the demo', () => {
    const shared = { DATABASE_URL: 'postgres://db/masthead', REDIS_URL: 'redis://cache:6379' };
    expect(loadConfig({}, CWD).processes).toBe(1);
    expect(loadConfig({ ...shared, MASTHEAD_PROCESSES: '4' }, CWD).processes).toBe(4);
    expect(loadConfig({ MASTHEAD_PROCESSES: '1' }, CWD).processes).toBe(1);
    expect(configError({ REDIS_URL: shared.REDIS_URL, MASTHEAD_PROCESSES: '2' }).message).toMatch(/^MASTHEAD_PROCESSES: .*DATABASE_URL/);
    expect(configError({ DATABASE_URL: shared.DATABASE_URL, MASTHEAD_PROCESSES: '2' }).message).toMatch(/^MASTHEAD_PROCESSES: .*REDIS_URL/);
    expect(configError({ ...shared, MASTHEAD_PROCESSES: '2', MASTHEAD_DEMO: 'true' }).message).toMatch(/^MASTHEAD_PROCESSES: the demo/);
    for (const bad of ['0', '65', 'two', '1.5'])
      expect(configError({ ...shared, MASTHEAD_PROCESSES: bad }).message).toMatch(/^MASTHEAD_PROCESSES: /);
  });

  it('reports the bad variable even when others are fine', () => {
    const error = configError({ PORT: '8080', PUBLIC_URL: 'https://news.example.com', MASTHEAD_FREE_LIMIT: 'lots' });
    expect(error.message).toMatch(/^MASTHEAD_FREE_LIMIT: /);
  });
});

describe("loadConfig: the publisher's identity", () => {
  const IDENTITY = {
    MASTHEAD_SUPPLIER_NAME: 'Bengaluru Courier Media Pvt Ltd',
    MASTHEAD_SUPPLIER_ADDRESS: '3rd Floor, 14 Residency Road | Bengaluru 560025',
    MASTHEAD_SUPPLIER_STATE: '29',
    MASTHEAD_SUPPLIER_GSTIN: '29AAGCB1286Q1Z0',
    MASTHEAD_INVOICE_SERIES: 'BC',
  };

  it('is null when none of it is set: invoices keep the stored supplier, or the demo one', () => {
    expect(loadConfig({}, CWD).supplier).toBeNull();
  });

  it('reads all five variables: the address split into lines at "|"', () => {
    expect(loadConfig(IDENTITY, CWD).supplier).toEqual({
      name: 'Bengaluru Courier Media Pvt Ltd',
      addressLines: ['3rd Floor, 14 Residency Road', 'Bengaluru 560025'],
      stateCode: '29',
      gstin: '29AAGCB1286Q1Z0',
      invoiceSeries: 'BC',
    });
  });

  it('is all or nothing: a part missing names the first missing variable and lists the others', () => {
    const { MASTHEAD_SUPPLIER_STATE: _state, MASTHEAD_INVOICE_SERIES: _series, ...partial } = IDENTITY;
    const message = configError(partial).message;
    expect(message).toMatch(/^MASTHEAD_SUPPLIER_STATE: missing: /);
    expect(message).toContain('unset: MASTHEAD_SUPPLIER_STATE, MASTHEAD_INVOICE_SERIES');
    expect(configError({ MASTHEAD_SUPPLIER_GSTIN: '29AAGCB1286Q1Z0' }).message).toMatch(/^MASTHEAD_SUPPLIER_NAME: missing: /);
  });

  it('names the bad variable, on one line, for each bad value', () => {
    for (const [variable, value, problem] of [
      ['MASTHEAD_SUPPLIER_NAME', 'Two\nLines Ltd', /one line/],
      ['MASTHEAD_SUPPLIER_ADDRESS', 'Line one | | Bengaluru', /non-empty lines/],
      ['MASTHEAD_SUPPLIER_GSTIN', '29AAGCB1286Q1Z1', /fails its check character/],
      ['MASTHEAD_SUPPLIER_GSTIN', '29AAGCB1286Q', /is not a GSTIN/],
      ['MASTHEAD_SUPPLIER_GSTIN', '99AAGCB1286Q1Z0', /is not a GSTIN/],
      ['MASTHEAD_SUPPLIER_GSTIN', '27AAACT0000D1Z9', /demo's invented GSTIN/],
      ['MASTHEAD_SUPPLIER_STATE', '27', /27 does not match the GSTIN, which was issued in 29 \(Karnataka\)/],
      ['MASTHEAD_SUPPLIER_STATE', 'Karnataka', /two-digit GST state code \(Karnataka is 29\)/],
      ['MASTHEAD_INVOICE_SERIES', 'bc/1', /expected 1 to 4 capitals, digits or hyphens/],
      ['MASTHEAD_INVOICE_SERIES', 'TOOLONG', /expected 1 to 4/],
      ['MASTHEAD_INVOICE_SERIES', 'CN', /credit notes' series/],
    ] as const) {
      const message = configError({ ...IDENTITY, [variable]: value }).message;
      expect(message.startsWith(`${variable}: `), message).toBe(true);
      expect(message).toMatch(problem);
      expect(message).not.toMatch(/[\r\n]/);
    }
  });

  it('takes a GSTIN in lower case and trims the values', () => {
    const config = loadConfig({ ...IDENTITY, MASTHEAD_SUPPLIER_GSTIN: ' 29aagcb1286q1z0 ', MASTHEAD_SUPPLIER_NAME: ' Courier ' }, CWD);
    expect(config.supplier).toMatchObject({ gstin: '29AAGCB1286Q1Z0', name: 'Courier' });
  });
});
