import type { Money } from './money.js';
import type { TermUnit } from './plans.js';

/**
 * The built-in test gateway's hosted pages, as our web layer renders them under /test-gateway: the
 * checkout where the buyer approves, declines or abandons, and the mandate page where they change the
 * payment method. A real gateway hosts such pages itself; the test gateway (src/adapters/payments)
 * keeps the records and this is what it offers the pages.
 */

export type PaymentMethodChoice = 'card' | 'upi';

export interface TestCheckout {
  id: string;
  /** Our subscription; null for a one-time payment (`oneTime`). */
  subscriptionId: number | null;
  /** Set for a one-time payment (a gift): our reference, echoed back; nothing renews. */
  oneTime?: { reference: string; description: string };
  planName: string;
  amount: Money;
  term: { count: number; unit: TermUnit };
  email: string;
  returnUrl: string;
  cancelUrl: string;
  status: 'open' | 'approved' | 'declined' | 'abandoned';
  gatewaySubscriptionId: string | null;
}

export interface TestPayment {
  id: string;
  amount: Money;
  periodStart: string;
  periodEnd: string;
  at: string;
}

/** The test gateway's side of a subscription: the mandate it charges. */
export interface TestSubscription {
  id: string;
  subscriptionId: number;
  amount: Money;
  term: { count: number; unit: TermUnit };
  /** What the mandate does on the next debit: the hosted page lets the buyer make renewals fail. */
  mandate: 'approve' | 'decline';
  method: string;
  status: 'active' | 'cancelled';
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: string;
  payments: TestPayment[];
}

export interface TestGatewayPages {
  checkout(checkoutId: string): Promise<TestCheckout | null>;
  mandate(gatewaySubscriptionId: string): Promise<TestSubscription | null>;
  /** The buyer's choice on the hosted checkout page; returns where to send them next. */
  complete(
    checkoutId: string,
    outcome: 'approve' | 'decline' | 'abandon',
    method: PaymentMethodChoice,
    declineRenewals: boolean,
  ): Promise<string>;
  /** The buyer updates the payment method; an unpaid renewal is charged at once (as Razorpay does). */
  updateMandate(gatewaySubscriptionId: string, method: PaymentMethodChoice, overdue: boolean): Promise<void>;
}
