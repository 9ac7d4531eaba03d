import { defineConfig } from 'vitest/config';

/**
 * `npm run test:packed`: the packed packages installed into an empty project (test/packed/), one
 * file, apart from `npm test` because its install compiles a native addon.
 */
export default defineConfig({
  test: {
    include: ['test/packed/**/*.test.ts'],
    testTimeout: 10 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
