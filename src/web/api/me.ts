import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ResolvedSession } from '../../domain/accounts/session-service.js';
import { accountAbilities, actorOf } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import * as S from './schemas.js';

/**
 * The session behind the request's bearer token. No token: 401 unauthorized. A token that does not work
 * (expired after its hour, revoked, unknown): 401 invalid-token, so the app knows to refresh.
 */
export function requireBearer(request: FastifyRequest): ResolvedSession {
  if (request.auth) return request.auth;
  if (request.headers.authorization)
    throw new HttpProblem('invalid-token', 'The access token is not valid or has expired. Refresh it, or sign in again.');
  throw new HttpProblem('unauthorized', 'Sign in first: send Authorization: Bearer <access_token>.');
}

const Entitlement = Type.Object(
  {
    entitlement: Type.String({ description: 'e.g. premium, archive, ad-free, markets' }),
    name: Type.String({ description: 'What the reader calls it: the entitlement catalogue’s name (the key when the catalogue has none)' }),
    allowance: Type.Union([Type.Integer(), Type.Null()], {
      description: 'For an allowance (devices): how many devices at once; null for access to something',
    }),
    source: Type.String({ description: 'What granted it: a subscription, a complimentary grant…' }),
    starts_at: Type.String({ format: 'date-time' }),
    ends_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'null: until revoked' }),
  },
  { additionalProperties: false },
);

const bearer = { security: [{ bearer: [] }] };

/** The signed-in reader: account, entitlements, devices. */
export function meRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['account'],
        operationId: 'getMe',
        summary: 'The signed-in reader, their entitlements and what they may do',
        ...bearer,
        response: {
          200: Type.Object(
            { user: S.UserJson, entitlements: Type.Array(Entitlement), abilities: S.AbilitiesJson },
            { additionalProperties: false },
          ),
          ...S.errorResponses('unauthorized', 'invalid-token'),
        },
      },
    },
    async (request) => {
      const { user } = requireBearer(request);
      const grants = await ctx.accounts.listEntitlements(user.id);
      const abilities: Static<typeof S.AbilitiesJson> = accountAbilities(actorOf(user));
      return {
        user: S.userJson(user),
        abilities,
        entitlements: grants.map((g) => {
          const entry = ctx.business.catalogue.find(g.entitlement);
          return {
            entitlement: g.entitlement,
            name: entry?.name ?? g.entitlement,
            allowance: entry?.allowance ?? null,
            source: g.source,
            starts_at: g.startsAt.toISOString(),
            ends_at: g.endsAt ? g.endsAt.toISOString() : null,
          };
        }),
      };
    },
  );

  app.get(
    '/api/v1/me/devices',
    {
      schema: {
        tags: ['account'],
        operationId: 'listDevices',
        summary: 'Devices signed in to this account',
        ...bearer,
        response: {
          200: Type.Object({ devices: Type.Array(S.DeviceJson) }, { additionalProperties: false }),
          ...S.errorResponses('unauthorized', 'invalid-token'),
        },
      },
    },
    async (request) => {
      const auth = requireBearer(request);
      const actor = actorOf(auth.user);
      const devices = await ctx.accounts.listDevices(auth);
      return { devices: devices.map((d) => S.deviceJson(d, actor)) };
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/api/v1/me/devices/:id',
    {
      schema: {
        tags: ['account'],
        operationId: 'signOutDevice',
        summary: 'Sign a device out',
        description: 'Its tokens stop working at once. A device that is not signed in to this account: 404.',
        ...bearer,
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false }),
        response: { 204: S.NoContent, ...S.errorResponses('invalid-input', 'unauthorized', 'invalid-token', 'not-found') },
      },
    },
    async (request, reply) => {
      const auth = requireBearer(request);
      S.valueOrProblem(await ctx.accounts.signOutDevice(auth, request.params.id));
      return reply.code(204).send(null);
    },
  );
}
