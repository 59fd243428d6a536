import type { FastifyReply, FastifyRequest } from 'fastify';
import { BillingError } from '../../domain/billing/service.js';
import { sendPage } from '../accounts/flow.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { pageChrome } from '../pages/chrome.js';
import { html, type SafeHtml } from '../views/html.js';
import { messagePage } from './page-parts.js';

/**
 * Turns a refused billing request into a page a reader can act on. Nothing here is a 5xx the reader
 * could mistake for an outage, except a gateway that did not answer (502). Anything else is rethrown.
 */
export function describeBillingError(error: BillingError): { status: number; title: string; body: SafeHtml } {
  switch (error.code) {
    case 'no-gateway':
      return {
        status: 409,
        title: 'Subscriptions are not on sale yet',
        body: html`<p>We cannot take payments at the moment, so subscriptions are not on sale yet. Please come back soon.</p><p><a href="/">Keep reading</a></p>`,
      };
    case 'already-subscribed':
      return {
        status: 409,
        title: 'You already have a subscription',
        body: html`<p>${error.message}</p><p><a class="button" href="/account/subscription">Go to your subscription</a></p>`,
      };
    case 'invalid-transition':
      return {
        status: 409,
        title: 'That cannot be done now',
        body: html`<p>${error.message}</p><p><a href="/account/subscription">Back to your subscription</a></p>`,
      };
    case 'invalid-amount':
      return { status: 400, title: 'Check the amount', body: html`<p>${error.message}</p>` };
    case 'gateway-error':
      return {
        status: 502,
        title: 'The payment gateway did not answer',
        body: html`<p>We could not reach the payment gateway, and nothing was charged. Please try again in a few minutes.</p><p><a href="/plans">Back to the plans</a></p>`,
      };
    case 'unknown-plan':
    case 'not-found':
      throw new HttpProblem('not-found', error.message);
  }
}

/** Runs billing work; a BillingError is answered with its page (logged when the gateway failed), anything else thrown. */
export async function withBillingPage<T>(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; sent: FastifyReply }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    if (error.code === 'gateway-error') request.log.error({ err: error }, 'payment gateway failed');
    const page = describeBillingError(error);
    return { ok: false, sent: sendPage(reply, page.status, messagePage(await pageChrome(ctx, request), page)) };
  }
}
