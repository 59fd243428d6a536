import { defineConfig } from 'vitest/config';

/**
 * The fast unit tests beside the rule modules that `npm run test:mutation` mutates (see
 * docs/mutation-testing.md). Kept apart from vitest.config.ts so a mutant run never starts a database,
 * SMTP server or browser: each of the several hundred mutants runs these tests again.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    include: [
      'src/domain/access/*.test.ts',
      'src/domain/metering/period.test.ts',
      'src/domain/metering/network.test.ts',
      'src/domain/metering/reader-id.test.ts',
      'src/domain/billing/gst.test.ts',
      'src/domain/billing/money.test.ts',
      'src/domain/billing/lifecycle.test.ts',
      'src/domain/billing/sweep-plan.test.ts',
      'src/domain/policies/policies.test.ts',
      'src/domain/billing/invoice-numbering.test.ts',
      'src/domain/billing/plans.test.ts',
    ],
  },
});
