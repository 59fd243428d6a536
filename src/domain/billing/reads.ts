import type { Db } from '../ports/database.js';
import { disputesOfPayments } from './reversal-queries.js';
import type { RenderInvoicePdf } from '../ports/invoice-pdf.js';
import type { GatewayName } from './gateway.js';
import type { Invoice } from './invoice-model.js';
import { can, type Actor } from '../policies/policies.js';
import { documentNumbersOfPayments, findInvoice, findUserInvoice, listUserInvoices } from './invoice-queries.js';
import { findPayment, listRecentPayments } from './payment-queries.js';
import type { Payment, PaymentSummary } from './payments.js';
import { findActivePlanBySlug, findPlan, findPlans, listActivePlans } from './plan-queries.js';
import type { Plan } from './plans.js';
import { findBillingProfile, saveBillingProfile } from './profile-queries.js';
import type { BillingProfile } from './profiles.js';
import type { FindReaders } from './readers.js';
import { findSubscriptionIdByGatewayId } from './subscription-queries.js';
import { findSubscription, listUserSubscriptions, type Subscription } from './subscriptions.js';

const RUNNING = new Set(['active', 'past-due']);

/**
 * What the billing pages read, and the billing details a reader saves: the web layer reaches billing data
 * only through these (and the use cases), never through a query.
 */
export function createBillingReads(deps: { db: Db; now: () => Date; findReaders: FindReaders; renderInvoicePdf: RenderInvoicePdf }) {
  const { db } = deps;
  return {
    /** The plans on sale, in the publisher's order. */
    activePlans: (): Promise<Plan[]> => listActivePlans(db),
    /** Any plan by id, on sale or retired (a subscription may be on a retired plan). */
    plan: (id: number): Promise<Plan | null> => findPlan(db, id),
    /** A plan on sale, by its slug. */
    activePlan: (slug: string): Promise<Plan | null> => findActivePlanBySlug(db, slug),

    /** The reader's running subscription (active or past due), if any. */
    async current(userId: number): Promise<Subscription | null> {
      const subs = await listUserSubscriptions(db, userId);
      return subs.find((s) => RUNNING.has(s.status)) ?? null;
    },
    /** The reader's subscriptions, newest first. */
    list: (userId: number): Promise<Subscription[]> => listUserSubscriptions(db, userId),
    /** The subscription a gateway knows by its own id (the test gateway's mandate page, Razorpay's callback). */
    async subscriptionByGatewayId(gateway: GatewayName, gatewaySubscriptionId: string): Promise<Subscription | null> {
      const id = await findSubscriptionIdByGatewayId(db, gateway, gatewaySubscriptionId);
      return id === null ? null : findSubscription(db, id);
    },

    billingProfile: (userId: number): Promise<BillingProfile | null> => findBillingProfile(db, userId),
    /** Saves the details the next invoice is addressed with (issued invoices keep theirs). */
    saveBillingProfile: (userId: number, profile: BillingProfile): Promise<void> => saveBillingProfile(db, userId, profile, deps.now()),

    /** The reader's invoices and credit notes, newest first. */
    invoices: (userId: number): Promise<Invoice[]> => listUserInvoices(db, userId),
    /** One invoice or credit note, only if it belongs to the reader: any other id reads as missing. */
    invoice: (userId: number, id: number): Promise<Invoice | null> => findUserInvoice(db, userId, id),
    /**
     * One invoice or credit note, if `actor` may see it (policy `viewInvoice`: its reader, or an admin who
     * handles payments). Any other id reads as missing, whether or not it exists.
     */
    async invoiceFor(actor: Actor, id: number): Promise<Invoice | null> {
      const invoice = await findInvoice(db, id);
      return invoice && can(actor, 'viewInvoice', invoice) ? invoice : null;
    },
    invoicePdf: (invoice: Invoice): Promise<Buffer> => deps.renderInvoicePdf(invoice),

    payment: (id: number): Promise<Payment | null> => findPayment(db, id),
    /** The newest payments first, with who paid, the plan and the documents issued, for the admin. */
    async recentPayments(limit = 100): Promise<PaymentSummary[]> {
      const payments = await listRecentPayments(db, limit);
      const ids = payments.map((p) => p.id);
      const [plans, documents, disputes] = await Promise.all([
        findPlans(
          db,
          payments.map((p) => p.planId),
        ),
        documentNumbersOfPayments(db, ids),
        disputesOfPayments(db, ids),
      ]);
      const readers = await deps.findReaders(db, [...new Set(payments.map((p) => p.userId))]);
      return payments.map((p) => ({
        id: p.id,
        email: readers.get(p.userId)?.email ?? null,
        planName: plans.get(p.planId)?.name ?? '',
        kind: p.kind,
        amountMinor: p.amountMinor,
        refundedMinor: p.refundedMinor,
        currency: p.currency,
        capturedAt: p.capturedAt,
        invoiceNumber: documents.get(p.id)?.invoice ?? null,
        creditNotes: documents.get(p.id)?.creditNotes ?? [],
        debitNotes: documents.get(p.id)?.debitNotes ?? [],
        dispute: disputes.get(p.id) ?? null,
      }));
    },
  };
}
