import { Type } from 'typebox';
import { renderEmail } from '../notifications/email-layout.js';
import type { NotificationTemplate, Notifier } from '../notifications/notifications.js';
import type { Db } from '../ports/database.js';
import type { Newsletter, Subscription } from './model.js';
import {
  accountsByEmail,
  confirmSubscription,
  entitlementsOf,
  findNewsletter,
  findSubscription,
  listNewsletters,
  markConfirmSent,
  subscriptionsOf,
  unsubscribe,
  upsertPendingSubscription,
} from './queries.js';
import { CONFIRM_RESEND_MS, inAudience, tokens } from './rules.js';

export interface SubscriptionDeps {
  db: Db;
  now: () => Date;
  key: Buffer;
  publicUrl: string;
  publication: () => string;
  notifier: Notifier;
}

/** A signed-in reader as sign-up sees them: the account's address (verified or not) and what it holds now. */
export interface SignedInReader {
  userId: number;
  email: string;
  verified: boolean;
}

/** What a sign-up did, as the page says it. `check-inbox` is also the answer for an address already on the list. */
export type SignUpOutcome = 'subscribed' | 'check-inbox' | 'sign-in-required' | 'not-in-audience' | 'no-such-list';

export const CONFIRM_TEMPLATE = 'newsletters.confirm';

/** Sign-up, double opt-in, preferences and unsubscribing; the links in emails that work without signing in. */
export function createSubscriptions(deps: SubscriptionDeps) {
  const { db, now, key, publicUrl } = deps;
  const links = {
    confirm: (s: Subscription, sentAt: Date) => `${publicUrl}/newsletters/confirm?s=${s.id}&t=${tokens.confirm(key, s.id, sentAt)}`,
    unsubscribePage: (id: number) => `${publicUrl}/newsletters/unsubscribe?s=${id}&t=${tokens.unsubscribe(key, id)}`,
    unsubscribeOneClick: (id: number) => `${publicUrl}/newsletters/unsubscribe/one-click?s=${id}&t=${tokens.unsubscribe(key, id)}`,
    preferences: (email: string) =>
      `${publicUrl}/newsletters/preferences?e=${encodeURIComponent(email)}&t=${tokens.preferences(key, email)}`,
  };

  async function entitlementsOfUser(userId: number): Promise<Set<string>> {
    return (await entitlementsOf(db, [userId], now())).get(userId) ?? new Set();
  }

  /** Confirmation email, once per `CONFIRM_RESEND_MS` per address and list however often the form is sent. */
  async function askToConfirm(subscription: Subscription): Promise<void> {
    const at = now();
    await db.transaction().execute(async (tx) => {
      if (!(await markConfirmSent(tx, subscription.id, at, new Date(at.getTime() - CONFIRM_RESEND_MS)))) return;
      await deps.notifier.notify(tx, {
        template: CONFIRM_TEMPLATE,
        data: { subscriptionId: subscription.id },
        uniqueKey: `newsletter-confirm:${subscription.id}:${at.getTime()}`,
      });
    });
  }

  /**
   * Signs an address up to a list. A signed-in reader with a verified address is subscribed at once (when the list's
   * audience takes them); any other address gets a confirmation link first (double opt-in), and the answer never
   * says whether it was on the list already.
   */
  async function signUp(slug: string, input: { email: string } | { reader: SignedInReader }): Promise<SignUpOutcome> {
    const newsletter = await findNewsletter(db, { slug });
    if (!newsletter || newsletter.retired) return 'no-such-list';
    if ('reader' in input) {
      const { reader } = input;
      const recipient = { userId: reader.userId, entitlements: await entitlementsOfUser(reader.userId) };
      if (!inAudience(newsletter.audience, recipient)) return 'not-in-audience';
      const subscription = await upsertPendingSubscription(db, newsletter.id, reader.email, now());
      if (subscription.status === 'confirmed') return 'subscribed';
      if (!reader.verified) {
        await askToConfirm(subscription);
        return 'check-inbox';
      }
      await confirmSubscription(db, subscription.id, now());
      return 'subscribed';
    }
    if (newsletter.audience.kind !== 'anyone') return 'sign-in-required';
    const subscription = await upsertPendingSubscription(db, newsletter.id, input.email, now());
    if (subscription.status === 'pending') await askToConfirm(subscription);
    return 'check-inbox';
  }

  /** Opens a confirmation link: the subscription it names, now confirmed; null for a link forged, stale or replaced. */
  async function confirm(subscriptionId: number, token: string): Promise<{ newsletter: Newsletter; subscription: Subscription } | null> {
    const sentAt = tokens.checkConfirm(key, subscriptionId, token, now());
    if (!sentAt) return null;
    const subscription = await findSubscription(db, subscriptionId);
    if (!subscription) return null;
    const newsletter = await findNewsletter(db, { id: subscription.newsletterId });
    if (!newsletter) return null;
    // A link from before an unsubscribe must not sign the address up again: only the latest email's link confirms.
    if (subscription.status === 'pending') {
      const latest = subscription.confirmSentAt;
      if (!latest || Math.floor(latest.getTime() / 1000) !== Math.floor(sentAt.getTime() / 1000)) return null;
      await confirmSubscription(db, subscription.id, now());
    } else if (subscription.status !== 'confirmed') return null;
    return { newsletter, subscription: { ...subscription, status: 'confirmed' } };
  }

  /** The subscription an unsubscribe link names, when its signature holds (null otherwise). */
  async function unsubscribeTarget(subscriptionId: number, token: string) {
    if (!tokens.checkUnsubscribe(key, subscriptionId, token)) return null;
    const subscription = await findSubscription(db, subscriptionId);
    if (!subscription) return null;
    const newsletter = await findNewsletter(db, { id: subscription.newsletterId });
    return newsletter ? { subscription, newsletter } : null;
  }

  /** Unsubscribes through a signed link (the one-click POST or the page's button); idempotent. */
  async function unsubscribeWithLink(subscriptionId: number, token: string) {
    const target = await unsubscribeTarget(subscriptionId, token);
    if (!target) return null;
    await unsubscribe(db, subscriptionId, now());
    return target;
  }

  /** Every list with whether `email` is on it (confirmed) and whether it may join (its audience). */
  async function preferences(email: string) {
    const [lists, subscriptions, accounts] = await Promise.all([
      listNewsletters(db),
      subscriptionsOf(db, email),
      accountsByEmail(db, [email]),
    ]);
    const userId = accounts.get(email) ?? null;
    const entitlements = userId === null ? new Set<string>() : await entitlementsOfUser(userId);
    return lists.map((newsletter) => {
      const subscription = subscriptions.find((s) => s.newsletterId === newsletter.id) ?? null;
      return {
        newsletter,
        subscribed: subscription?.status === 'confirmed',
        pending: subscription?.status === 'pending',
        mayJoin: inAudience(newsletter.audience, { userId, entitlements }),
      };
    });
  }

  /**
   * Saves an address's choices from its preferences page. `proven`: the page was reached through a signed link in an
   * email to the address, or signed in with the address verified, so a list chosen here is confirmed at once; else
   * (an unverified account's address) it gets a confirmation link first.
   */
  async function savePreferences(email: string, chosen: ReadonlySet<string>, proven: boolean): Promise<void> {
    for (const item of await preferences(email)) {
      const wanted = chosen.has(item.newsletter.slug);
      if (wanted && !item.subscribed && item.mayJoin) {
        const subscription = await upsertPendingSubscription(db, item.newsletter.id, email, now());
        if (proven) await confirmSubscription(db, subscription.id, now());
        else await askToConfirm(subscription);
      } else if (!wanted && (item.subscribed || item.pending)) {
        const subscription = (await subscriptionsOf(db, email)).find((s) => s.newsletterId === item.newsletter.id);
        if (subscription) await unsubscribe(db, subscription.id, now());
      }
    }
  }

  /** The email asking an address to confirm its sign-up (nothing once it is no longer pending). */
  const templates: Record<string, NotificationTemplate> = {
    [CONFIRM_TEMPLATE]: {
      data: Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }) }),
      async render(data: { subscriptionId: number }) {
        const subscription = await findSubscription(db, data.subscriptionId);
        if (!subscription || subscription.status !== 'pending' || !subscription.confirmSentAt) return null;
        const newsletter = await findNewsletter(db, { id: subscription.newsletterId });
        if (!newsletter) return null;
        const publication = deps.publication();
        const subject = `Confirm your subscription to ${newsletter.name}`;
        return {
          to: subscription.email,
          subject,
          tag: 'newsletter-confirm',
          ...renderEmail({
            publication,
            preheader: subject,
            paragraphs: [
              `Someone, we hope you, asked for ${newsletter.name} from ${publication} to be sent to this address.`,
              'Nothing will be sent until you confirm. The link works for 7 days.',
            ],
            action: { label: `Confirm ${newsletter.name}`, url: links.confirm(subscription, subscription.confirmSentAt) },
            footer: 'If you did not ask for it, ignore this email: you will not hear from us again.',
          }),
        };
      },
    },
  };

  return { signUp, confirm, unsubscribeTarget, unsubscribeWithLink, preferences, savePreferences, links, templates };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
