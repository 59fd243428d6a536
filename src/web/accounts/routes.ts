import type { FastifyInstance } from 'fastify';
import { useForms } from '../http/forms.js';
import { privatePages } from '../http/security-headers.js';
import type { AppContext } from '../../context.js';
import { accountPageRoutes } from './account-routes.js';
import { devOutboxRoutes } from './dev-outbox.js';
import { giftRoutes } from './gift-routes.js';
import { partnerClaimRoutes } from './partner-routes.js';
import { groupJoinRoutes } from './group-routes.js';
import { resetRoutes } from './reset-routes.js';
import { signInRoutes } from './sign-in-routes.js';

/**
 * Account pages: sign-up, sign-in, devices, password, data rights, and the demo's outbox. Server-rendered
 * forms, no script; every form, query string and path parameter is read by the form helper (`useForms`).
 * Every response is personal or carries a one-time token, so none may be stored by a cache (`no-store`),
 * and none is for search engines.
 */
export function accountRoutes(app: FastifyInstance, ctx: AppContext): void {
  privatePages(app);
  useForms(app);
  signInRoutes(app, ctx);
  resetRoutes(app, ctx);
  accountPageRoutes(app, ctx);
  giftRoutes(app, ctx);
  partnerClaimRoutes(app, ctx);
  groupJoinRoutes(app, ctx);
  devOutboxRoutes(app, ctx);
}
