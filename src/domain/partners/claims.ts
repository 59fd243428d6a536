import { activeEntitlements } from '../entitlements/queries.js';
import { announceChange } from '../site/changes.js';
import { dayIn } from '../time/zoned.js';
import { liveClaim, markClaimsForRevocation, type IssuedCode } from './code-queries.js';
import { activationLink, type Partner } from './model.js';
import { lockPartner, partnerById, partnersOfEntitlements, setPoolEmptyAt } from './queries.js';
import type { PartnerDeps } from './service.js';

/**
 * Readers' claims. A reader who holds a partner's entitlement claims one activation code, once: claiming again
 * answers the same code; two claims at once (two tabs, a replay) give one code, and a thousand readers at once
 * never share one (see `claimPooledCode`). Without the entitlement nothing is given and nothing is shown.
 * When the reader stops holding it, the sweep marks the code for revocation and the partner report lists it.
 */

/** A partner the reader holds, with their code (null until claimed) and its activation link. */
export interface PartnerAccess {
  partner: Partner;
  claim: (IssuedCode & { link: string }) | null;
}

export type ClaimOutcome =
  | { kind: 'claimed'; access: PartnerAccess }
  | { kind: 'not-entitled' }
  /** No code can be given now (the pool is empty): staff are warned, the reader told codes are on their way. */
  | { kind: 'pool-empty'; partner: Partner };

const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
const withLink = (partner: Partner, code: IssuedCode | null) =>
  code ? { ...code, link: activationLink(partner.activationUrl, code.code) } : null;

/** Revocations are marked this many at a time. */
const SWEEP_BATCH = 500;

export function createPartnerClaims(deps: PartnerDeps) {
  const { db } = deps;

  /** The partners whose entitlement the reader holds now, each with their live code if they claimed one. */
  async function accessOf(userId: number): Promise<PartnerAccess[]> {
    const held = await activeEntitlements(db, userId, deps.now());
    const partners = await partnersOfEntitlements(db, [...held]);
    return Promise.all(partners.map(async (partner) => ({ partner, claim: withLink(partner, await liveClaim(db, partner.id, userId)) })));
  }

  /** Gives the reader one code of the partner (or the one they have); null when there is no such partner. */
  async function claim(userId: number, partnerId: number): Promise<ClaimOutcome | null> {
    const now = deps.now();
    const partner = await partnerById(db, partnerId);
    if (!partner) return null;
    if (!(await activeEntitlements(db, userId, now)).has(partner.entitlement)) return { kind: 'not-entitled' };
    const claimed = (code: IssuedCode): ClaimOutcome => ({ kind: 'claimed', access: { partner, claim: withLink(partner, code) } });
    const existing = await liveClaim(db, partnerId, userId);
    if (existing) return claimed(existing);
    const provisioner = deps.provisioners[partner.provisioning];
    try {
      const code = await db.transaction().execute(async (tx) => {
        const issued = provisioner ? await provisioner.provision(tx, partner, userId, now, dayIn(now, deps.timeZone()).date) : null;
        if (issued) return issued;
        // The first reader to find the pool empty warns staff and takes the bundle off the plans page (announced);
        // later ones change nothing, so an empty pool cannot be made to refresh every instance at each request.
        const locked = await lockPartner(tx, partnerId);
        if (locked && locked.poolEmptyAt === null) {
          await setPoolEmptyAt(tx, partnerId, now);
          await announceChange(tx);
        }
        return null;
      });
      return code ? claimed(code) : { kind: 'pool-empty', partner };
    } catch (error) {
      // The same reader claimed at the same moment (another tab, a replayed form): theirs is the one code.
      if (!isUniqueViolation(error)) throw error;
      const first = await liveClaim(db, partnerId, userId);
      if (!first) throw error;
      return claimed(first);
    }
  }

  /**
   * Marks for revocation every live claim whose reader no longer holds the partner's entitlement, and tells the
   * partner's adapter. Runs with the billing sweep; a page of claims at a time. Returns how many it marked.
   */
  async function sweep(): Promise<number> {
    let marked = 0;
    let afterId = 0;
    const partners = new Map<number, Partner | null>();
    for (;;) {
      const revoked = await markClaimsForRevocation(db, deps.now(), afterId, SWEEP_BATCH);
      afterId = Math.max(afterId, ...revoked.map((code) => code.id));
      for (const code of revoked) {
        if (!partners.has(code.partnerId)) partners.set(code.partnerId, await partnerById(db, code.partnerId));
        const partner = partners.get(code.partnerId);
        const provisioner = partner ? deps.provisioners[partner.provisioning] : undefined;
        if (partner && provisioner) await provisioner.revoke(partner, code);
      }
      marked += revoked.length;
      if (revoked.length < SWEEP_BATCH) return marked;
    }
  }

  return { accessOf, claim, sweep };
}

export type PartnerClaims = ReturnType<typeof createPartnerClaims>;
