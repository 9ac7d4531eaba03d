import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Three groups. Everything runs in parallel first (the README test's etcd blocks only read the
 * cluster, before any member is killed; its chaos:etcd run is chaos.test.ts's); then the tests
 * that share the etcd cluster and kill its members run one file at a time, so one file's leader
 * kill never lands in the middle of another file's assertions; last, the production-bug sweeps,
 * each a whole default sweep that takes both cores, one after the other.
 */
const SHARED_CLUSTER = ['packages/store-etcd/test/**/*.test.ts', 'test/chaos.test.ts'];
const WHOLE_SWEEPS = ['test/production-bugs.test.ts'];

/**
 * Workspace packages resolve to their TypeScript sources (the `@leasehold/source` export
 * condition), so tests never run a stale build.
 */
const SOURCE_CONDITIONS = ['@leasehold/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions: SOURCE_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/packed/**', ...SHARED_CLUSTER, ...WHOLE_SWEEPS],
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
      {
        extends: true,
        test: {
          name: 'whole-sweeps',
          include: WHOLE_SWEEPS,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
