import { listGrants, type EntitlementGrant } from '../entitlements/queries.js';
import { fail, ok, type Result } from '../errors.js';
import { actorOf, authorize, can, type Actor } from '../policies/policies.js';
import type { AuthDeps } from './auth-kit.js';
import { createAuthService } from './auth-service.js';
import { deleteAccount, exportAccountData } from './data-rights.js';
import type { FileStore } from '../ports/files.js';
import type { Device, User } from './model.js';
import { refreshAppSession, resolveSession, type IssuedSession, type ResolvedSession } from './session-service.js';
import { findLiveSessionOwner, listDevices, revokeAllSessions, revokeSession } from './session-queries.js';
import type { SubscriptionStopper } from './subscription-stopper.js';
import { findUserByEmail, findUserById } from './user-queries.js';

/** A reader's own data (`manageOwnAccount`), or any reader's for an admin (`manageReaders`); else not found. */
function authorizeAccountData(actor: Actor, userId: number): void {
  if (!can(actor, 'manageOwnAccount', { userId })) authorize(actor, 'manageReaders');
}

/**
 * Accounts as the web layer sees them: the one place pages, the app API and the admin reach accounts,
 * sessions and a reader's data through. Signing up, in and out and resetting passwords come from the
 * auth flows (`auth-service.ts`); the rest is here.
 */
export interface AccountsDeps extends AuthDeps {
  /** Billing, as far as deleting an account needs it: stopping the reader's subscriptions first. */
  subscriptions: SubscriptionStopper;
  /** Where the files a reader made are kept (their e-paper clippings' cut images): removed with the account. */
  files: Pick<FileStore, 'delete'>;
}

export function createAccountsService(deps: AccountsDeps) {
  const { db, now } = deps;
  return {
    ...createAuthService(deps),

    /**
     * The signed-in reader behind a session cookie or access token, or null (unknown, revoked, idle,
     * expired). One query, on every request that carries a token, so a revocation takes effect at once.
     */
    resolveSession(token: string): Promise<ResolvedSession | null> {
      return resolveSession(db, token, now());
    },

    /** Exchanges an app's refresh token for a new token pair; the old pair stops working. */
    async refreshAppSession(refreshToken: string): Promise<Result<IssuedSession, 'invalid-token'>> {
      const session = await refreshAppSession(db, refreshToken, now());
      return session ? ok(session) : fail('invalid-token', 'That refresh token is not valid. Sign in again.');
    },

    /** The devices signed in to the reader's account, the one asking marked `current`. */
    listDevices(session: ResolvedSession): Promise<Device[]> {
      return listDevices(db, session.user.id, now(), session.sessionId);
    },

    /**
     * Signs a device out, if the reader may (policy `signOutDevice`: their own devices, this one included).
     * Another account's device is answered as one that does not exist.
     */
    async signOutDevice(session: ResolvedSession, deviceId: number): Promise<Result<void, 'not-found'>> {
      const device = await findLiveSessionOwner(db, deviceId, now());
      const allowed = device !== null && can(actorOf(session.user), 'signOutDevice', device);
      if (!allowed || !(await revokeSession(db, device.userId, deviceId, now()))) {
        return fail('not-found', 'That device is not signed in to your account.');
      }
      return ok(undefined);
    },

    /** Signs the asking device out (sign-out, or a new sign-in in the same browser). */
    async signOut(session: ResolvedSession): Promise<void> {
      await revokeSession(db, session.user.id, session.sessionId, now());
    },

    /** Signs out every device of the account but the one asking. Returns how many. */
    signOutOtherDevices(session: ResolvedSession): Promise<number> {
      return revokeAllSessions(db, session.user.id, now(), session.sessionId);
    },

    /** The entitlements the reader holds now or later (not ended, not revoked). */
    listEntitlements(userId: number): Promise<EntitlementGrant[]> {
      return listGrants(db, userId, now());
    },

    /**
     * Everything stored about a reader, for download; null when there is no such (live) account. Only for
     * the reader themselves (policy `manageOwnAccount`) or an admin answering their request
     * (`manageReaders`); anyone else is told it does not exist (DomainError 'not-found').
     */
    async exportData(actor: Actor, userId: number): Promise<Record<string, unknown> | null> {
      authorizeAccountData(actor, userId);
      const data = await exportAccountData(db, userId, now());
      return data;
    },

    /**
     * Deletes the account and everything personal, signing out every device; false when there is no such
     * account. The same policies as `exportData`. Any subscription that could still charge the reader is
     * stopped at its gateway first; when a gateway cannot be told (`gateway-error`), nothing is deleted.
     */
    async deleteAccount(actor: Actor, userId: number): Promise<Result<boolean, 'gateway-error'>> {
      authorizeAccountData(actor, userId);
      const stopped = await deps.subscriptions.stopSubscriptionsOf(userId);
      if (!stopped.ok) return stopped;
      const erased = await deleteAccount(db, userId, now());
      if (!erased) return ok(false);
      // Only once the deletion has committed: a file removed before a rollback would be missing from a clipping that stays.
      for (const key of erased.files) await deps.files.delete(key);
      return ok(true);
    },

    /** Admin: the live account with this (normalised) address. */
    async findUserByEmail(email: string): Promise<User | null> {
      const found = await findUserByEmail(db, email);
      if (!found) return null;
      const { passwordHash: _, ...user } = found;
      return user;
    },

    /** Admin: the live account with this id. */
    findUserById(id: number): Promise<User | null> {
      return findUserById(db, id);
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
