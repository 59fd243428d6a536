import { beforeAll, expect, it } from 'vitest';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { apiClient, PASSWORD, type Json } from './api-client.js';

describeEachEngine('app API contract: OpenAPI and bad input', (db, engine) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  const { api, expectError, newIp, newUser, signIn } = apiClient(() => t, db, clock.now, engine);

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
  });

  it('serves an OpenAPI 3.1 document of every /api/v1 route with the shared ErrorResponse', async () => {
    const res = await api('GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    const expected: Record<string, string[]> = {
      '/api/v1/auth/token': ['post'],
      '/api/v1/auth/code': ['post'],
      '/api/v1/auth/code/verify': ['post'],
      '/api/v1/auth/refresh': ['post'],
      '/api/v1/auth/revoke': ['post'],
      '/api/v1/auth/replace-device': ['post'],
      '/api/v1/me': ['get'],
      '/api/v1/me/devices': ['get'],
      '/api/v1/me/devices/{id}': ['delete'],
      '/api/v1/articles': ['get'],
      '/api/v1/articles/{slug}': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual(methods);
    for (const path of Object.keys(doc.paths)) expect(path).toMatch(/^\/api\/v1\//);
    const codes = doc.components.schemas.ErrorResponse.properties.error.properties.code.enum;
    for (const code of [
      'invalid-input',
      'unauthorized',
      'invalid-token',
      'invalid-credentials',
      'invalid-code',
      'device-limit-reached',
      'rate-limited',
      'not-found',
    ])
      expect(codes).toContain(code);
    // What a reader may do travels with the reader and with each device, documented for clients to generate.
    const me = doc.paths['/api/v1/me'].get.responses['200'].content['application/json'].schema;
    expect(me.required).toContain('abilities');
    expect(Object.keys(me.properties.abilities.properties).sort()).toEqual([
      'edit_articles',
      'manage_readers',
      'refund',
      'subscribe',
      'view_newsroom',
      'view_payments',
    ]);
    for (const ability of Object.values(me.properties.abilities.properties as Record<string, Json>)) {
      expect(ability.type).toBe('boolean');
      expect(ability.description).toBeTruthy();
    }
    const device = doc.paths['/api/v1/me/devices'].get.responses['200'].content['application/json'].schema.properties.devices.items;
    expect(device.required).toContain('abilities');
    expect(device.properties.abilities).toMatchObject({ required: ['sign_out'], properties: { sign_out: { type: 'boolean' } } });
    const limit = doc.components.schemas.DeviceLimitResponse.properties.devices.items;
    expect(limit.properties.abilities.properties.sign_out.type).toBe('boolean');
    for (const [ref, name] of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g))
      expect(doc.components.schemas[name ?? ''], ref).toBeDefined();
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"(?!#\/components\/schemas\/)/);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) {
        const what = `${method} ${path}`;
        expect(op.tags?.length, what).toBeGreaterThan(0);
        expect(op.summary, what).toBeTruthy();
        const ok = Object.keys(op.responses).find((s) => s.startsWith('2')) ?? '';
        if (ok !== '204') expect(op.responses[ok].content['application/json'].schema, what).toBeDefined();
        const errors = Object.entries(op.responses as Record<string, Json>).filter(([s]) => s.startsWith('4'));
        expect(errors.length, what).toBeGreaterThan(0);
        for (const [, r] of errors)
          expect(r.content['application/json'].schema.$ref, what).toMatch(/^#\/components\/schemas\/(ErrorResponse|DeviceLimitResponse)$/);
      }
    }
  });

  it('answers bad input with 400 invalid-input naming the field, never a 500', async () => {
    const u = await newUser();
    const { access_token } = await signIn(u.email);
    const cases: [string, { body?: unknown; raw?: string }, RegExp][] = [
      ['/api/v1/auth/token', { body: { email: 'not-an-email', password: 'x' } }, /^body\/email must match format/],
      ['/api/v1/auth/token', { body: { email: `${'a'.repeat(250)}@example.com`, password: 'x' } }, /body\/email/],
      ['/api/v1/auth/token', { body: { email: u.email, password: 'p'.repeat(10_000) } }, /body\/password/],
      ['/api/v1/auth/token', { body: { email: u.email, password: PASSWORD, device_name: 'd'.repeat(61) } }, /body\/device_name/],
      ['/api/v1/auth/token', { body: { email: u.email, password: PASSWORD, app_name: 'tab\there' } }, /body\/app_name/],
      ['/api/v1/auth/token', {}, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { raw: '' }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { raw: '{"email": ' }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { body: [] }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { body: 'email' }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { raw: 'null' }, /^body must be a JSON object$/],
      ['/api/v1/auth/token', { body: { email: 12345, password: PASSWORD } }, /body\/email must be string/],
      ['/api/v1/auth/token', { body: { email: u.email, password: 12345678 } }, /body\/password must be string/],
      ['/api/v1/auth/token', { body: { email: [u.email], password: PASSWORD } }, /body\/email must be string/],
      ['/api/v1/auth/token', { body: { email: u.email } }, /^body\/password is required$/],
      ['/api/v1/auth/token', { body: { email: u.email, password: PASSWORD, role: 'admin' } }, /^body\/role is not allowed$/],
      ['/api/v1/auth/code', { body: { email: u.email, next: '/x' } }, /^body\/next is not allowed$/],
      ['/api/v1/auth/code/verify', { body: { email: u.email, code: '12ab56', challenge_token: 'c'.repeat(43) } }, /body\/code/],
      [
        '/api/v1/auth/code/verify',
        { body: { email: u.email, code: 123456, challenge_token: 'c'.repeat(43) } },
        /body\/code must be string/,
      ],
      ['/api/v1/auth/code/verify', { body: { email: u.email, code: '123456', challenge_token: 'short' } }, /body\/challenge_token/],
      ['/api/v1/auth/refresh', { body: {} }, /^body\/refresh_token is required$/],
      ['/api/v1/auth/refresh', { body: { refresh_token: null } }, /body\/refresh_token must be string/],
      ['/api/v1/auth/replace-device', { body: { choice_token: 'c'.repeat(43), device_id: '5' } }, /body\/device_id must be integer/],
      ['/api/v1/auth/replace-device', { body: { choice_token: 'c'.repeat(43), device_id: 1.5 } }, /body\/device_id must be integer/],
    ];
    for (const [url, options, message] of cases) {
      const res = await api('POST', url, { ...options, ip: newIp() });
      const what = `${url} ${options.raw ?? JSON.stringify(options.body)}`.slice(0, 120);
      expect(res.statusCode, `${what} → ${res.body}`).toBe(400);
      expect(expectError(res, 400, 'invalid-input'), what).toMatch(message);
    }
    const form = await api('POST', '/api/v1/auth/token', {
      raw: `email=${u.email}&password=x`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(form, 415, 'unsupported-media-type');
    expectError(await api('DELETE', `/api/v1/me/devices/${'9'.repeat(30)}`, { token: access_token }), 400, 'invalid-input');
    expectError(await api('GET', '/api/v1/me', { headers: { authorization: 'Basic abc' } }), 401, 'invalid-token');
  });
});
