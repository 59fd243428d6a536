import { authKit, type AuthDeps } from './auth-kit.js';
import { passwordFlows } from './password-service.js';
import { signInFlows } from './sign-in-service.js';

export type { ChallengeAnswer, ChallengeFailure } from './challenges.js';

/**
 * Sign-up, sign-in (password, emailed code or link), the device-limit choice, password reset and change.
 * Every request that names an address answers the same whether or not an account exists (ASVS 6.3.8);
 * what differs is only the email sent.
 *
 * A refused proof (wrong password, wrong or expired code) is an expected outcome, returned as a `Result`;
 * a rate limit throws `DomainError('rate-limited')` with the seconds to wait.
 */
export function createAuthService(deps: AuthDeps) {
  const kit = authKit(deps);
  return { ...signInFlows(kit), ...passwordFlows(kit) };
}

export type AuthService = ReturnType<typeof createAuthService>;
