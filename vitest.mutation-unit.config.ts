import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from './test/mutation/workspace-aliases.js';

/**
 * The vitest configuration of `npm run mutation:unit`: the unit tests of the packages in scope
 * (core, client, store, server) and the HTTP client's failover test, scored apart from the DST
 * sweep. The server tests that start `leasehold serve` as a process of its own are left out: a
 * mutant is switched on inside the test's process, so a child process never runs it. Workspace
 * packages resolve to the sources beside this file, so a mutated copy of the workspace
 * (StrykerJS's sandbox) runs its own code.
 */
export default defineConfig({
  resolve: { alias: workspaceAliases(fileURLToPath(new URL('.', import.meta.url))) },
  test: {
    include: [
      'packages/{core,client,store,server}/test/**/*.test.ts',
      'test/failover-transport.test.ts',
    ],
    exclude: [
      'packages/server/test/http-robustness.test.ts',
      'packages/server/test/http-service.test.ts',
    ],
    testTimeout: 60_000,
  },
});
