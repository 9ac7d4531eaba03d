// @ts-check
import base, { IN_SCOPE } from './stryker.config.mjs';

/**
 * `npm run mutation:unit`: every file in scope (stryker.config.mjs, the files off the sweep's path
 * included), scored by the unit tests of the core, the client, the store and the service
 * (vitest.mutation-unit.config.ts), so the sweep's score and the unit tests' score can be told apart
 * and added up (`npm run mutation:scores`). Not part of `npm test`.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: IN_SCOPE,
  vitest: { configFile: 'vitest.mutation-unit.config.ts' },
  // Unit tests finish in milliseconds: a mutant that makes one spin is cut off early.
  timeoutMS: 3_000,
  htmlReporter: { fileName: 'reports/mutation-unit/index.html' },
  jsonReporter: { fileName: 'reports/mutation-unit/mutation.json' },
  incrementalFile: 'reports/mutation-unit/stryker-incremental.json',
};
