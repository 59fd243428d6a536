import type { FastifyRequest } from 'fastify';
import type { Plan } from '../../domain/billing/plans.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { readForm } from '../http/forms.js';
import { contentSecurityPolicy } from '../http/security-headers.js';
import { PlanParams, valuesOr404 } from './forms.js';

/** The plan on sale that the path (`/…/:plan`) names; any other is not found. Checkout and gifts share it. */
export async function planOnSale(ctx: AppContext, request: FastifyRequest): Promise<Plan> {
  const { plan: slug } = valuesOr404(readForm(request, PlanParams, 'params'));
  const plan = await ctx.billing.service.activePlan(slug);
  if (!plan) throw new HttpProblem('not-found', 'There is no such plan.');
  return plan;
}

/**
 * The CSP of a form that hands the reader to the gateway's hosted page by a redirect, which the browser checks
 * against the form page's `form-action`: the page allows the checkout gateway's origins as well as its own.
 */
export function gatewayFormCsp(ctx: AppContext): string {
  const gateway = ctx.billing.deps.checkoutGateway;
  const origins = (gateway && ctx.billing.gateways[gateway]?.checkoutOrigins) ?? [];
  return contentSecurityPolicy({ 'form-action': ["'self'", ...origins].join(' ') });
}
