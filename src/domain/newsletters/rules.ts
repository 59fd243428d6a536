import type { Audience, Newsletter, Recipient } from './model.js';
import type { AccessDecision } from '../access/model.js';
import { signer } from './signing.js';

/** The stored form of an audience: `anyone`, `registered`, `entitlement:<name>`. */
export function audienceText(audience: Audience): string {
  return audience.kind === 'entitlement' ? `entitlement:${audience.entitlement}` : audience.kind;
}

/** An audience from its stored form; anything unknown reads as the narrowest (an entitlement nobody holds). */
export function parseAudience(text: string): Audience {
  if (text === 'anyone' || text === 'registered') return { kind: text };
  const entitlement = /^entitlement:([a-z0-9][a-z0-9-]{0,59})$/.exec(text)?.[1];
  return { kind: 'entitlement', entitlement: entitlement ?? '(unknown)' };
}

/** Whether a recipient belongs to a newsletter's audience now. Deny by default. */
export function inAudience(audience: Audience, recipient: Pick<Recipient, 'userId' | 'entitlements'>): boolean {
  switch (audience.kind) {
    case 'anyone':
      return true;
    case 'registered':
      return recipient.userId !== null;
    case 'entitlement':
      return recipient.userId !== null && recipient.entitlements.has(audience.entitlement);
    default:
      return false;
  }
}

/**
 * Whether an article goes out whole to a recipient: only when they are in the newsletter's audience and the access
 * decision opens the article without using the meter (free, entitled, an unmetered provenance). A metered article
 * never costs a free read by email: it shows its lead-in and a link, as everything else gated does.
 */
export function showsInFull(newsletter: Pick<Newsletter, 'audience'>, recipient: Recipient, decision: AccessDecision): boolean {
  if (!inAudience(newsletter.audience, recipient)) return false;
  return (
    decision.allowed &&
    !decision.charged &&
    (decision.reason === 'free' || decision.reason === 'entitled' || decision.reason === 'unmetered-provenance')
  );
}

/** An email address as lists keep it: trimmed, lower-case; null when it is not a plausible address. */
export function normaliseEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  if (email.length < 3 || email.length > 320) return null;
  return /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(email) ? email : null;
}

/** Double opt-in links stay good this long. */
export const CONFIRM_VALID_MS = 7 * 24 * 3600 * 1000;
/** A pending address is emailed its link again at most this often, however often the form is sent. */
export const CONFIRM_RESEND_MS = 10 * 60 * 1000;

const { sign, verify } = signer('masthead/newsletter\n');

/**
 * Signed tokens for links that work without signing in. `unsubscribe:<subscription id>` and `prefs:<email>` never
 * expire (an old email's link must still stop the mail); a confirmation carries the time its email was sent and is
 * good for `CONFIRM_VALID_MS` after it.
 */
export const tokens = {
  unsubscribe: (key: Buffer, subscriptionId: number) => sign(key, `unsubscribe:${subscriptionId}`),
  checkUnsubscribe: (key: Buffer, subscriptionId: number, token: string) => verify(key, `unsubscribe:${subscriptionId}`, token),
  preferences: (key: Buffer, email: string) => sign(key, `prefs:${email}`),
  checkPreferences: (key: Buffer, email: string, token: string) => verify(key, `prefs:${email}`, token),
  confirm: (key: Buffer, subscriptionId: number, sentAt: Date) => {
    const at = Math.floor(sentAt.getTime() / 1000).toString(36);
    return `${at}.${sign(key, `confirm:${subscriptionId}:${at}`)}`;
  },
  /** The send time a confirmation token carries, when it is genuine and still good at `now`; else null. */
  checkConfirm: (key: Buffer, subscriptionId: number, token: string, now: Date): Date | null => {
    const match = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{24})$/.exec(token);
    if (!match) return null;
    const [, at = '', sig = ''] = match;
    if (!verify(key, `confirm:${subscriptionId}:${at}`, sig)) return null;
    const sentAt = new Date(parseInt(at, 36) * 1000);
    return now.getTime() - sentAt.getTime() <= CONFIRM_VALID_MS ? sentAt : null;
  },
};

/** Delay before retry `attempt + 1` of a delivery after a passing failure: 1 min × 4^(attempt − 1), at most 6 h. */
export function retryDelayMs(attempt: number): number {
  return Math.min(6 * 3600_000, 60_000 * 4 ** Math.max(0, attempt - 1));
}

/** Attempts before a delivery that keeps failing for passing reasons is given up. */
export const MAX_DELIVERY_ATTEMPTS = 5;
