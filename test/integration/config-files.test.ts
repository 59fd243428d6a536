import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const CWD = '/srv/masthead';

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig: where files are kept', () => {
  it('keeps files in the data folder unless a bucket is named', () => {
    expect(loadConfig({}, CWD).files).toEqual({ kind: 'local', dir: '/srv/masthead/data/files' });
    expect(loadConfig({ MASTHEAD_DATA: '/var/lib/masthead' }, CWD).files).toEqual({ kind: 'local', dir: '/var/lib/masthead/files' });
  });

  it('reads an S3-compatible store from the S3_* variables', () => {
    const env = {
      S3_BUCKET: 'ledger-media',
      S3_ENDPOINT: 'https://s3.example.net',
      S3_REGION: 'auto',
      S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: 'masthead/',
    };
    expect(loadConfig(env, CWD).files).toEqual({
      kind: 's3',
      bucket: 'ledger-media',
      endpoint: 'https://s3.example.net',
      region: 'auto',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      forcePathStyle: true,
      prefix: 'masthead/',
    });
    expect(loadConfig({ S3_BUCKET: 'ledger-media' }, CWD).files).toMatchObject({
      endpoint: null,
      region: 'us-east-1',
      forcePathStyle: false,
    });
  });

  it('names the variable that is wrong, in one line', () => {
    expect(problem({ S3_ENDPOINT: 'https://s3.example.net' })).toMatch(/^S3_ENDPOINT: set S3_BUCKET too/);
    expect(problem({ S3_BUCKET: 'Ledger_Media' })).toMatch(/^S3_BUCKET: expected a bucket name/);
    expect(problem({ S3_BUCKET: 'ledger-media', S3_ENDPOINT: 'ftp://x' })).toMatch(/^S3_ENDPOINT: expected a http: or https: URL/);
    expect(problem({ S3_BUCKET: 'ledger-media', S3_ACCESS_KEY_ID: 'AKID' })).toMatch(/^S3_SECRET_ACCESS_KEY: missing/);
    expect(problem({ S3_BUCKET: 'ledger-media', S3_SECRET_ACCESS_KEY: 's' })).toMatch(/^S3_ACCESS_KEY_ID: missing/);
    expect(problem({ S3_BUCKET: 'ledger-media', S3_FORCE_PATH_STYLE: 'yes' })).toMatch(/^S3_FORCE_PATH_STYLE: expected true or false/);
    expect(problem({ S3_BUCKET: 'ledger-media', S3_PREFIX: '/masthead' })).toMatch(/^S3_PREFIX: expected lower-case folder names/);
    expect(problem({ S3_BUCKET: 'ledger-media', S3_REGION: 'EU West' })).toMatch(/^S3_REGION: expected a region/);
  });
});
