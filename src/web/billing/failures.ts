import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, isDomainError, type ErrorCode, type Result } from '../../domain/errors.js';
import { sendPage } from '../accounts/flow.js';
import type { AppContext } from '../../context.js';
import { ERROR_STATUS, HttpProblem } from '../http/errors.js';
import { pageChrome } from '../pages/chrome.js';
import { html, type SafeHtml } from '../views/html.js';
import { messagePage } from './page-parts.js';

/** A refused billing request as the domain reports it: a stable code and a message safe to show. */
export interface BillingFailure {
  code: ErrorCode;
  message: string;
}

type Page = (message: string) => { title: string; body: SafeHtml };

/**
 * What a reader is told for each refusal they can act on. The status is not here: it is the one
 * `ERROR_STATUS` gives the code, as for every other page and the API.
 */
const PAGES: Partial<Record<ErrorCode, Page>> = {
  'no-gateway': () => ({
    title: 'Subscriptions are not on sale yet',
    body: html`<p>We cannot take payments at the moment, so subscriptions are not on sale yet. Please come back soon.</p><p><a href="/">Keep reading</a></p>`,
  }),
  'already-subscribed': (message) => ({
    title: 'You already have a subscription',
    body: html`<p>${message}</p><p><a class="button" href="/account/subscription">Go to your subscription</a></p>`,
  }),
  'invalid-transition': (message) => ({
    title: 'That cannot be done now',
    body: html`<p>${message}</p><p><a href="/account/subscription">Back to your subscription</a></p>`,
  }),
  'invalid-amount': (message) => ({ title: 'Check the amount', body: html`<p>${message}</p>` }),
  'gateway-error': () => ({
    title: 'The payment gateway did not answer',
    body: html`<p>We could not reach the payment gateway, and nothing was charged. Please try again in a few minutes.</p><p><a href="/plans">Back to the plans</a></p>`,
  }),
};

/**
 * Turns a refused billing request into a page a reader can act on. Nothing here is a 5xx the reader
 * could mistake for an outage, except a gateway that did not answer (502). What is missing is the ordinary
 * 404; a code without a page of its own goes to the ordinary error page.
 */
export function describeBillingFailure(failure: BillingFailure): { status: number; title: string; body: SafeHtml } {
  if (failure.code === 'not-found' || failure.code === 'unknown-plan') throw new HttpProblem('not-found', failure.message);
  const page = PAGES[failure.code];
  if (!page) throw new DomainError(failure.code, failure.message);
  return { status: ERROR_STATUS[failure.code], ...page(failure.message) };
}

/** Sends the page for a refused billing request (logged when the gateway failed). */
export async function sendBillingFailure(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  failure: BillingFailure,
): Promise<FastifyReply> {
  if (failure.code === 'gateway-error') request.log.error({ failure }, 'payment gateway failed');
  const page = describeBillingFailure(failure);
  return sendPage(reply, page.status, messagePage(await pageChrome(ctx, request), page));
}

/**
 * Runs billing work whose refusals are expected: a failed `Result`, or a `DomainError` thrown by a use case
 * that could not go on, is answered with its page; anything else is thrown on.
 */
export async function withBillingPage<T>(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<Result<T>>,
): Promise<{ ok: true; value: T } | { ok: false; sent: FastifyReply }> {
  let outcome: Result<T>;
  try {
    outcome = await work();
  } catch (error) {
    if (!isDomainError(error)) throw error;
    outcome = { ok: false, code: error.code, message: error.message };
  }
  if (outcome.ok) return outcome;
  return { ok: false, sent: await sendBillingFailure(ctx, request, reply, outcome) };
}
