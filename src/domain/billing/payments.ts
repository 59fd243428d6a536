import type { GatewayName } from './gateway.js';

/**
 * A captured payment, and what has been refunded of it: for one period of a subscription, or for a gift
 * (kind `gift`: exactly one of `subscriptionId` and `giftId` is set; a gift's period is its capture time).
 */
export interface Payment {
  id: number;
  subscriptionId: number | null;
  giftId: number | null;
  userId: number;
  gateway: GatewayName;
  gatewayPaymentId: string;
  kind: 'initial' | 'renewal' | 'upgrade' | 'gift';
  planId: number;
  amountMinor: number;
  currency: string;
  refundedMinor: number;
  periodStart: Date;
  periodEnd: Date;
  capturedAt: Date;
}

/** A refund of (part of) a payment, as the gateway reported or confirmed it. */
export interface Refund {
  id: number;
  paymentId: number;
  gatewayRefundId: string;
  amountMinor: number;
  reason: string;
}

/** A payment as the admin list shows it: who paid, for which plan, with its invoice and any credit notes. */
export interface PaymentSummary {
  id: number;
  /** The reader's address; null once the account is deleted. */
  email: string | null;
  planName: string;
  kind: Payment['kind'];
  amountMinor: number;
  refundedMinor: number;
  currency: string;
  capturedAt: Date;
  invoiceNumber: string | null;
  creditNotes: string[];
  /** Debit notes reversing credit notes whose refunds failed. */
  debitNotes: string[];
  /** The reader's bank disputed the payment: open, won or lost (lost counts as a refund). */
  dispute: { status: 'open' | 'won' | 'lost'; reason: string } | null;
}
