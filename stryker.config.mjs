// @ts-check
/**
 * Mutation testing of the pure rule modules: `npm run test:mutation`. What is covered, why, the floor and
 * the accepted equivalent mutants are in docs/mutation-testing.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    'src/domain/access/decide-access.ts',
    'src/domain/metering/period.ts',
    'src/domain/metering/network.ts',
    'src/domain/metering/reader-id.ts',
    'src/domain/billing/gst.ts',
    'src/domain/billing/money.ts',
    'src/domain/billing/lifecycle.ts',
    'src/domain/billing/sweep-plan.ts',
    'src/domain/policies/policies.ts',
    // Only the pure functions (isValidSeries, financialYearCode, formatDocumentNumber); the SQL of
    // nextDocumentNumber below them belongs to the integration suite.
    'src/domain/billing/invoice-numbering.ts:1-29',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  ignorePatterns: ['dist', 'data', '.bench', 'reports', 'test'],
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false },
  thresholds: { high: 95, low: 90, break: 95 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
