import { describe, expect, it } from 'vitest';
import { ANONYMOUS, accountAbilities, actorOf, authorize, can, POLICIES, type Actor, type Ability } from './policies.js';
import { DomainError } from '../errors.js';

const reader: Actor = { kind: 'user', id: 1, role: 'reader' };
const otherReader: Actor = { kind: 'user', id: 2, role: 'reader' };
const editor: Actor = { kind: 'user', id: 3, role: 'editor' };
const admin: Actor = { kind: 'user', id: 4, role: 'admin' };
const business: Actor = { kind: 'user', id: 5, role: 'business' };
const ACTORS = { anonymous: ANONYMOUS, reader, 'other reader': otherReader, editor, business, admin } as const;

/** Something reader 1 owns: their invoice, subscription, device or account. */
const readersOwn = { userId: 1 };

/** Per policy, the actors allowed (everyone else is refused). Resources belong to `reader`. */
const ALLOWED: Record<Ability, (keyof typeof ACTORS)[]> = {
  viewInvoice: ['reader', 'business', 'admin'],
  manageSubscription: ['reader'],
  subscribe: ['reader', 'other reader', 'editor', 'business', 'admin'],
  signOutDevice: ['reader'],
  // Nobody gifts without a reason to read (the table passes none): see the case below.
  giftArticle: [],
  manageOwnAccount: ['reader'],
  viewNewsroom: ['editor', 'business', 'admin'],
  editContent: ['editor', 'admin'],
  manageBusiness: ['business', 'admin'],
  viewPayments: ['business', 'admin'],
  refund: ['business', 'admin'],
  manageReaders: ['business', 'admin'],
  viewAuditLog: ['admin'],
};

describe('policies: who may do what', () => {
  it('lists every policy in this table', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual(Object.keys(POLICIES).sort());
  });

  for (const [ability, allowed] of Object.entries(ALLOWED) as [Ability, (keyof typeof ACTORS)[]][]) {
    for (const [name, actor] of Object.entries(ACTORS) as [keyof typeof ACTORS, Actor][]) {
      const expected = allowed.includes(name);
      it(`${ability}: ${name} is ${expected ? 'allowed' : 'refused'}`, () => {
        const check = POLICIES[ability] as (actor: Actor, resource?: unknown) => boolean;
        expect(check(actor, readersOwn)).toBe(expected);
      });
    }
  }

  it('treats nobody signed in as anonymous, and a signed-in user by id and role', () => {
    expect(actorOf(null)).toEqual({ kind: 'anonymous' });
    expect(actorOf(undefined)).toBe(ANONYMOUS);
    expect(actorOf({ id: 9, role: 'editor' })).toEqual({ kind: 'user', id: 9, role: 'editor' });
  });

  it('lets only a subscription’s reader act on it, while its invoices are also an admin’s to see', () => {
    const subscription = { userId: 1 };
    expect(can(reader, 'manageSubscription', subscription)).toBe(true);
    expect(can(admin, 'manageSubscription', subscription)).toBe(false);
    expect(can(otherReader, 'viewInvoice', { userId: 1 })).toBe(false);
    expect(can(editor, 'viewInvoice', { userId: 1 })).toBe(false);
    expect(can(admin, 'viewInvoice', { userId: 1 })).toBe(true);
    expect(can(admin, 'viewInvoice', { userId: 4 })).toBe(true);
  });

  it('lets anyone signed in who reads the article because of an entitlement gift it, and nobody reading it another way', () => {
    for (const actor of [reader, editor, business, admin]) expect(can(actor, 'giftArticle', { reason: 'entitled' })).toBe(true);
    expect(can(ANONYMOUS, 'giftArticle', { reason: 'entitled' })).toBe(false);
    for (const reason of [
      'metered',
      'metered-reread',
      'free',
      'gift',
      'verified-crawler',
      'unmetered-provenance',
      'subscription-required',
      '',
    ])
      expect(can(reader, 'giftArticle', { reason }), reason).toBe(false);
  });

  it('denies an ability no policy names', () => {
    expect(can(admin, 'launchRockets' as Ability)).toBe(false);
    expect(can(admin, 'toString' as Ability)).toBe(false);
  });

  it('authorize refuses as "not found", so another reader’s things look like nothing', () => {
    expect(() => authorize(otherReader, 'viewInvoice', readersOwn)).toThrow(DomainError);
    try {
      authorize(otherReader, 'viewInvoice', readersOwn);
    } catch (error) {
      expect((error as DomainError).code).toBe('not-found');
      expect((error as DomainError).message).toBe('Not found.');
    }
    expect(() => authorize(reader, 'viewInvoice', readersOwn)).not.toThrow();
  });

  it('tells an app which account-wide abilities the signed-in reader has', () => {
    expect(accountAbilities(reader)).toEqual({
      subscribe: true,
      view_newsroom: false,
      edit_articles: false,
      view_payments: false,
      refund: false,
      manage_readers: false,
    });
    expect(accountAbilities(admin)).toEqual({
      subscribe: true,
      view_newsroom: true,
      edit_articles: true,
      view_payments: true,
      refund: true,
      manage_readers: true,
    });
    expect(Object.values(accountAbilities(ANONYMOUS)).some(Boolean)).toBe(false);
  });

  it('keeps the newsroom and the money apart: an editor cannot refund, the business team cannot edit articles', () => {
    expect(accountAbilities(editor)).toMatchObject({ view_newsroom: true, edit_articles: true, view_payments: false, refund: false });
    expect(accountAbilities(business)).toMatchObject({ view_newsroom: true, edit_articles: false, refund: true, manage_readers: true });
    expect(can(editor, 'manageBusiness')).toBe(false);
    expect(can(business, 'editContent')).toBe(false);
  });
});
