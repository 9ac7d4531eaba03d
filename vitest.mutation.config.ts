import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { IN_SCOPE, OFF_THE_SWEEP } from './stryker.config.mjs';
import { workspaceAliases } from './test/mutation/workspace-aliases.js';

/**
 * The vitest configuration of `npm run mutation`: the DST sweep alone (test/mutation/), nothing
 * else. Workspace packages resolve to the sources beside this file rather than through
 * node_modules, so a mutated copy of the workspace (StrykerJS's sandbox) runs its own code.
 */
export default defineConfig({
  resolve: { alias: workspaceAliases(fileURLToPath(new URL('.', import.meta.url))) },
  test: {
    include: ['test/mutation/**/*.sweep.ts'],
    testTimeout: 120_000,
    // `npm run mutation:reach`: which lines and branches of the sweep's scope any run reaches. A
    // mutant there may survive; a mutant anywhere else cannot be detected.
    coverage: {
      provider: 'v8',
      include: IN_SCOPE.filter((glob) => !glob.startsWith('!')),
      exclude: [
        ...IN_SCOPE.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1)),
        ...Object.keys(OFF_THE_SWEEP),
      ],
      reporter: ['text', 'text-summary', 'json-summary'],
      reportsDirectory: 'reports/mutation-reach',
    },
  },
});
