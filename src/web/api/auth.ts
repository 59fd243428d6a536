import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/** App API: tokens, the current reader, devices. */
export async function authApiRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
