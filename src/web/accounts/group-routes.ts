import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { requireSession as session } from '../http/auth.js';
import { form, id } from '../http/forms.js';
import type { SafeHtml } from '../views/html.js';
import { redirectToLogin } from './flow.js';
import { groupAccessSection } from './group-views.js';

const GroupParams = form({ id: id({ invalid: 'There is no such group.' }) });

/** The group access part of /account: the groups of the network this request comes from, and those the reader may join. */
export async function groupAccessOf(ctx: AppContext, request: FastifyRequest, csrf: string): Promise<SafeHtml> {
  const { user } = session(request);
  const now = ctx.now();
  return groupAccessSection({
    network: ctx.groups.network.of(request.ip, now),
    offers: await ctx.groups.domainGroupsFor(user, now),
    csrf,
    name: (key) => ctx.business.catalogue.find(key)?.name ?? key,
  });
}

/** Joining a domain group from /account (the rules: `group-members.ts`); the outcome is said on /account. */
export function groupJoinRoutes(scope: FastifyInstance, ctx: AppContext): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/account/groups/:id/join',
    {
      schema: { params: GroupParams, body: form({}) },
      preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
        if (!request.auth) return redirectToLogin(reply, '/account');
      },
    },
    async (request, reply) => {
      const outcome = await ctx.groups.join(session(request).user.id, request.params.id, ctx.now());
      return reply.redirect(`/account?notice=group-${outcome}`, 303);
    },
  );
}
