import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestDb } from '../support/raw-sql.js';
import { hashPassword } from '../../src/domain/accounts/passwords.js';
import { insertUser } from '../../src/domain/accounts/user-queries.js';
import type { TestApp } from '../support/app.js';

/** Helpers for the app API tests: a JSON client, error checks, readers with passwords. */
export const PASSWORD = 'correct horse battery';
export const IPHONE = 'Ledger/2.1 (iPhone; CPU iPhone OS 17_4 like Mac OS X)';
export const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Ledger/2.1';
export type Json = Record<string, any>;

interface Options {
  token?: string | undefined;
  body?: unknown;
  raw?: string;
  ip?: string;
  headers?: Record<string, string>;
}

export function apiClient(app: () => TestApp, db: () => TestDb, now: () => Date, engine: string) {
  let ipCounter = 0;
  let userCounter = 0;
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, o: Options = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined || o.raw !== undefined) headers['content-type'] ??= 'application/json';
    const payload = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    return app().app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }), remoteAddress: o.ip ?? '192.0.2.1' });
  };
  return {
    api,
    /** Each test asks from its own network, so auth rate limits of one test do not reach another. */
    newIp: () => `10.${engine === 'pglite' ? 1 : 2}.${++ipCounter}.9`,
    expectError: (res: LightMyRequestResponse, status: number, code: string): string => {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json<{ error: { code: string; message: string } }>();
      expect(body.error.code, res.body).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
      return body.error.message;
    },
    newUser: async (password: string | null = PASSWORD) => {
      const email = `reader${++userCounter}@example.com`;
      const passwordHash = password && (await hashPassword(password));
      const user = await insertUser(db(), { email, name: `Reader ${userCounter}`, passwordHash, role: 'reader', verifiedAt: now() });
      return { ...user, email };
    },
    signIn: async (email: string, ua = IPHONE, extra: Json = {}): Promise<Json> => {
      const body = { email, password: PASSWORD, app_name: 'Ledger', ...extra };
      const res = await api('POST', '/api/v1/auth/token', { body, headers: { 'user-agent': ua } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Json>();
    },
  };
}

/** The 6-digit code an email's subject carries. */
export function codeIn(subject: string): string {
  const code = /\b(\d{6})\b/.exec(subject)?.[1];
  if (code === undefined) throw new Error(`no code in "${subject}"`);
  return code;
}

/** A bare JSON call for the admin API tests: a method, an address, a bearer token (or none) and a body (or none). */
export function jsonCall(app: () => TestApp) {
  return (method: 'GET' | 'POST' | 'PUT', url: string, token: string | undefined, body?: unknown) =>
    app().app.inject({
      method,
      url,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
}
