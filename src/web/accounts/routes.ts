import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/** Account pages: sign-up, sign-in, devices, data rights. */
export async function accountRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
