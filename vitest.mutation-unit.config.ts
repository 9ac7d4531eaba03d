import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The vitest configuration of `npm run mutation:unit`: the unit tests of the mutated packages
 * (core, client, store), scored apart from the DST sweep. Workspace packages resolve to the
 * sources beside this file, so a mutated copy of the workspace (StrykerJS's sandbox) runs its own
 * code.
 */
const source = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));
const PACKAGES = ['client', 'core', 'store'];

export default defineConfig({
  resolve: {
    alias: PACKAGES.map((name) => ({
      find: new RegExp(`^@leasehold/${name}$`),
      replacement: source(`${name}/src/index.ts`),
    })),
  },
  test: {
    include: ['packages/{core,client,store}/test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
