import { defineConfig } from 'vitest/config';

/**
 * Two groups. Everything runs in parallel first; then the tests that share the etcd cluster and
 * kill its members run one file at a time, so one file's leader kill never lands in the middle of
 * another file's assertions.
 */
const SHARED_CLUSTER = ['packages/store-etcd/test/**/*.test.ts', 'test/chaos.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...SHARED_CLUSTER],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'shared-etcd-cluster',
          include: SHARED_CLUSTER,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
