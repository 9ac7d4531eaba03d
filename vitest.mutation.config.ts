import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
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
  },
});
