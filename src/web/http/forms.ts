import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { Type, type Static, type TInteger, type TObject, type TProperties, type TSchema, type TString } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * HTML forms, query strings and path parameters of pages, read through one helper (ASVS 2.2.1). A form is
 * a TypeBox schema, as the API's bodies are; each field's schema also says how its text is tidied before
 * it is checked (trimmed, lower-cased, spaces dropped…) and what to tell the reader for each check that
 * fails. Routes declare the schema (`schema.body`, `querystring`, `params`); in a page scope (`useForms`)
 * Fastify runs it through `checkForm`, and a route with `attachValidation` shows the form again with the
 * messages (`readForm`), where another would answer a bare 400.
 */

/** What a form shows: the reader's input (never a password), messages per field, and one for the form. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  message?: string | undefined;
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values, errors: {} });

/** Characters that have no place in a name, an address or a path: C0 controls, DEL, and lone UTF-16 halves. */
export const NO_CONTROL = '\\u0000-\\u001f\\u007f\\ud800-\\udfff';
const CONTROL = new RegExp(`[${NO_CONTROL}]`, 'u');

/**
 * Where to go next (after signing in): only a same-site path (a single leading `/`, no backslash, no control
 * characters), else the home page. Stops open redirects such as `//evil.example` (ASVS 3.7.2). What is not
 * printable ASCII is percent-encoded as UTF-8, as a browser would send it: a Location header carries ASCII
 * only, and a path like `/ā` must not fail the redirect after the reader is signed in.
 */
export function safeNext(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 512) return '/';
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\') || CONTROL.test(raw)) return '/';
  return raw.replace(/[^\x21-\x7e]+/gu, (run) => encodeURIComponent(run));
}

/** How a field's text is tidied before it is checked. Each is idempotent: tidying twice changes nothing. */
const NORMALISERS = {
  trim: (value: string) => value.trim(),
  lower: (value: string) => value.toLowerCase(),
  /** Codes are copied with the spaces and dashes around their digits. */
  'no-spaces': (value: string) => value.replace(/[\s-]/g, ''),
  'same-site-path': safeNext,
} satisfies Record<string, (value: string) => string>;

export type Normaliser = keyof typeof NORMALISERS;

/** The checks a field's messages are keyed by; `invalid` answers any other. */
export type Messages = Partial<Record<'minLength' | 'maxLength' | 'pattern' | 'type' | 'minimum' | 'maximum' | 'invalid', string>>;

/** What the helper reads from a field's schema, beside the JSON Schema checks themselves. */
interface FieldAnnotations {
  'x-normalise'?: Normaliser[];
  'x-messages'?: Messages;
  /** Never shown back in the form (passwords). */
  'x-secret'?: boolean;
  /** Path parameters and query values that are numbers: decimal digits become a number before the check. */
  'x-integer'?: boolean;
  /** One of `enum`, or '': a word from a fixed list (`keyword`). */
  'x-keyword'?: boolean;
  enum?: string[];
  maxLength?: number;
}

/** A text field: the JSON Schema string checks, how to tidy it first, and what to say when a check fails. */
export function text(options: {
  minLength?: number;
  maxLength: number;
  pattern?: string;
  normalise?: Normaliser[];
  messages?: Messages;
  secret?: boolean;
}): TString {
  const { normalise = [], messages = {}, secret = false, ...checks } = options;
  return Type.String({ ...checks, 'x-normalise': normalise, 'x-messages': messages, 'x-secret': secret });
}

/** A database id in a path or a form: a whole number from 1 to 2^31 − 1 (a PostgreSQL integer). */
export function id(messages: Messages = {}): TInteger {
  return Type.Integer({ minimum: 1, maximum: 2_147_483_647, 'x-integer': true, 'x-messages': messages });
}

/** A same-site path to go on to; anything else reads as `/`. Never refused: a bad `next` is not the reader's mistake. */
export const nextPath = (): TString => text({ maxLength: 2048, normalise: ['same-site-path'] });

/** One of a fixed list of words (a notice to show), or '' for anything else: never refused, never echoed. */
export function keyword(words: readonly string[]): TString {
  return Type.String({ enum: ['', ...words], 'x-keyword': true });
}

/** A form: its fields by name. Other fields (the CSRF token, tracking parameters) pass through untouched. */
export function form<P extends TProperties>(fields: P): TObject<P> {
  return Type.Object(fields);
}

const annotations = (schema: TSchema): FieldAnnotations => schema;

/**
 * Turns what came in for one field into what is checked: text tidied; for a number, its decimal digits
 * as a number (anything else stays as it came, and fails the check); anything that is not one string ''.
 */
function tidy(schema: TSchema, raw: unknown): unknown {
  const field = annotations(schema);
  if (field['x-integer']) {
    if (typeof raw === 'number') return raw;
    return typeof raw === 'string' && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : typeof raw === 'string' ? raw.slice(0, 20) : '';
  }
  let value = typeof raw === 'string' ? raw : '';
  if (field['x-keyword']) return (field.enum ?? []).includes(value) ? value : '';
  for (const name of field['x-normalise'] ?? []) value = NORMALISERS[name](value);
  return value;
}

/** The order in which a field's failed checks are reported: the first that applies is the reader's message. */
const PRIORITY = ['type', 'minLength', 'maxLength', 'minimum', 'maximum', 'pattern'];

export type FormRead<T> =
  | { ok: true; values: T }
  | {
      ok: false;
      /** The form to show again: what the reader typed (never secrets, cut to each field's length) and the messages. */
      form: FormState;
      /** The tidied values of the fields that passed their checks. */
      valid: Partial<T>;
      /** The messages in the order of the fields, for a page that shows one. */
      messages: string[];
    };

const compiled = new WeakMap<TObject, ReturnType<typeof Compile>>();
const checkerOf = (schema: TObject) => {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = Compile(schema);
    compiled.set(schema, checker);
  }
  return checker;
};

/**
 * Checks what came in for a form (a body, a query string, path parameters) against its schema: each field
 * tidied, then checked; the values, or the form to show again with one reader-friendly message per field.
 */
export function checkForm<S extends TObject>(schema: S, raw: unknown): FormRead<Static<S>> {
  const input = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const value: Record<string, unknown> = { ...input };
  for (const [name, field] of Object.entries(schema.properties)) value[name] = tidy(field, input[name]);
  const checker = checkerOf(schema);
  if (checker.Check(value)) return { ok: true, values: value as Static<S> };

  const failed = new Map<string, { rank: number; message: string }>();
  for (const error of checker.Errors(value)) {
    const name = error.instancePath.split('/')[1] ?? '';
    const field: TSchema | undefined = schema.properties[name];
    const messages = field ? (annotations(field)['x-messages'] ?? {}) : {};
    const rank = PRIORITY.includes(error.keyword) ? PRIORITY.indexOf(error.keyword) : PRIORITY.length;
    const message = messages[error.keyword as keyof Messages] ?? messages.invalid ?? 'Check this field.';
    const known = failed.get(name);
    if (!known || rank < known.rank) failed.set(name, { rank, message });
  }
  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  const valid: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.properties)) {
    const error = failed.get(name);
    if (error) errors[name] = error.message;
    else valid[name] = value[name];
    const typed = input[name];
    const { 'x-secret': secret, maxLength } = annotations(field);
    if (typeof typed === 'string' && typed !== '' && !secret) values[name] = typed.slice(0, maxLength ?? 1000);
  }
  return { ok: false, form: { values, errors }, valid: valid as Partial<Static<S>>, messages: Object.values(errors) };
}

/** Reads a part of a request (by default the form body) whose route has `attachValidation`: see `checkForm`. */
export function readForm<S extends TObject>(
  request: FastifyRequest,
  schema: S,
  part: 'body' | 'query' | 'params' = 'body',
): FormRead<Static<S>> {
  return checkForm(schema, request[part]);
}

/** Fastify's validator for a page scope: the same tidying and checks, with the reader's messages as errors. */
const formValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema }) => {
  if (!('properties' in schema)) throw new Error('a page route schema must be a form(...) object');
  const object = schema as TObject;
  return (raw: unknown) => {
    const read = checkForm(object, raw);
    if (read.ok) return { value: read.values };
    const error: FastifySchemaValidationError[] = Object.entries(read.form.errors).map(([field, message]) => ({
      keyword: 'form',
      instancePath: `/${field}`,
      schemaPath: '#',
      params: { field },
      message,
    }));
    return { error };
  };
};

/**
 * Makes a scope's routes read forms, query strings and path parameters through `checkForm`. A route
 * without `attachValidation` answers a bad one with a 400 page carrying the readers' messages. A route
 * that declares no schema for what it takes (a GET's query string, a POST's body, path parameters) stops
 * the app from starting: nothing in the scope reads input by hand.
 */
export function useForms(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema ?? {};
    const methods = [route.method].flat();
    const missing = [
      methods.some((m) => m === 'GET' || m === 'HEAD') && !schema.querystring ? 'querystring' : null,
      methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH') && !schema.body ? 'body' : null,
      route.url.includes(':') && !schema.params ? 'params' : null,
    ].filter(Boolean);
    if (missing.length > 0)
      throw new Error(
        `${methods.join(',')} ${route.url} declares no ${missing.join(', ')} schema: every page route reads its input through a form schema`,
      );
  });
  app.setValidatorCompiler(formValidatorCompiler);
  app.setSchemaErrorFormatter((errors) => new Error([...new Set(errors.map((e) => e.message ?? 'Check the form.'))].join(' ')));
}

/**
 * A plugin whose routes are declared at once, synchronously. Anything declaring them throws (a page route
 * without its schema, see `useForms`) fails the app's start instead of escaping it.
 */
export const declaredRoutes = (routes: (scope: FastifyInstance) => void) => (scope: FastifyInstance) =>
  new Promise<void>((resolve) => {
    routes(scope);
    resolve();
  });

/**
 * Checks the schema cannot state (a GSTIN's checksum, an amount against what is left to refund) run on
 * the values a schema already read, through these two: a field as text, and the messages collected by field.
 */

/** One text field of a url-encoded (or JSON) body; anything that is not a single string reads as ''. */
export function field(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/** The values of a field a form may send several times (checkboxes of one name), each a string; nothing else counts. */
export function fieldList(body: unknown, name: string): string[] {
  if (!body || typeof body !== 'object') return [];
  const value = (body as Record<string, unknown>)[name];
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Runs several checks and collects the messages by field name. On failure the form state carries `typed`,
 * what the reader entered (callers leave passwords out), so the form comes back filled in.
 */
export function collect<T extends Record<string, Checked<unknown>>>(
  checks: T,
  typed: Record<string, string>,
): { ok: true; values: { [K in keyof T]: T[K] extends Checked<infer V> ? V : never } } | { ok: false; form: FormState } {
  const errors: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [name, result] of Object.entries(checks)) {
    if (result.ok) values[name] = result.value;
    else errors[name] = result.error;
  }
  if (Object.keys(errors).length > 0) return { ok: false, form: { values: typed, errors } };
  return { ok: true, values: values as never };
}
