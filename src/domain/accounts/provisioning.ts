import { randomBytes } from 'node:crypto';
import { SUBSCRIBER_ENTITLEMENTS } from '../billing/plans.js';
import { grantEntitlements } from '../entitlements/queries.js';
import { DomainError } from '../errors.js';
import type { Db } from '../ports/database.js';
import { isEmail, normaliseEmail, ROLES, type Role, type User } from './model.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { countAccountsExcept, findUserByEmail, insertUser, setPasswordHash, setRole } from './user-queries.js';

/**
 * Creates a verified account (or updates the role and password of an existing one), for
 * `masthead user create` and the demo. Returns the user and the password to hand over, when one was generated.
 * An unusable address, role or password throws a `DomainError` for the operator to read.
 */
export async function provisionUser(
  db: Db,
  input: { email: string; role: Role; name?: string | undefined; password?: string | undefined },
  now: Date,
): Promise<{ user: User; created: boolean; generatedPassword: string | null }> {
  const email = normaliseEmail(input.email);
  if (!isEmail(email)) throw new DomainError('invalid-input', `"${input.email}" is not an email address`);
  if (!ROLES.includes(input.role)) throw new DomainError('invalid-input', `role must be one of ${ROLES.join(', ')}`);
  const generatedPassword = input.password ? null : randomBytes(12).toString('base64url');
  const password = input.password ?? generatedPassword ?? '';
  const problem = passwordProblem(password, email);
  if (problem) throw new DomainError('weak-password', problem);
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (tx) => {
    const existing = await findUserByEmail(tx, email);
    if (existing) {
      await setRole(tx, existing.id, input.role);
      await setPasswordHash(tx, existing.id, passwordHash);
      return { user: { ...existing, role: input.role, hasPassword: true }, created: false, generatedPassword };
    }
    const user = await insertUser(tx, { email, name: input.name ?? '', passwordHash, role: input.role, verifiedAt: now });
    return { user, created: true, generatedPassword };
  });
}

/** The demo's accounts. The passwords are public: they exist only in the demo database. */
export const DEMO_ACCOUNTS = [
  { email: 'reader@demo.masthead.test', name: 'Demo Reader', password: 'ledger-reader-demo', role: 'reader' as const, subscriber: false },
  {
    email: 'subscriber@demo.masthead.test',
    name: 'Demo Subscriber',
    password: 'ledger-subscriber-demo',
    role: 'reader' as const,
    subscriber: true,
  },
  { email: 'editor@demo.masthead.test', name: 'Demo Editor', password: 'ledger-editor-demo', role: 'editor' as const, subscriber: false },
  {
    email: 'business@demo.masthead.test',
    name: 'Demo Business',
    password: 'ledger-business-demo',
    role: 'business' as const,
    subscriber: false,
  },
  { email: 'admin@demo.masthead.test', name: 'Demo Admin', password: 'ledger-admin-demo', role: 'admin' as const, subscriber: false },
];

/** What seeding the demo accounts did: created the missing ones, found them all there, or refused. */
export type DemoSeeding = { status: 'seeded' | 'present' } | { status: 'skipped'; otherAccounts: number };

/**
 * Creates the demo accounts once; the subscriber gets a complimentary year of everything a plan includes.
 * Their passwords are public, so they are never added to a database that holds anyone else's account
 * (a real site started with the demo flag by mistake): then nothing is written and the outcome says why.
 */
export async function seedDemoAccounts(db: Db, now: Date): Promise<DemoSeeding> {
  const missing = [];
  for (const account of DEMO_ACCOUNTS) if (!(await findUserByEmail(db, account.email))) missing.push(account);
  if (missing.length === 0) return { status: 'present' };
  const otherAccounts = await countAccountsExcept(
    db,
    DEMO_ACCOUNTS.map((a) => a.email),
  );
  if (otherAccounts > 0) return { status: 'skipped', otherAccounts };
  for (const account of missing) {
    const { user } = await provisionUser(db, account, now);
    if (account.subscriber) {
      const endsAt = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
      await grantEntitlements(db, { userId: user.id, entitlements: SUBSCRIBER_ENTITLEMENTS, source: 'grant:demo', startsAt: now, endsAt });
    }
  }
  return { status: 'seeded' };
}
