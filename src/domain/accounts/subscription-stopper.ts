import type { Result } from '../errors.js';

/**
 * What must happen before an account is erased, declared here so that accounts need not know billing:
 * a deleted reader must never be charged again. The composition root wires it to billing, which stops
 * every subscription of the reader that could still charge them, at its gateway first, then here.
 */
export interface SubscriptionStopper {
  /**
   * Stops renewals now (not at the end of the term) for every subscription of the reader that could still
   * charge them. `gateway-error` when a gateway could not be told: the account must then not be deleted.
   */
  stopSubscriptionsOf(userId: number): Promise<Result<void, 'gateway-error'>>;
}
