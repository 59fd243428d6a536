import { isEmail, normaliseEmail } from '../../domain/accounts/model.js';
import { PASSWORD_RULES } from '../../domain/accounts/passwords.js';

/**
 * Reading and checking the fields of account forms (ASVS 2.2.1). Every check returns the cleaned value
 * or a message to show next to the field; the page is then rendered again with the reader's input.
 */

/** What a form shows: the reader's input (never a password), messages per field, and one for the form. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  message?: string;
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values, errors: {} });

export const LIMITS = { email: 254, name: 100, password: PASSWORD_RULES.max } as const;

/** One text field of a url-encoded (or JSON) body; anything that is not a single string reads as ''. */
export function field(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (error: string): Checked<never> => ({ ok: false, error });

// Control characters have no place in a name or address and would only confuse emails and logs.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkEmail(raw: string): Checked<string> {
  const email = normaliseEmail(raw);
  if (!email) return bad('Enter your email address.');
  if (email.length > LIMITS.email) return bad(`An email address has at most ${LIMITS.email} characters.`);
  if (CONTROL.test(email) || !isEmail(email)) return bad('Enter an email address like name@example.com.');
  return ok(email);
}

export function checkName(raw: string): Checked<string> {
  const name = raw.trim();
  if (!name) return bad('Enter your name.');
  if (name.length > LIMITS.name) return bad(`Use at most ${LIMITS.name} characters.`);
  if (CONTROL.test(name)) return bad('Use letters, spaces and punctuation only.');
  return ok(name);
}

/** A password as typed: never trimmed or case-folded (ASVS 6.2.8); strength is the domain's rule. */
export function checkPassword(raw: string, options: { optional?: boolean } = {}): Checked<string | null> {
  if (!raw) return options.optional ? ok(null) : bad('Enter your password.');
  if (raw.length > LIMITS.password) return bad(`Use at most ${LIMITS.password} characters.`);
  return ok(raw);
}

/** A 6-digit code; spaces and dashes that readers copy along with it are ignored. */
export function checkCode(raw: string): Checked<string> {
  const code = raw.replace(/[\s-]/g, '');
  if (!code) return bad('Enter the 6-digit code from the email.');
  if (!/^\d{6}$/.test(code)) return bad('The code is 6 digits, like 123456.');
  return ok(code);
}

/** A database id: a positive integer that fits a PostgreSQL int. */
export function checkId(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= 2_147_483_647 ? id : null;
}

/** Opaque tokens from links and hidden fields (base64url, as `newToken` makes them). */
export function checkToken(raw: string): string | null {
  return /^[A-Za-z0-9_-]{20,100}$/.test(raw) ? raw : null;
}

/**
 * Where to go after signing in: only a same-site path (a single leading `/`, no backslash, no control
 * characters), else the home page. Stops open redirects such as `//evil.example` (ASVS 3.7.2). What is
 * not printable ASCII is percent-encoded as UTF-8, as a browser would send it: a Location header carries
 * ASCII only, and a path like `/ā` must not fail the redirect after the reader is signed in.
 */
export function safeNext(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 512) return '/';
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\') || CONTROL.test(raw)) return '/';
  try {
    return raw.replace(/[^\x21-\x7e]+/gu, (run) => encodeURIComponent(run));
  } catch {
    return '/'; // a lone surrogate: not text at all
  }
}

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
