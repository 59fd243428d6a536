import { createHash, timingSafeEqual } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { can, actorOf } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { adminApiScope } from './admin-api.js';
import * as S from './schemas.js';

/**
 * The IP allow-list of group access, for an edge proxy (a CDN or load balancer that lets institutions' networks
 * past a cache or a bot wall): the network groups in force, their ranges as CIDR blocks. Not public: it names the
 * institutions. The proxy sends MASTHEAD_EDGE_TOKEN as a bearer token, or a member of staff with `manageBusiness`
 * their access token; anything else is 401 (a signed-in reader's token: 404, as every admin API route answers).
 */

const BEARER = /^Bearer (\S{1,200})$/;

const sameSecret = (a: string, b: string) => {
  // Hashed first: equal lengths for the comparison, and nothing learnt from how long it took.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
};

const GroupJson = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    entitlements: Type.Array(Type.String(), { description: 'Keys of the entitlement catalogue the group gives.' }),
    ranges: Type.Array(Type.String(), { description: 'CIDR blocks (IPv4 and IPv6); dash ranges come split into blocks.' }),
    starts_at: Type.String({ format: 'date-time' }),
    ends_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'null: no end date' }),
  },
  { additionalProperties: false },
);

export function ipAllowListRoutes(scope: FastifyInstance, ctx: AppContext): void {
  adminApiScope(scope);
  scope.addHook('onSend', async (_request, reply) => {
    if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="api"');
  });
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  /** The edge token, or a live staff session with `manageBusiness`; throws the refusal otherwise. */
  async function authorise(request: FastifyRequest): Promise<void> {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw new HttpProblem('unauthorized', 'Send Authorization: Bearer <MASTHEAD_EDGE_TOKEN or a staff access token>.');
    const edge = ctx.config.edgeToken;
    if (edge !== null && sameSecret(token, edge)) return;
    const session = await ctx.accounts.resolveSession(token);
    if (!session) throw new HttpProblem('invalid-token', 'The token is neither the edge token nor a live access token.');
    if (!can(actorOf(session.user), 'manageBusiness')) throw new HttpProblem('not-found', 'Not found.');
  }

  app.get(
    '/api/v1/access/ip-allowlist',
    {
      schema: {
        tags: ['access'],
        operationId: 'getIpAllowList',
        summary: 'The IP ranges of group access in force, for an edge proxy',
        description:
          'Every group (institution) whose access is in force now and opens by network, with its ranges as CIDR blocks. Authorization: Bearer with MASTHEAD_EDGE_TOKEN, or a staff access token with the manageBusiness ability. Readers inside a range have the group’s entitlements on every request, signed in or not; the list changes when staff save a group and at each group’s start and end.',
        security: [{ edgeToken: [] }],
        response: {
          200: Type.Object(
            { groups: Type.Array(GroupJson), generated_at: Type.String({ format: 'date-time' }) },
            { additionalProperties: false },
          ),
          ...S.errorResponses('unauthorized', 'invalid-token', 'not-found'),
        },
      },
    },
    async (request) => {
      await authorise(request);
      const now = ctx.now();
      const groups = await ctx.groups.allowList(now);
      return {
        groups: groups.map((g) => ({
          id: g.id,
          name: g.name,
          entitlements: g.entitlements,
          ranges: g.cidrs,
          starts_at: g.startsAt.toISOString(),
          ends_at: g.endsAt?.toISOString() ?? null,
        })),
        generated_at: now.toISOString(),
      };
    },
  );
}
