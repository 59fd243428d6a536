import type { User } from '../accounts/model.js';
import { gatewayFor, type BillingDeps } from '../billing/deps.js';
import { addTerm } from '../billing/lifecycle.js';
import { findActivePlanBySlug, findPlan } from '../billing/plan-queries.js';
import { describeTerm, type Plan } from '../billing/plans.js';
import { findReader } from '../billing/readers.js';
import { grantEntitlements } from '../entitlements/queries.js';
import { DomainError, fail, ok, type Result } from '../errors.js';
import type { Mailer } from '../ports/mailer.js';
import { renderGiftEmail } from './emails.js';
import { giftReference, giftSource, type Gift, type GiftSummary, type GiftView } from './model.js';
import { GIFT_EMAIL_JOB, hashGiftToken, newGiftToken } from './payments.js';
import {
  abandonGift,
  claimGift,
  findGift,
  findGiftByTokenHash,
  insertGift,
  listBuyerGifts,
  markGiftEmailed,
  setGiftLink,
  setGiftOrder,
  setGiftRecipient,
} from './queries.js';
import type { GiftOrder } from './rules.js';

export interface GiftDeps extends BillingDeps {
  /** The gift email is sent by its job, which records when it went. */
  mailer: Mailer;
}

/** A link's token: 32 random bytes, base64url. Anything else names no gift, and is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const PAGE = 25;

/**
 * Gift subscriptions as the web layer and the jobs use them: buying one (a one-time payment), the buyer's
 * list, the redemption page and redeeming, and the email to the recipient. Payment and refund are applied by
 * billing's event handling (`payments.ts`).
 */
export function createGiftService(deps: GiftDeps) {
  const timeZone = () => deps.timeZone ?? 'Asia/Kolkata';

  /** Whether gifts are on sale: a checkout gateway that takes one-time payments. */
  function available(): boolean {
    const name = deps.checkoutGateway;
    return !!name && !!deps.gateways[name]?.startOneTimePayment;
  }

  /** A gift by the token of its link: paid, not refunded, still redeemable (redeemed or not); else null. */
  async function byToken(token: string): Promise<{ gift: Gift; plan: Plan } | null> {
    if (!TOKEN.test(token)) return null;
    const gift = await findGiftByTokenHash(deps.db, hashGiftToken(token));
    if (!gift || gift.status !== 'paid' || !gift.redeemableUntil) return null;
    if (!gift.redeemedAt && gift.redeemableUntil <= deps.now()) return null;
    const plan = await findPlan(deps.db, gift.planId);
    return plan ? { gift, plan } : null;
  }

  async function buyerName(buyerId: number): Promise<string> {
    const buyer = await findReader(deps.findReaders, deps.db, buyerId);
    return buyer?.name || buyer?.email || 'A reader';
  }

  async function queueEmailNow(giftId: number): Promise<void> {
    const now = deps.now();
    // One send a minute at most, however often the buyer presses.
    const minute = now.toISOString().slice(0, 16);
    await deps.jobs.enqueue(deps.db, {
      kind: GIFT_EMAIL_JOB,
      payload: { giftId },
      uniqueKey: `gift-email:${giftId}:${minute}`,
      runAt: now,
    });
  }

  return {
    available,

    /**
     * Starts buying `planSlug` as a gift: the gift awaiting payment, and where to send the buyer to pay once.
     * Throws `no-gateway` when gifts are not on sale, `unknown-plan`, or `gateway-error`.
     */
    async startPurchase(user: User, planSlug: string, order: GiftOrder): Promise<{ giftId: number; redirectUrl: string }> {
      const name = deps.checkoutGateway;
      const gateway = name ? gatewayFor(deps, name) : null;
      if (!name || !gateway?.startOneTimePayment) throw new DomainError('no-gateway', 'Gifts are not on sale.');
      const plan = await findActivePlanBySlug(deps.db, planSlug);
      if (!plan) throw new DomainError('unknown-plan', 'There is no such plan.');
      const giftId = await insertGift(deps.db, {
        buyerId: user.id,
        planId: plan.id,
        amount: plan.price,
        gateway: name,
        createdAt: deps.now(),
        ...order,
      });
      try {
        const start = await gateway.startOneTimePayment({
          reference: giftReference(giftId),
          description: `Gift: ${plan.name} (${describeTerm(plan.term)})`,
          amount: plan.price,
          customer: { userId: user.id, email: user.email, name: user.name },
          returnUrl: `${deps.publicUrl}/gift/complete?gift=${giftId}`,
          cancelUrl: `${deps.publicUrl}/gift/${plan.slug}`,
        });
        await setGiftOrder(deps.db, giftId, start.gatewayOrderId);
        return { giftId, redirectUrl: start.redirectUrl };
      } catch (error) {
        await abandonGift(deps.db, giftId);
        throw new DomainError('gateway-error', `The payment gateway could not start the payment: ${(error as Error).message}`);
      }
    },

    /** One of the buyer's own gifts (another reader's is not found: its existence is not disclosed). */
    async owned(user: User, giftId: number): Promise<GiftSummary> {
      const gift = await findGift(deps.db, giftId);
      const plan = gift ? await findPlan(deps.db, gift.planId) : null;
      if (!gift || !plan || gift.buyerId !== user.id) throw new DomainError('not-found', 'There is no such gift on your account.');
      return { ...gift, planName: plan.name };
    },

    /** The buyer's gifts, newest first, a page at a time (`before`: the last id shown). */
    list: (userId: number, before: number | null): Promise<GiftSummary[]> => listBuyerGifts(deps.db, userId, { before, limit: PAGE }),
    pageSize: PAGE,

    /** What the redemption page shows; null for a link that names no redeemable gift (unknown, unpaid, refunded, expired). */
    async view(token: string): Promise<GiftView | null> {
      const found = await byToken(token);
      const redeemableUntil = found?.gift.redeemableUntil;
      if (!found || !redeemableUntil) return null;
      const { gift, plan } = found;
      return {
        id: gift.id,
        planName: plan.name,
        term: describeTerm(plan.term),
        from: await buyerName(gift.buyerId),
        recipientName: gift.recipientName,
        message: gift.message,
        redeemableUntil,
        redeemed: gift.redeemedAt !== null,
        entitlements: plan.entitlements,
      };
    },

    /**
     * Redeems the gift into `user`'s account: the plan's entitlements from now for its term (source `gift:<id>`),
     * nothing renewing. One conditional update decides: of concurrent redemptions exactly one wins; the rest get
     * `conflict` ("already redeemed"). An unknown, unpaid, refunded or expired link is `not-found`.
     */
    async redeem(
      user: User,
      token: string,
    ): Promise<Result<{ planName: string; endsAt: Date; entitlements: string[] }, 'not-found' | 'conflict'>> {
      const found = await byToken(token);
      if (!found) return fail('not-found', 'This gift link is not valid, or it has expired.');
      if (found.gift.redeemedAt) return fail('conflict', 'This gift has already been redeemed.');
      const now = deps.now();
      const redeemed = await deps.db.transaction().execute(async (tx) => {
        const claimed = await claimGift(tx, { id: found.gift.id, userId: user.id, now });
        if (!claimed) return null;
        const endsAt = addTerm(now, found.plan.term, timeZone());
        await grantEntitlements(tx, {
          userId: user.id,
          entitlements: found.plan.entitlements,
          source: giftSource(claimed.id),
          startsAt: now,
          endsAt,
        });
        return { planName: found.plan.name, endsAt, entitlements: found.plan.entitlements };
      });
      return redeemed ? ok(redeemed) : fail('conflict', 'This gift has already been redeemed.');
    },

    /** The buyer sends the gift email again (a new link; the old one stops working). Only once it was sent. */
    async resend(user: User, giftId: number): Promise<Result<void, 'not-found' | 'conflict'>> {
      const gift = await this.owned(user, giftId);
      if (gift.status !== 'paid' || gift.redeemedAt) return fail('conflict', 'This gift can no longer be sent.');
      if (!gift.emailedAt) return fail('conflict', 'This gift has not been sent yet: it goes on its delivery date.');
      await queueEmailNow(gift.id);
      return ok(undefined);
    },

    /** The buyer changes the recipient's address before the gift is redeemed; sent already, it goes again to the new one. */
    async changeRecipient(user: User, giftId: number, email: string): Promise<Result<void, 'not-found' | 'conflict'>> {
      const gift = await this.owned(user, giftId);
      if (!(await setGiftRecipient(deps.db, { id: gift.id, buyerId: user.id, recipientEmail: email })))
        return fail('conflict', 'This gift can no longer be changed.');
      if (gift.emailedAt) await queueEmailNow(gift.id);
      return ok(undefined);
    },

    /**
     * The gift email job: a new link (only its hash is stored, so the link exists nowhere but in this email),
     * sent to the recipient's address as it is now, and the time it went recorded. Nothing goes for a gift
     * redeemed, refunded or expired meanwhile.
     */
    async deliver(giftId: number): Promise<void> {
      const now = deps.now();
      const { token, hash } = newGiftToken();
      const gift = await setGiftLink(deps.db, { id: giftId, tokenHash: hash, now });
      const plan = gift ? await findPlan(deps.db, gift.planId) : null;
      if (!gift || !plan || !gift.redeemableUntil) return;
      const message = renderGiftEmail(deps, {
        gift,
        plan,
        buyer: await buyerName(gift.buyerId),
        url: `${deps.publicUrl}/gift/redeem/${token}`,
      });
      await deps.mailer.send(message);
      await markGiftEmailed(deps.db, gift.id, now);
    },
  };
}

export type GiftService = ReturnType<typeof createGiftService>;
