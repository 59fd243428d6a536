import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PaymentMethodChoice, TestGatewayPages } from '../../domain/billing/test-gateway-pages.js';
import { sendPage } from '../accounts/flow.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { readForm } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { NoFields, RecordParams, TestCheckoutForm, TestMandateForm } from './forms.js';
import { testCheckoutPage, testMandatePage } from './test-gateway-views.js';

const CHOICES = { card: ['approve', 'card'], upi: ['approve', 'upi'], decline: ['decline', 'card'], abandon: ['abandon', 'card'] } as const;
const METHODS: readonly PaymentMethodChoice[] = ['card', 'upi'];

/**
 * The test gateway's hosted checkout and mandate pages, served only while the test gateway is on. Like a
 * real gateway's pages they know the buyer by the unguessable record id in the link, not by our session.
 */
export async function testGatewayRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  /** The hosted pages and the record id in the path; without the test gateway, or with a malformed id, a 404. */
  const hostedOr404 = (request: FastifyRequest): { hosted: TestGatewayPages; id: string } => {
    const hosted = ctx.billing.testGateway;
    const read = readForm(request, RecordParams, 'params');
    if (!hosted || !read.ok) throw new HttpProblem('not-found', 'There is no such test gateway page.');
    return { hosted, id: read.values.id };
  };
  const page = { schema: { params: RecordParams, querystring: NoFields }, attachValidation: true };
  const post = (body: typeof TestCheckoutForm | typeof TestMandateForm) => ({
    schema: { params: RecordParams, body },
    attachValidation: true,
  });
  const chrome = (request: FastifyRequest) => pageChrome(ctx, request);

  app.get('/test-gateway/checkout/:id', page, async (request, reply) => {
    const { hosted, id } = hostedOr404(request);
    const checkout = await hosted.checkout(id);
    if (!checkout) throw new HttpProblem('not-found', 'There is no such checkout.');
    return sendPage(reply, 200, testCheckoutPage(await chrome(request), { checkout, csrf: reply.generateCsrf() }));
  });

  app.post('/test-gateway/checkout/:id', post(TestCheckoutForm), async (request, reply) => {
    const { hosted, id } = hostedOr404(request);
    const checkout = await hosted.checkout(id);
    if (!checkout) throw new HttpProblem('not-found', 'There is no such checkout.');
    const read = readForm(request, TestCheckoutForm);
    // `choice` is one of the keywords (the keys of CHOICES) or ''.
    const choice = read.ok && read.values.choice ? CHOICES[read.values.choice as keyof typeof CHOICES] : null;
    if (!read.ok || !choice) throw new HttpProblem('bad-request', 'Choose one of the buttons.');
    const next = await hosted.complete(checkout.id, choice[0], choice[1], read.values.decline_renewals === '1');
    // The gateway returns the reader to PUBLIC_URL; this stand-in page is on the site itself, so it sends
    // them back by path, to the address they are using (a real gateway's page is not bound by our CSP).
    return reply.redirect(next.startsWith(`${ctx.config.publicUrl}/`) ? next.slice(ctx.config.publicUrl.length) : next, 303);
  });

  /** Whether our side of this mandate's subscription is past due: then the new method is charged at once. */
  async function overdue(gatewaySubscriptionId: string): Promise<boolean> {
    const sub = await ctx.billing.service.subscriptionByGatewayId('test', gatewaySubscriptionId);
    return sub?.status === 'past-due';
  }

  app.get('/test-gateway/mandate/:id', page, async (request, reply) => {
    const { hosted, id } = hostedOr404(request);
    const mandate = await hosted.mandate(id);
    if (!mandate) throw new HttpProblem('not-found', 'There is no such mandate.');
    const page = testMandatePage(await chrome(request), { mandate, overdue: await overdue(mandate.id), csrf: reply.generateCsrf() });
    return sendPage(reply, 200, page);
  });

  app.post('/test-gateway/mandate/:id', post(TestMandateForm), async (request, reply) => {
    const { hosted, id } = hostedOr404(request);
    const mandate = await hosted.mandate(id);
    if (!mandate) throw new HttpProblem('not-found', 'There is no such mandate.');
    const read = readForm(request, TestMandateForm);
    const method = read.ok ? METHODS.find((m) => m === read.values.method) : undefined;
    if (!method) throw new HttpProblem('bad-request', 'Choose a payment method.');
    await hosted.updateMandate(mandate.id, method, await overdue(mandate.id));
    return reply.redirect('/account/subscription?notice=method-updated', 303);
  });
}
