import type { Selectable } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { Gifts } from '../ports/schema.js';
import type { GatewayName } from '../billing/gateway.js';
import type { Gift, GiftSummary } from './model.js';

/** Gift subscriptions (table `gifts`). */

function toGift(r: Selectable<Gifts>): Gift {
  return {
    id: r.id,
    buyerId: r.buyer_id,
    planId: r.plan_id,
    amount: { minor: r.amount_minor, currency: r.currency },
    recipientEmail: r.recipient_email,
    recipientName: r.recipient_name,
    message: r.message,
    deliverAt: r.deliver_at,
    status: r.status,
    gateway: r.gateway as GatewayName,
    gatewayOrderId: r.gateway_order_id,
    paidAt: r.paid_at,
    emailedAt: r.emailed_at,
    redeemableUntil: r.redeemable_until,
    redeemedBy: r.redeemed_by,
    redeemedAt: r.redeemed_at,
    createdAt: r.created_at,
  };
}

/** Ids are int4: anything else cannot match, and would make PostgreSQL raise instead. */
const isId = (id: number) => Number.isInteger(id) && id >= 1 && id <= 2_147_483_647;

export async function insertGift(
  db: Db,
  g: Pick<Gift, 'buyerId' | 'planId' | 'amount' | 'recipientEmail' | 'recipientName' | 'message' | 'deliverAt' | 'gateway' | 'createdAt'>,
): Promise<number> {
  const row = await db
    .insertInto('gifts')
    .values({
      buyer_id: g.buyerId,
      plan_id: g.planId,
      amount_minor: g.amount.minor,
      currency: g.amount.currency,
      recipient_email: g.recipientEmail,
      recipient_name: g.recipientName,
      message: g.message,
      deliver_at: g.deliverAt,
      status: 'awaiting-payment',
      gateway: g.gateway,
      created_at: g.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setGiftOrder(db: Db, giftId: number, gatewayOrderId: string): Promise<void> {
  await db.updateTable('gifts').set({ gateway_order_id: gatewayOrderId }).where('id', '=', giftId).execute();
}

/** A gift that could not be paid for (the gateway would not start): never payable, never listed as paid. */
export async function abandonGift(db: Db, giftId: number): Promise<void> {
  await db.updateTable('gifts').set({ status: 'abandoned' }).where('id', '=', giftId).where('status', '=', 'awaiting-payment').execute();
}

export async function findGift(db: Db, id: number): Promise<Gift | null> {
  if (!isId(id)) return null;
  const row = await db.selectFrom('gifts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toGift(row) : null;
}

/** Locks the gift row for the rest of the transaction (payments and refunds of one gift queue here). */
export async function lockGift(tx: Tx, id: number): Promise<Gift | null> {
  if (!isId(id)) return null;
  const row = await tx.selectFrom('gifts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toGift(row) : null;
}

/** The gift whose link token hashes to `tokenHash`. */
export async function findGiftByTokenHash(db: Db, tokenHash: string): Promise<Gift | null> {
  const row = await db.selectFrom('gifts').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return row ? toGift(row) : null;
}

/** Marks an unpaid gift paid and how long it redeems. False when it was paid (or refunded) already. */
export async function markGiftPaid(
  tx: Tx,
  g: { id: number; paidAt: Date; redeemableUntil: Date; gatewayOrderId: string },
): Promise<boolean> {
  const row = await tx
    .updateTable('gifts')
    .set({ status: 'paid', paid_at: g.paidAt, redeemable_until: g.redeemableUntil, gateway_order_id: g.gatewayOrderId })
    .where('id', '=', g.id)
    .where('status', 'in', ['awaiting-payment', 'abandoned'])
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/**
 * A new link for a paid, unredeemed gift, as its email is sent: every earlier link stops working. Returns the
 * gift, or null when there is nothing to send any more (redeemed, refunded, expired).
 */
export async function setGiftLink(db: Db, g: { id: number; tokenHash: string; now: Date }): Promise<Gift | null> {
  const row = await db
    .updateTable('gifts')
    .set({ token_hash: g.tokenHash })
    .where('id', '=', g.id)
    .where('status', '=', 'paid')
    .where('redeemed_at', 'is', null)
    .where('redeemable_until', '>', g.now)
    .returningAll()
    .executeTakeFirst();
  return row ? toGift(row) : null;
}

/** The buyer changes where an unredeemed gift goes. False when it is not theirs, not paid, or redeemed. */
export async function setGiftRecipient(db: Db, g: { id: number; buyerId: number; recipientEmail: string }): Promise<boolean> {
  if (!isId(g.id)) return false;
  const row = await db
    .updateTable('gifts')
    .set({ recipient_email: g.recipientEmail })
    .where('id', '=', g.id)
    .where('buyer_id', '=', g.buyerId)
    .where('status', '=', 'paid')
    .where('redeemed_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/** Whether any payment for the gift is not yet refunded in full (a duplicate payment's refund leaves the gift as it is). */
export async function giftHasUnrefundedPayment(db: Db, giftId: number): Promise<boolean> {
  const row = await db
    .selectFrom('payments')
    .select('id')
    .where('gift_id', '=', giftId)
    .whereRef('refunded_minor', '<', 'amount_minor')
    .executeTakeFirst();
  return !!row;
}

export async function markGiftEmailed(db: Db, giftId: number, at: Date): Promise<void> {
  await db.updateTable('gifts').set({ emailed_at: at }).where('id', '=', giftId).execute();
}

/**
 * Redeems a gift for `userId`: one conditional update, so of any number of concurrent requests exactly one
 * sets `redeemed_at`; the others change nothing and get null. Only a paid gift, within its redeeming window.
 */
export async function claimGift(tx: Tx, g: { id: number; userId: number; now: Date }): Promise<Gift | null> {
  const row = await tx
    .updateTable('gifts')
    .set({ redeemed_by: g.userId, redeemed_at: g.now })
    .where('id', '=', g.id)
    .where('redeemed_at', 'is', null)
    .where('status', '=', 'paid')
    .where('redeemable_until', '>', g.now)
    .returningAll()
    .executeTakeFirst();
  return row ? toGift(row) : null;
}

export async function markGiftRefunded(tx: Tx, giftId: number): Promise<void> {
  await tx.updateTable('gifts').set({ status: 'refunded' }).where('id', '=', giftId).execute();
}

/** A buyer's gifts, newest first, a page at a time (keyset on id: `before` is the last id of the previous page). */
export async function listBuyerGifts(db: Db, buyerId: number, page: { before: number | null; limit: number }): Promise<GiftSummary[]> {
  let query = db
    .selectFrom('gifts')
    .innerJoin('plans', 'plans.id', 'gifts.plan_id')
    .selectAll('gifts')
    .select('plans.name as plan_name')
    .where('gifts.buyer_id', '=', buyerId)
    .where('gifts.status', '!=', 'abandoned');
  if (page.before !== null) query = query.where('gifts.id', '<', page.before);
  const rows = await query.orderBy('gifts.id', 'desc').limit(page.limit).execute();
  return rows.map((r) => ({ ...toGift(r), planName: r.plan_name }));
}

/** Every gift a reader bought, newest first (their data export), read a page at a time. */
export async function listAllBuyerGifts(db: Db, buyerId: number): Promise<GiftSummary[]> {
  const all: GiftSummary[] = [];
  for (;;) {
    const page = await listBuyerGifts(db, buyerId, { before: all.at(-1)?.id ?? null, limit: 500 });
    all.push(...page);
    if (page.length < 500) return all;
  }
}
