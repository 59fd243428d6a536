import type { Copy } from '../copy/copy.js';
import { DomainError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Db } from '../ports/database.js';
import type { RenderInvoicePdf } from '../ports/invoice-pdf.js';
import type { BillingRules } from './rules.js';
import type { GatewayName, PaymentGateway } from './gateway.js';
import type { Subscription } from './subscriptions.js';

/** What billing's use cases are given (wired in main.ts), and the gateway a subscription is on. */
export interface BillingDeps extends BillingRules {
  db: Db;
  gateways: Partial<Record<GatewayName, PaymentGateway>>;
  /** The gateway new checkouts use; null when none is configured (checkout is then unavailable). */
  checkoutGateway: GatewayName | null;
  publicUrl: string;
  now: Clock;
  renderInvoicePdf: RenderInvoicePdf;
  /** Billing emails are written in the publication's name, with copy from the catalog. */
  copy: Copy;
  /** The publication's current name, read for each email (a renamed publication shows in the next one). */
  publication: () => string;
}

/** The configured gateway of that name; a subscription on a gateway no longer configured cannot be changed. */
export function gatewayFor(deps: Pick<BillingDeps, 'gateways'>, name: Subscription['gateway']) {
  const gateway = deps.gateways[name];
  if (!gateway) throw new DomainError('no-gateway', `The ${name} gateway is not configured.`);
  return gateway;
}
