/**
 * What the sign-in and password flows share (the auth kit), and the types they take: the services they need
 * and where a request came from. `auth-service.ts` builds the flows on it.
 */
import { createHmac } from 'node:crypto';
import type { Counters } from '../ports/counters.js';
import type { Db } from '../ports/database.js';
import type { Copy } from '../copy/copy.js';
import { createChallenges } from './challenges.js';
import type { DeviceLimits } from './device-allowance.js';
import type { Notifier } from '../notifications/notifications.js';
import type { accountEmail, AccountEmailTemplate } from './emails.js';
import { issueKnownDevice, verifyKnownDevice } from './known-device.js';
import { CHALLENGE_RULES, type User } from './model.js';
import type { SignInResult } from './session-service.js';
import { hasSignedInFrom } from './session-queries.js';
import { authThrottle, type Requester } from './throttle.js';

export interface AuthDeps extends DeviceLimits {
  db: Db;
  /** Account emails are queued, and sent by the notification job once the request's work has committed. */
  notifier: Notifier;
  copy: Copy;
  counters: Counters;
  codeKey: Buffer;
  now: () => Date;
  publicUrl: string;
  publication: string;
}

/**
 * Where a request came from, for rate limits: a salted network key (never the raw address), and the
 * known-device token the browser carries, if any, as it came (the service verifies it).
 */
export interface Origin {
  networkKey: string;
  knownDevice?: string | null;
}

/** What the sign-in and password flows share: the limits, the challenges, who is asking, and the emails. */
export function authKit(deps: AuthDeps) {
  const deviceKey = createHmac('sha256', deps.codeKey).update('masthead/known-device-key').digest();
  const minutes = CHALLENGE_RULES.ttlMs / 60_000;
  type EmailKind = Parameters<typeof accountEmail>[2];
  type EmailValues = Parameters<typeof accountEmail>[3];

  return {
    deps,
    throttle: authThrottle(deps.counters),
    challenges: createChallenges(deps),
    minutes,

    /**
     * Who is asking, as the limits see them. The device is known only with a valid token naming this very
     * account (for an emailed link, which names no address, any valid token). `withNetwork` also looks up
     * whether the account signed in from this network before; the lookup runs whether or not the address
     * has an account, so its time tells nothing about which do.
     */
    async requester(email: string | null, user: User | null, origin: Origin, withNetwork = false): Promise<Requester> {
      const device = verifyKnownDevice(deviceKey, origin.knownDevice, deps.now());
      const known = device !== null && (email === null || device.userId === user?.id);
      const ownNetwork = withNetwork && (await hasSignedInFrom(deps.db, user?.id ?? 0, origin.networkKey, deps.now()));
      return { address: email, network: origin.networkKey, device: known ? device.id : null, ownNetwork };
    },

    /** A sign-in result with the known-device token for the browser: the one it holds if it names this account, else a new one. */
    withKnownDevice(result: SignInResult, origin: Origin): SignInResult {
      if (result.status !== 'signed-in') return result;
      const held = verifyKnownDevice(deviceKey, origin.knownDevice, deps.now());
      const knownDevice =
        held?.userId === result.user.id && origin.knownDevice
          ? origin.knownDevice
          : issueKnownDevice(deviceKey, result.user.id, deps.now());
      return { ...result, knownDevice };
    },

    link: (path: string, token: string) => `${deps.publicUrl}${path}?token=${encodeURIComponent(token)}`,
    /** Queues an account email: the request only writes a job, so it takes as long whatever the email says. */
    send: (to: string, kind: EmailKind, values: EmailValues) => {
      const template: AccountEmailTemplate = `account.${kind}`;
      return deps.notifier.notify(deps.db, { template, data: { to, ...values } });
    },
  };
}

export type AuthKit = ReturnType<typeof authKit>;
