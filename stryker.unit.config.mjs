// @ts-check
import base from './stryker.config.mjs';

/**
 * `npm run mutation:unit`: the same mutants as `npm run mutation` (stryker.config.mjs), scored by
 * the unit tests of the core, the client and the store alone (vitest.mutation-unit.config.ts), so
 * the sweep's score and the unit tests' score can be told apart. Not part of `npm test`.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutation-unit.config.ts' },
  // Unit tests finish in milliseconds: a mutant that makes one spin is cut off early.
  timeoutMS: 3_000,
  htmlReporter: { fileName: 'reports/mutation-unit/index.html' },
  jsonReporter: { fileName: 'reports/mutation-unit/mutation.json' },
  incrementalFile: 'reports/mutation-unit/stryker-incremental.json',
};
