/**
 * Who an account is: a reader; an editor (articles and sections); the business team (plans, refunds, readers,
 * settings other than content); an admin (everything).
 */
export const ROLES = ['reader', 'editor', 'business', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  emailVerifiedAt: Date | null;
  /** Per-account override of the device limit; null = the site setting (or what entitlements grant). */
  deviceLimit: number | null;
  createdAt: Date;
  hasPassword: boolean;
}

/** A signed-in device: one session. */
export interface Device {
  id: number;
  /** The account it is signed in to. */
  userId: number;
  kind: 'web' | 'app';
  name: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/**
 * Session lifetimes (ASVS 7.1.1). A news reader expects to stay signed in on their own devices, so web
 * sessions are long, but idle ones end: idle 30 days, absolute 180 days. App access tokens last 1 hour
 * and are renewed with a rotating refresh token inside the same limits.
 */
export const SESSION_TIMEOUTS = {
  idleMs: 30 * 24 * 3600 * 1000,
  absoluteMs: 180 * 24 * 3600 * 1000,
  appAccessMs: 3600 * 1000,
  /** last_seen_at is written at most this often, to keep reads cheap. */
  touchEveryMs: 60 * 1000,
} as const;

/** One-time codes and links (ASVS 6.5): single use, 10 minutes, five tries. */
export const CHALLENGE_RULES = { ttlMs: 10 * 60 * 1000, maxAttempts: 5 } as const;

/** Normalises an email address for storage and lookup: trimmed, lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const ADDRESS_CHAR = '[^\\s@<>()[\\]\\\\,;:"\\u0000-\\u001f\\u007f\\ud800-\\udfff]';

/**
 * The shape of an address, as a JSON Schema `pattern` (a Unicode regular expression): something@domain.tld,
 * without spaces, brackets, quotes or control characters. A practical check; the real one is the email we send.
 */
export const EMAIL_PATTERN = `^${ADDRESS_CHAR}+@${ADDRESS_CHAR}+\\.${ADDRESS_CHAR}{2,}$`;
const EMAIL = new RegExp(EMAIL_PATTERN, 'u');

/** A practical check of an address's shape (the real check is the email we send). */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}
