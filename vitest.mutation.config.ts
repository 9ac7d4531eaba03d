import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The vitest configuration of `npm run mutation`: the DST sweep alone (test/mutation/), nothing
 * else. Workspace packages resolve to the sources beside this file rather than through
 * node_modules, so a mutated copy of the workspace (StrykerJS's sandbox) runs its own code.
 */
const source = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));
const PACKAGES = ['cli', 'client', 'core', 'model', 'sim', 'step', 'store'];

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@leasehold\/sim\/vitest$/, replacement: source('sim/src/vitest.ts') },
      { find: /^@leasehold\/sim\/zoo$/, replacement: source('sim/src/zoo/index.ts') },
      ...PACKAGES.map((name) => ({
        find: new RegExp(`^@leasehold/${name}$`),
        replacement: source(`${name}/src/index.ts`),
      })),
    ],
  },
  test: {
    include: ['test/mutation/**/*.sweep.ts'],
    testTimeout: 120_000,
  },
});
