import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { requireSession as session } from '../http/auth.js';
import { ERROR_STATUS, HttpProblem } from '../http/errors.js';
import { form, id, readForm } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { redirectToLogin, sendPage } from './flow.js';
import { NoFields } from './forms.js';
import { codesOnTheirWayPage, notIncludedPage } from './partner-views.js';

const ClaimParams = form({ id: id({ invalid: 'There is no such partner.' }) });

/**
 * Claiming a partner bundle's activation code (the form on /account). One code per reader and partner, only
 * while they hold the partner's entitlement; claiming again shows the same code.
 */
export function partnerClaimRoutes(app: FastifyInstance, ctx: AppContext): void {
  const signedIn = {
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.auth) return redirectToLogin(reply, '/account');
    },
  };
  app.post('/account/partners/:id/claim', { schema: { params: ClaimParams, body: NoFields }, ...signedIn }, async (request, reply) => {
    const auth = session(request);
    const params = readForm(request, ClaimParams, 'params');
    const outcome = params.ok ? await ctx.partners.claims.claim(auth.user.id, params.values.id) : null;
    if (!outcome) throw new HttpProblem('not-found', 'There is no such partner bundle.');
    const chrome = await pageChrome(ctx, request);
    if (outcome.kind === 'not-entitled') return sendPage(reply, ERROR_STATUS.forbidden, notIncludedPage(chrome));
    if (outcome.kind === 'pool-empty') return sendPage(reply, 200, codesOnTheirWayPage(chrome, outcome.partner));
    return reply.redirect(`/account?notice=partner-claimed#partner-${outcome.access.partner.id}`, 303);
  });
}
