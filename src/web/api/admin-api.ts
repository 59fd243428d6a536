import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, can, type Ability, type Actor } from '../../domain/policies/policies.js';
import { HttpProblem } from '../http/errors.js';
import { apiErrorHandler } from './auth.js';
import { requireBearer } from './me.js';
import * as S from './schemas.js';

/**
 * What every admin API route shares: staff bearer tokens (obtained as the app API does, at /api/v1/auth/token),
 * the policy checked before anything else (a token without the ability finds nothing: 404; no token: 401), JSON
 * errors with each wrong field named, and nothing cached.
 */

export const bearer = { security: [{ bearer: [] }] };

/** Sets up a scope of admin API routes. */
export function adminApiScope(scope: FastifyInstance): void {
  S.apiScope(scope);
  scope.setErrorHandler(apiErrorHandler);
  scope.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
}

/** The signed-in member of staff, when they hold `ability`. */
export function staffActor(request: FastifyRequest, ability: Ability): Actor {
  const actor = actorOf(requireBearer(request).user);
  if (!can(actor, ability as 'editContent')) throw new HttpProblem('not-found', 'Not found.');
  return actor;
}

/** A domain field's name as the API spells it: `publicationName` → `publication_name`. */
export const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Refuses the request: 400 invalid-input (or `code`: an upload over the size limit is payload-too-large), the first
 * problem in the message and each field's in `fields` (snake_case, or as `rename` spells it).
 */
export function invalid(
  errors: Record<string, string>,
  rename: (field: string) => string = snake,
  code: 'invalid-input' | 'payload-too-large' = 'invalid-input',
): never {
  const fields = Object.fromEntries(Object.entries(errors).map(([name, message]) => [rename(name), message]));
  const first = Object.entries(fields)[0];
  throw new HttpProblem(code, first ? `${first[0]}: ${first[1]}` : 'Invalid input.', fields);
}
