import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { checkForm, declaredRoutes, form, id, keyword, nextPath, readForm, text, useForms } from './forms.js';

const Email = text({
  minLength: 1,
  maxLength: 30,
  pattern: '^[^@\\s]+@[^@\\s]+$',
  normalise: ['trim', 'lower'],
  messages: { minLength: 'Enter your email address.', maxLength: 'Too long.', pattern: 'Enter an address.' },
});
const Signup = form({
  email: Email,
  code: text({ minLength: 1, maxLength: 12, pattern: '^\\d{6}$', normalise: ['no-spaces'], messages: { invalid: 'Six digits.' } }),
  password: text({ minLength: 1, maxLength: 10, secret: true, messages: { minLength: 'Enter a password.' } }),
  next: nextPath(),
});

describe('the form helper', () => {
  it('tidies each field as its schema says, then checks it', () => {
    const read = checkForm(Signup, { email: '  Asha@Example.COM ', code: '123 - 456', password: ' pass ', next: '/ā', _csrf: 'kept' });
    expect(read).toEqual({
      ok: true,
      values: { email: 'asha@example.com', code: '123456', password: ' pass ', next: '/%C4%81', _csrf: 'kept' },
    });
  });

  it('gives one reader-friendly message per field, the first check that applies, and the form back without secrets', () => {
    const read = checkForm(Signup, { email: '', code: '12345', password: 'far too long a password', next: '//evil.example' });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.form.errors).toEqual({ email: 'Enter your email address.', code: 'Six digits.', password: 'Check this field.' });
    expect(read.form.values).toEqual({ code: '12345', next: '//evil.example' });
    expect(read.valid).toEqual({ next: '/' });
    const long = checkForm(Signup, { email: `${'a'.repeat(40)}@example.com`, code: '123456', password: 'x' });
    expect(long.ok || long.form).toEqual({ values: { email: 'a'.repeat(30), code: '123456' }, errors: { email: 'Too long.' } });
  });

  it('reads anything that is not one string as nothing: arrays, objects, numbers, a body that is not an object', () => {
    for (const body of [{ email: ['a@b.c', 'd@e.f'] }, { email: { $ne: '' } }, { email: 12 }, [], 'email=x', null]) {
      const read = checkForm(form({ email: Email }), body);
      expect(read.ok || read.form.errors, JSON.stringify(body)).toEqual({ email: 'Enter your email address.' });
    }
  });

  it('takes ids only as whole numbers a database holds', () => {
    const Params = form({ id: id({ invalid: 'No such thing.' }) });
    expect(checkForm(Params, { id: '42' })).toEqual({ ok: true, values: { id: 42 } });
    for (const raw of ['0', '-1', '1.5', '1e400', '2147483648', '99999999999', 'abc', '', ' 7', '007']) {
      const read = checkForm(Params, { id: raw });
      expect(read.ok || read.messages, raw).toEqual(['No such thing.']);
    }
  });

  it('reads a word from a fixed list, and anything else as none', () => {
    const Query = form({ notice: keyword(['saved']) });
    expect(checkForm(Query, { notice: 'saved' })).toEqual({ ok: true, values: { notice: 'saved' } });
    for (const raw of ['other', '\u0000', 'x'.repeat(10_000), ['saved', 'saved'], undefined])
      expect(checkForm(Query, { notice: raw })).toEqual({ ok: true, values: { notice: '' } });
  });

  it('runs in Fastify: a form route re-reads its body, a query string that fails is a 400 with the reader’s message', async () => {
    const app = Fastify();
    await app.register(formbody);
    await app.register((scope, _options, done) => {
      useForms(scope);
      scope.post('/signup', { schema: { body: Signup }, attachValidation: true }, (request) => readForm(request, Signup));
      scope.get('/find', { schema: { querystring: form({ email: Email }) } }, (request) => request.query);
      done();
    });
    const post = (payload: string) =>
      app.inject({ method: 'POST', url: '/signup', payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await post('email=+A%40B.C+&code=123456&password=x')).json()).toMatchObject({
      ok: true,
      values: { email: 'a@b.c', next: '/' },
    });
    expect((await post('email=nope&code=1&password=')).json()).toMatchObject({
      ok: false,
      form: { errors: { email: 'Enter an address.', code: 'Six digits.', password: 'Enter a password.' }, values: { email: 'nope' } },
    });
    expect((await app.inject('/find?email=%20X%40Y.Z')).json()).toEqual({ email: 'x@y.z' });
    const bad = await app.inject('/find?email=%00');
    expect([bad.statusCode, bad.json<{ message: string }>().message]).toEqual([400, 'Enter an address.']);
  });

  it('refuses to start a page route that reads input without a schema', async () => {
    for (const [method, url, schema] of [
      ['GET', '/page', {}],
      ['POST', '/form', { querystring: form({}) }],
      ['GET', '/thing/:id', { querystring: form({}) }],
    ] as const) {
      const start = async () => {
        const app = Fastify();
        await app.register(
          declaredRoutes((scope) => {
            useForms(scope);
            scope.route({ method, url, schema, handler: () => 'ok' });
          }),
        );
        await app.ready();
      };
      await expect(start(), `${method} ${url}`).rejects.toThrow(/declares no (querystring|body|params) schema/);
    }
  });
});
