import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PaymentMethodChoice, TestGatewayPages } from '../../domain/billing/test-gateway-pages.js';
import { sendPage } from '../accounts/flow.js';
import { field } from '../accounts/forms.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { pageChrome } from '../pages/chrome.js';

import { testCheckoutPage, testMandatePage } from './test-gateway-views.js';

type IdParams = { Params: { id: string } };

/** Test gateway record ids: a prefix and 12 base64url characters. */
const RECORD_ID = /^(chk|sub)_[A-Za-z0-9_-]{8,40}$/;
const CHOICES = { card: ['approve', 'card'], upi: ['approve', 'upi'], decline: ['decline', 'card'], abandon: ['abandon', 'card'] } as const;
const METHODS: readonly PaymentMethodChoice[] = ['card', 'upi'];

/**
 * The test gateway's hosted checkout and mandate pages, served only while the test gateway is on. Like a
 * real gateway's pages they know the buyer by the unguessable record id in the link, not by our session.
 */
export async function testGatewayRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const hostedOr404 = (id: string): TestGatewayPages => {
    const hosted = ctx.billing.testGateway;
    if (!hosted || !RECORD_ID.test(id)) throw new HttpProblem('not-found', 'There is no such test gateway page.');
    return hosted;
  };
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);

  app.get<IdParams>('/test-gateway/checkout/:id', async (request, reply) => {
    const checkout = await hostedOr404(request.params.id).checkout(request.params.id);
    if (!checkout) throw new HttpProblem('not-found', 'There is no such checkout.');
    return sendPage(reply, 200, testCheckoutPage(await chrome(request), { checkout, csrf: reply.generateCsrf() }));
  });

  app.post<IdParams>('/test-gateway/checkout/:id', async (request, reply) => {
    const hosted = hostedOr404(request.params.id);
    const checkout = await hosted.checkout(request.params.id);
    if (!checkout) throw new HttpProblem('not-found', 'There is no such checkout.');
    const choice = CHOICES[field(request.body, 'choice') as keyof typeof CHOICES];
    if (!choice) throw new HttpProblem('bad-request', 'Choose one of the buttons.');
    const next = await hosted.complete(checkout.id, choice[0], choice[1], field(request.body, 'decline_renewals') === '1');
    return reply.redirect(next, 303);
  });

  /** Whether our side of this mandate's subscription is past due: then the new method is charged at once. */
  async function overdue(gatewaySubscriptionId: string): Promise<boolean> {
    const sub = await ctx.billing.service.subscriptionByGatewayId('test', gatewaySubscriptionId);
    return sub?.status === 'past-due';
  }

  app.get<IdParams>('/test-gateway/mandate/:id', async (request, reply) => {
    const mandate = await hostedOr404(request.params.id).mandate(request.params.id);
    if (!mandate) throw new HttpProblem('not-found', 'There is no such mandate.');
    const page = testMandatePage(await chrome(request), { mandate, overdue: await overdue(mandate.id), csrf: reply.generateCsrf() });
    return sendPage(reply, 200, page);
  });

  app.post<IdParams>('/test-gateway/mandate/:id', async (request, reply) => {
    const hosted = hostedOr404(request.params.id);
    const mandate = await hosted.mandate(request.params.id);
    if (!mandate) throw new HttpProblem('not-found', 'There is no such mandate.');
    const method = METHODS.find((m) => m === field(request.body, 'method'));
    if (!method) throw new HttpProblem('bad-request', 'Choose a payment method.');
    await hosted.updateMandate(mandate.id, method, await overdue(mandate.id));
    return reply.redirect('/account/subscription?notice=method-updated', 303);
  });
}
