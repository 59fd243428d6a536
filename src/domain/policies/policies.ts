import type { Role } from '../accounts/model.js';
import { DomainError } from '../errors.js';

/** Who is asking: nobody signed in, or an account with its role. */
export type Actor = { kind: 'anonymous' } | { kind: 'user'; id: number; role: Role };

export const ANONYMOUS: Actor = { kind: 'anonymous' };

/** The actor for a signed-in user, or anonymous. */
export function actorOf(user: { id: number; role: Role } | null | undefined): Actor {
  return user ? { kind: 'user', id: user.id, role: user.role } : ANONYMOUS;
}

// Small named predicates the policies are built from.
const signedIn = (actor: Actor): actor is Extract<Actor, { kind: 'user' }> => actor.kind === 'user';
const hasRole = (actor: Actor, ...roles: Role[]) => signedIn(actor) && roles.includes(actor.role);
const isAdmin = (actor: Actor) => hasRole(actor, 'admin');
/** Anyone on the staff: the newsroom, the business team, admins. */
const isStaff = (actor: Actor) => hasRole(actor, 'editor', 'business', 'admin');
/** Articles and sections are the newsroom's: editors and admins. */
const editsContent = (actor: Actor) => hasRole(actor, 'editor', 'admin');
/** Plans, payments, refunds, readers and the settings other than content: the business team and admins. */
const runsBusiness = (actor: Actor) => hasRole(actor, 'business', 'admin');
const owns = (actor: Actor, resource: { userId: number }) => signedIn(actor) && actor.id === resource.userId;

/**
 * Who may do what, one line each. A policy answers true only for the actors it names: anything not listed
 * is denied. Resources owned by readers (subscriptions, invoices, devices) are their owner's alone; staff
 * tools need a staff role; content needs an editor; money and readers' data need the business team (admins
 * may do both).
 */
export const POLICIES = {
  /** See an invoice or credit note (HTML or PDF): its reader's, and the business team's, who handle payments and refunds. */
  viewInvoice: (actor: Actor, invoice: { userId: number }) => owns(actor, invoice) || runsBusiness(actor),
  /** Cancel, undo, change plan or update the payment method of a subscription. */
  manageSubscription: (actor: Actor, subscription: { userId: number }) => owns(actor, subscription),
  /** Buy a subscription. */
  subscribe: (actor: Actor) => signedIn(actor),
  /** Sign a device out of an account. */
  signOutDevice: (actor: Actor, device: { userId: number }) => owns(actor, device),
  /** Gift an article through a link: a signed-in reader who reads it because of an entitlement (a subscriber), not through a meter or a gift. */
  giftArticle: (actor: Actor, read: { reason: string }) => signedIn(actor) && read.reason === 'entitled',
  /** Download or delete one's own account data. */
  manageOwnAccount: (actor: Actor, account: { userId: number }) => owns(actor, account),
  /** Open the newsroom and the admin area (what each staff member finds there depends on the abilities below). */
  viewNewsroom: (actor: Actor) => isStaff(actor),
  /** Write, edit, schedule, publish and unpublish articles. */
  editContent: (actor: Actor) => editsContent(actor),
  /** Plans, refunds, readers and the settings other than content. */
  manageBusiness: (actor: Actor) => runsBusiness(actor),
  /** See payments and refund them. */
  viewPayments: (actor: Actor) => runsBusiness(actor),
  refund: (actor: Actor) => runsBusiness(actor),
  /** Find a reader, download their data, delete their account on request. */
  manageReaders: (actor: Actor) => runsBusiness(actor),
  /** Read the audit log: every change staff made, by whom, before → after. */
  viewAuditLog: (actor: Actor) => isAdmin(actor),
} as const;

export type Ability = keyof typeof POLICIES;
type ResourceOf<A extends Ability> = Parameters<(typeof POLICIES)[A]> extends [Actor, infer R] ? [resource: R] : [];

/** Whether `actor` may do `ability` (to `resource`, for the policies that take one). Unknown abilities are denied. */
export function can<A extends Ability>(actor: Actor, ability: A, ...resource: ResourceOf<A>): boolean {
  const policy = Object.hasOwn(POLICIES, ability) ? (POLICIES[ability] as (actor: Actor, resource?: unknown) => boolean) : null;
  return policy !== null && policy(actor, resource[0]);
}

/**
 * Throws unless `actor` may do `ability`. Refusals answer "not found": a reader cannot tell another
 * reader's invoice, or the staff pages, from something that does not exist.
 */
export function authorize<A extends Ability>(actor: Actor, ability: A, ...resource: ResourceOf<A>): void {
  if (!can(actor, ability, ...resource)) throw new DomainError('not-found', 'Not found.');
}

/** The abilities `actor` holds that need no resource: what an app may show (API `abilities`). */
export function accountAbilities(
  actor: Actor,
): Record<'subscribe' | 'view_newsroom' | 'edit_articles' | 'view_payments' | 'refund' | 'manage_readers', boolean> {
  return {
    subscribe: can(actor, 'subscribe'),
    view_newsroom: can(actor, 'viewNewsroom'),
    edit_articles: can(actor, 'editContent'),
    view_payments: can(actor, 'viewPayments'),
    refund: can(actor, 'refund'),
    manage_readers: can(actor, 'manageReaders'),
  };
}
