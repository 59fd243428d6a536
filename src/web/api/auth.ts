import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Origin } from '../../domain/accounts/auth-kit.js';
import { normaliseEmail } from '../../domain/accounts/model.js';
import { newToken } from '../../domain/accounts/secrets.js';
import type { DeviceInfo, SignInResult } from '../../domain/accounts/session-service.js';
import { DomainError } from '../../domain/errors.js';
import { networkKey } from '../../domain/metering/network.js';
import { actorOf } from '../../domain/policies/policies.js';
import type { AppContext } from '../../context.js';
import { describeError, ERROR_STATUS, HttpProblem, retryAfter } from '../http/errors.js';
import { meRoutes, requireBearer } from './me.js';
import { openapiRoutes } from './openapi.js';
import * as S from './schemas.js';

const JSON_BODY_ERRORS = new Set(['FST_ERR_CTP_EMPTY_JSON_BODY', 'FST_ERR_CTP_INVALID_JSON_BODY']);

/**
 * Coded failures (the domain's, and the API's own problems) answer here with the status of ERROR_STATUS,
 * a rate limit with Retry-After; anything else goes on to the app's error handler.
 */
export function apiErrorHandler(error: FastifyError | DomainError | HttpProblem, _request: FastifyRequest, reply: FastifyReply) {
  if (!(error instanceof DomainError) && !(error instanceof HttpProblem)) {
    if (JSON_BODY_ERRORS.has(error.code)) throw new HttpProblem('invalid-input', 'body must be a JSON object');
    throw error;
  }
  const { code, status, message, retryAfterSeconds } = describeError(error);
  if (code === 'rate-limited') reply.header('retry-after', retryAfter(retryAfterSeconds));
  const fields = error instanceof HttpProblem ? error.fields : undefined;
  return reply.code(status).send({ error: { code, message, ...(fields ? { fields } : {}) } });
}

/** Auth rate limits key on the salted network of the request, stable across months. */
function origin(ctx: AppContext, request: FastifyRequest): Origin {
  return { networkKey: networkKey(request.ip, ctx.keys.networkSalt, 'auth') };
}

function device(request: FastifyRequest, body: { device_name?: string; app_name?: string }): DeviceInfo {
  const { app_name: app, device_name: name } = body;
  return { kind: 'app', userAgent: request.headers['user-agent'] ?? '', appName: app && name ? `${app} (${name})` : (app ?? name) };
}

const TOKEN_RESPONSES = {
  200: S.TokenResponse,
  ...S.errorResponses(...S.BODY_ERRORS, 'invalid-credentials', 'invalid-code', 'device-limit-reached', 'rate-limited'),
};

/** App API: tokens, the current reader, devices, and the OpenAPI document. */
export async function authApiRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  S.apiScope(scope);
  scope.setErrorHandler(apiErrorHandler);
  // Tokens and account data must never sit in a cache; a 401 says how to authenticate.
  scope.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  scope.addHook('onSend', async (_request, reply) => {
    if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="api"');
  });
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  async function answer(reply: FastifyReply, result: SignInResult) {
    if (result.status === 'device-limit') {
      const message = `You are signed in on ${result.limit} devices, the most allowed. Choose one to sign out.`;
      return reply.code(ERROR_STATUS['device-limit-reached']).send({
        error: { code: 'device-limit-reached', message },
        devices: result.devices.map((d) => S.deviceJson(d, actorOf(result.user))),
        limit: result.limit,
        choice_token: result.choiceToken,
      });
    }
    return reply.code(200).send({ ...S.tokenPairJson(result.session, ctx.now()), user: S.userJson(result.user) });
  }

  app.post(
    '/api/v1/auth/token',
    {
      schema: {
        tags: ['auth'],
        operationId: 'createToken',
        summary: 'Sign in with email and password',
        description:
          'Signs this app in as a new device. Wrong email or password: 401 invalid-credentials. At the device limit: 409 with the devices and a choice_token for /api/v1/auth/replace-device.',
        body: Type.Object({ email: S.Email, password: S.Password, ...S.DeviceFields }, { additionalProperties: false }),
        response: TOKEN_RESPONSES,
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const result = await ctx.accounts.signInWithPassword({
        email: normaliseEmail(email),
        password,
        device: device(request, request.body),
        origin: origin(ctx, request),
      });
      return answer(reply, S.valueOrProblem(result));
    },
  );

  app.post(
    '/api/v1/auth/code',
    {
      schema: {
        tags: ['auth'],
        operationId: 'requestCode',
        summary: 'Email a one-time sign-in code',
        description: 'Always 202, whether or not the address has an account. Keep challenge_token: it binds the code to this app.',
        body: Type.Object({ email: S.Email }, { additionalProperties: false }),
        response: {
          202: Type.Object(
            { challenge_token: Type.String({ description: 'Send with the code to /api/v1/auth/code/verify.' }) },
            { additionalProperties: false },
          ),
          ...S.errorResponses(...S.BODY_ERRORS, 'rate-limited'),
        },
      },
    },
    async (request, reply) => {
      const binding = newToken();
      await ctx.accounts.requestSignInCode({ email: normaliseEmail(request.body.email), binding, origin: origin(ctx, request) });
      return reply.code(202).send({ challenge_token: binding });
    },
  );

  app.post(
    '/api/v1/auth/code/verify',
    {
      schema: {
        tags: ['auth'],
        operationId: 'verifyCode',
        summary: 'Sign in with the emailed code',
        description:
          'Wrong code: 401 invalid-code (five tries). Expired or used: 400 expired-code. Another challenge_token: 400 wrong-browser.',
        body: Type.Object(
          { email: S.Email, code: Type.String({ pattern: '^[0-9]{6}$' }), challenge_token: S.OpaqueToken, ...S.DeviceFields },
          { additionalProperties: false },
        ),
        response: TOKEN_RESPONSES,
      },
    },
    async (request, reply) => {
      const { email, code, challenge_token: binding } = request.body;
      const result = await ctx.accounts.completeSignIn({
        answer: { email: normaliseEmail(email), code },
        binding,
        device: device(request, request.body),
        origin: origin(ctx, request),
      });
      return answer(reply, S.valueOrProblem(result));
    },
  );

  app.post(
    '/api/v1/auth/replace-device',
    {
      schema: {
        tags: ['auth'],
        operationId: 'replaceDevice',
        summary: 'At the device limit: sign out a device and sign this app in',
        description: 'An expired or used choice_token: 400 expired-code. A device that is not signed in to the account: 404.',
        body: Type.Object(
          { choice_token: S.OpaqueToken, device_id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), ...S.DeviceFields },
          { additionalProperties: false },
        ),
        response: { ...TOKEN_RESPONSES, ...S.errorResponses(...S.BODY_ERRORS, 'expired-code', 'not-found', 'device-limit-reached') },
      },
    },
    async (request, reply) => {
      const { choice_token: choiceToken, device_id: deviceId } = request.body;
      const result = await ctx.accounts.replaceDevice({
        choiceToken,
        deviceId,
        device: device(request, request.body),
        origin: origin(ctx, request),
      });
      return answer(reply, S.valueOrProblem(result));
    },
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        operationId: 'refreshToken',
        summary: 'Exchange a refresh token for a new token pair',
        description:
          'The old access and refresh tokens stop working. An unknown, used or revoked refresh token: 401 invalid-token (sign in again).',
        body: Type.Object({ refresh_token: S.OpaqueToken }, { additionalProperties: false }),
        response: { 200: S.TokenPair, ...S.errorResponses(...S.BODY_ERRORS, 'invalid-token') },
      },
    },
    async (request) => {
      const session = S.valueOrProblem(await ctx.accounts.refreshAppSession(request.body.refresh_token));
      return S.tokenPairJson(session, ctx.now());
    },
  );

  app.post(
    '/api/v1/auth/revoke',
    {
      schema: {
        tags: ['auth'],
        operationId: 'revokeToken',
        summary: 'Sign this device out',
        description: 'The access and refresh tokens stop working at once.',
        security: [{ bearer: [] }],
        response: { 204: S.NoContent, ...S.errorResponses('unauthorized', 'invalid-token') },
      },
    },
    async (request, reply) => {
      await ctx.accounts.signOut(requireBearer(request));
      return reply.code(204).send(null);
    },
  );

  meRoutes(scope, ctx);
  await openapiRoutes(scope, () => `${ctx.site.publicationName} API`);
}
