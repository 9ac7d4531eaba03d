// @ts-check
/**
 * `npm run mutation`: StrykerJS over the production code of the core, the client and the store,
 * with the DST sweep as the only test (vitest.mutation.config.ts, test/mutation/dst.sweep.ts).
 * `npm run mutation -- --incremental` reuses the last run's results for unchanged code and tests.
 * Survivors and their reasons: MUTATION.md. Not part of `npm test`.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'packages/core/src/**/*.ts',
    'packages/client/src/**/*.ts',
    'packages/store/src/**/*.ts',
  ],
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
  ignorePatterns: ['reports', '.dst', '.stryker-tmp', 'coverage'],
};
