import { useForms } from '../http/forms.js';
import { privatePages } from '../http/security-headers.js';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { checkoutRoutes } from './checkout-routes.js';
import { giftRoutes } from './gift-routes.js';
import { invoiceRoutes } from './invoice-routes.js';
import { subscriptionRoutes } from './subscription-routes.js';
import { testGatewayRoutes } from './test-gateway-routes.js';

/**
 * Reader billing pages: checkout, the test gateway's hosted pages, the subscription page and invoices.
 * Server-rendered forms, no script except on Razorpay's checkout page. Every response is personal, so
 * none may be stored by a cache or indexed. Every query string, path parameter and form is read by the
 * form helper (`useForms`): a route that declares no schema for what it takes stops the app from starting.
 */
export async function billingPageRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  privatePages(app);
  useForms(app);
  await checkoutRoutes(app, ctx);
  await giftRoutes(app, ctx);
  await testGatewayRoutes(app, ctx);
  await subscriptionRoutes(app, ctx);
  await invoiceRoutes(app, ctx);
}
