// Mutation testing of the billing core (issue 11, "Test strength"): `npm run mutate`.
// Only the modules where a one-line slip costs real money are mutated, and only the fast unit
// tests of vitest.mutation.config.ts run against each mutant, so a run takes minutes on 2 cores.
// Not part of .ci/run: it is a measure of the tests' strength, run when the billing core changes.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'server/subscriptions/periods.ts',
    'server/invoices/numbering.ts',
    'server/billing/dunning.ts',
    'server/billing/totals.ts',
    'server/tax/amounts.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  incremental: false,
  incrementalFile: 'test-output/mutation/incremental.json',
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: 'test-output/mutation/index.html' },
  jsonReporter: { fileName: 'test-output/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: 80 },
  timeoutMS: 10_000,
};
