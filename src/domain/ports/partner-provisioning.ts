import type { Partner, ProvisioningKind } from '../partners/model.js';
import type { IssuedCode } from '../partners/code-queries.js';
import type { Tx } from './database.js';

/**
 * How a partner's activation codes are given to readers. The default adapter is the code pool
 * (src/adapters/partners/code-pool.ts): codes the business team uploaded, one taken per claim. A partner with
 * an API gets an adapter of kind `api` that asks the partner for a code (and stores it through
 * `insertIssuedCode`, so the claim, the account page and the report work alike) and tells it of revocations;
 * register it in `partnerProvisioning` (src/adapters/partners/provisioning.ts) and staff can choose it.
 *
 * The claim's rules (one live code per reader and partner, only while they hold the entitlement) are the
 * domain's (src/domain/partners/claims.ts); an adapter only issues and revokes.
 */
export interface PartnerProvisioning {
  readonly kind: ProvisioningKind;
  /**
   * Issues one code to the reader inside the claim's transaction, or null when none can be given now (the pool
   * is empty, the partner's API is down). A unique violation (the same reader claiming twice at once) is
   * answered by the caller with the first claim.
   */
  provision(tx: Tx, partner: Partner, userId: number, now: Date, today: string): Promise<IssuedCode | null>;
  /**
   * Told when a claim is marked for revocation (the reader lost the entitlement). The pool has nothing to call:
   * the partner report lists the code. An API adapter deactivates it at the partner; it is called again at the
   * next sweep only if it throws before the mark is stored, so it must be idempotent.
   */
  revoke(partner: Partner, code: { id: number; code: string }): Promise<void>;
}

/** The adapters this install has, by kind. */
export type PartnerProvisioners = Readonly<Partial<Record<ProvisioningKind, PartnerProvisioning>>>;
