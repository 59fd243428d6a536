import type { GatewayName } from '../billing/gateway.js';
import type { Money } from '../billing/money.js';

/**
 * A gift subscription: one term of a plan, bought by one reader (the buyer) for someone else with a one-time
 * payment. Glossary: the *recipient* is who the buyer names (email, name); the reader who *redeems* may sign in
 * with any address (a recipient often reads under another one), so the gift goes to whoever opens the link
 * first while it is redeemable. The link's token is the only key; we keep its SHA-256.
 */
export interface Gift {
  id: number;
  buyerId: number;
  planId: number;
  /** What the buyer paid: the plan's GST-inclusive price when they bought it. */
  amount: Money;
  recipientEmail: string;
  recipientName: string;
  message: string;
  /** When the gift email goes out (the job runs then). */
  deliverAt: Date;
  status: 'awaiting-payment' | 'paid' | 'refunded' | 'abandoned';
  gateway: GatewayName;
  gatewayOrderId: string | null;
  paidAt: Date | null;
  emailedAt: Date | null;
  /** The last instant the link redeems: a year after the delivery date (`REDEEMABLE_FOR`). */
  redeemableUntil: Date | null;
  redeemedBy: number | null;
  redeemedAt: Date | null;
  createdAt: Date;
}

/** How long a gift can be redeemed after it is delivered. */
export const REDEEMABLE_FOR = { count: 1, unit: 'year' } as const;
/** How far ahead a delivery date may be. */
export const DELIVERY_HORIZON = { count: 1, unit: 'year' } as const;
/** The hour of the publisher's day when a gift dated for a later day is emailed. */
export const DELIVERY_HOUR = 8;

export const GIFT_LIMITS = { name: 100, message: 500, email: 254 } as const;

/** Our reference for a gift at the gateway (echoed back in its payment event), and its inverse. */
export const giftReference = (giftId: number): string => `gift:${giftId}`;
export function giftIdOfReference(reference: string): number | null {
  const match = /^gift:(\d{1,10})$/.exec(reference);
  const id = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(id) && id >= 1 && id <= 2_147_483_647 ? id : null;
}

/** The entitlement source of a redeemed gift (labelled "a gift" on the account page). */
export const giftSource = (giftId: number): string => `gift:${giftId}`;

/** The gift as the buyer sees it on /account/gifts. */
export interface GiftSummary extends Gift {
  planName: string;
}

/** A gift as its redemption page shows it: what, from whom, the message, and whether it can still be redeemed. */
export interface GiftView {
  id: number;
  planName: string;
  term: string;
  from: string;
  recipientName: string;
  message: string;
  redeemableUntil: Date;
  redeemed: boolean;
  /** The plan's entitlements, for the page to list. */
  entitlements: string[];
}
