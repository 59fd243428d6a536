import { claimPooledCode } from '../../domain/partners/code-queries.js';
import type { PartnerProvisioning, PartnerProvisioners } from '../../domain/ports/partner-provisioning.js';

/** The default provisioning: codes uploaded by the business team (CSV), one taken per claim, never handed out twice. */
export const codePool: PartnerProvisioning = {
  kind: 'code-pool',
  provision: (tx, partner, userId, now, today) => claimPooledCode(tx, partner.id, userId, now, today),
  // The partner learns of revocations from the partner report (CSV): nothing to call.
  revoke: async () => undefined,
};

/** The provisioning adapters of this install: the code pool; a partner API adapter is added here (kind `api`). */
export function partnerProvisioning(): PartnerProvisioners {
  return { 'code-pool': codePool };
}
