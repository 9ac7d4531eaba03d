// @ts-check
/**
 * The production code the mutation scores are about: every file of the core, the client, the store
 * contract (with its in-memory store) and the service. Test support leaves: the conformance suite
 * store adapters run in their own tests, and the manual clock users drive in theirs.
 */
export const IN_SCOPE = [
  'packages/core/src/**/*.ts',
  'packages/client/src/**/*.ts',
  'packages/store/src/**/*.ts',
  'packages/server/src/**/*.ts',
  '!packages/store/src/conformance.ts',
  '!packages/client/src/manual-clock.ts',
];

/**
 * Production files no simulated run can reach by design, each with why: the unit tests score them
 * (stryker.unit.config.mjs), the sweep's score leaves them out. Everything else in scope is the
 * sweep's to kill, whether a scenario reaches it yet or not.
 */
export const OFF_THE_SWEEP = {
  'packages/core/src/duration.ts':
    'parses and prints duration text ("30s") for the CLI and configuration files; every run passes milliseconds',
  'packages/client/src/ids.ts':
    'random request ids and owner keys (crypto.randomUUID): a run takes its ids from the seed, or it would not replay',
  'packages/client/src/system-clock.ts':
    'the real clock and timers; a run injects simulated clocks',
  'packages/server/src/system-clock.ts':
    "the service's real clock and random bytes; simulated replicas get the world's",
  'packages/server/src/fastify-app.ts':
    'the fastify instance: sockets and HTTP parsing, which the simulated transport stands in for',
  'packages/server/src/http-app.ts':
    'the fastify shell around the request path (hooks, auth header, rate limit, OpenAPI document)',
  'packages/server/src/routes.ts':
    'registers the route table with fastify; each handler only passes the request to handleRequest',
  'packages/server/src/http-errors.ts':
    "fastify's own errors (malformed JSON, a body too large) as JSON answers, raised before the request path",
  'packages/server/src/start-server.ts':
    'opens the SQLite file, listens on a port, handles SIGTERM',
  'packages/server/src/metrics.ts': 'Prometheus counters (prom-client) served at /metrics',
  'packages/server/src/mcp-http.ts':
    'the MCP endpoint as a fastify route (streamable HTTP sessions)',
};

/** The sweep's scope: everything in scope it can reach by design. */
export function sweepScope() {
  return [...IN_SCOPE, ...Object.keys(OFF_THE_SWEEP).map((file) => `!${file}`)];
}

/**
 * `npm run mutation`: StrykerJS over the production code of the core, the client, the store
 * contract and the service, with the DST sweep as the only test (vitest.mutation.config.ts,
 * test/mutation/dst.sweep.ts). `npm run mutation -- --incremental` reuses the last run's results
 * for unchanged code and tests; `npm run mutation -- --mutate packages/core/src/renew.ts` runs the
 * mutants of one file. `npm run mutation:unit` scores the same production code against the unit
 * tests (stryker.unit.config.mjs), `npm run mutation:scores` prints both scores and the two
 * together. Survivors, each with what would kill it: MUTATION.md. Not part of `npm test`.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: sweepScope(),
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
  ignorePatterns: ['reports', '.dst', '.stryker-tmp', 'coverage'],
};
