import type { InvariantId } from '@leasehold/core';

/**
 * Small, realistic bugs written into the production code (the core's decisions and time rules,
 * the client, the memory store, its recovery, the fenced resource), not zoo variants built for a
 * check. Each is a one-place edit of a real source file; a default `leasehold dst run` sweep over
 * the edited code must report one of `expected`, and `expected[0]` must be among what it reports
 * (`test/production-bugs.test.ts`, `npm run bugs`). Between them they trip every check of the
 * simulator's checker.
 */
export interface ProductionBug {
  readonly id: string;
  readonly title: string;
  /** The source file, from the repository root. */
  readonly file: string;
  /** Text that occurs exactly once in the file, and what replaces it. */
  readonly find: string;
  readonly replace: string;
  /**
   * What the sweep may report; the first is the invariant the bug is meant to trip. A step the
   * spec does not allow (`spec`, trace validation) may always be reported beside it: every one of
   * these bugs is a protocol deviation, and where no invariant is hurt, that is what it shows.
   */
  readonly expected: readonly (
    InvariantId | 'spec' | 'store' | 'config' | 'client' | 'service' | 'crash'
  )[];
  /** The check of `packages/sim/src/checker/` (or trace validation) it trips. */
  readonly check: string;
  /**
   * The sweep `npm test` runs over this bug, where the default (TEST_SEEDS_PER_SCENARIO seeds of
   * every scenario) reaches it too rarely to be a dependable check: the whole default sweep of
   * the scenario that reports it most (its figures are `npm run bugs`'s, in BENCHMARKS.md).
   */
  readonly testScenario?: string;
}

export const PRODUCTION_BUGS: readonly ProductionBug[] = [
  {
    id: 'B1',
    title: 'recovery: the quarantine lasts the smallest TTL, not the TTL ceiling (min for max)',
    file: 'packages/store/src/recovery.ts',
    find: 'ttlMs: Math.max(ceilings.ttlCeilingMs, TTL_MS_LIMIT_MIN),',
    replace: 'ttlMs: Math.min(ceilings.ttlCeilingMs, TTL_MS_LIMIT_MIN),',
    expected: ['I-1'],
    check: 'checkLeaseUniqueness',
  },
  {
    id: 'B2',
    title: 'core: claimability leaves out the skew bound',
    file: 'packages/core/src/time-rules.ts',
    find: 'return expiresAtMs + config.graceMs + config.maxClockSkewMs;',
    replace: 'return expiresAtMs + config.graceMs;',
    expected: ['I-2', 'I-1', 'I-3'],
    check: 'checkBeliefConsistency (store holder)',
  },
  {
    id: 'B3',
    title: 'core: the drift allowance of the safety margin covers one clock, not two',
    file: 'packages/core/src/config.ts',
    find: 'const driftMarginMs = Math.ceil((2 * ttlMs * config.clockDriftPpmMax) / 1_000_000);',
    replace: 'const driftMarginMs = Math.ceil((ttlMs * config.clockDriftPpmMax) / 1_000_000);',
    expected: ['I-2', 'I-1'],
    check: 'checkBeliefConsistency (belief rule)',
  },
  {
    id: 'B4',
    title: 'client: belief counted from when the reply arrived, not from the send',
    file: 'packages/client/src/cas-loop.ts',
    find: 'const sendMonoMs = Math.min(indeterminateSendMonoMs ?? monoMs, monoMs);',
    replace: 'const sendMonoMs = this.#clock.monoMs();',
    expected: ['I-2', 'I-1'],
    check: 'checkBeliefConsistency (belief rule)',
  },
  {
    id: 'B5',
    title: 'core: renew checks the holder but not the grant (token and owner key)',
    file: 'packages/core/src/renew.ts',
    find: 'if (record.token !== request.token || record.ownerKey !== request.ownerKey) {',
    replace: 'if (request.token > record.token) {',
    expected: ['I-3', 'I-7', 'spec'],
    check: 'checkRenewalOwnership',
  },
  {
    id: 'B6',
    title: 'core: force-release with an expected holder compares the wrong way round',
    file: 'packages/core/src/force-release.ts',
    find: 'if (request.expectedHolder !== null && record.holder !== request.expectedHolder) {',
    replace: 'if (request.expectedHolder !== null && record.holder === request.expectedHolder) {',
    expected: ['I-3'],
    check: 'checkForceReleaseCondition',
  },
  {
    id: 'B7',
    title: 'store: compare-and-set commits before it checks the version',
    file: 'packages/store/src/memory-store.ts',
    find: `    if (version !== expectedVersion) return { kind: 'conflict', version };
    assertWritable(`,
    replace: `    if (version !== expectedVersion) {
      if (current !== undefined) this.#commit(resource, current, version, record, event);
      return { kind: 'conflict', version };
    }
    assertWritable(`,
    expected: ['store', 'I-3', 'I-5', 'I-2', 'I-1', 'I-4', 'I-6', 'I-7', 'I-8'],
    check: 'store contract (a write the store refused changed the record: unchangedProblem)',
  },
  {
    id: 'B8',
    title: 'core: a claimant waits the skew bound twice (refuses leases it could take)',
    file: 'packages/core/src/time-rules.ts',
    find: 'return expiresAtMs + config.graceMs + config.maxClockSkewMs;',
    replace: 'return expiresAtMs + config.graceMs + 2 * config.maxClockSkewMs;',
    expected: ['I-4'],
    check: 'checkHeldAnswer',
  },
  {
    id: 'B9',
    title: 'client: a blocking acquire sleeps twice as long as it was told to wait',
    file: 'packages/client/src/lease-client.ts',
    find: 'const sleepMs = Math.max(1, Math.min(outcome.retryAfterMs, leftMs, ACQUIRE_POLL_MS_MAX));',
    replace:
      'const sleepMs = Math.max(1, Math.min(2 * outcome.retryAfterMs, leftMs, ACQUIRE_POLL_MS_MAX));',
    expected: ['I-4'],
    check: 'checkProbeWait',
  },
  {
    id: 'B10',
    title: 'recovery: the quarantine token is raised above what survived, not above the ceiling',
    file: 'packages/store/src/recovery.ts',
    find: 'token: Math.max(ceilings.tokenCeiling, highest.token) + 1,',
    replace: 'token: highest.token + 1,',
    expected: ['I-5'],
    check: 'checkFencingMonotonic',
  },
  {
    id: 'B11',
    title: 'core: force-release keeps the token (the evicted holder is not fenced)',
    file: 'packages/core/src/force-release.ts',
    find: 'const token = record.token + 1;',
    replace: 'const token = record.token;',
    expected: ['I-5'],
    check: 'checkForceReleaseRaisedToken',
  },
  {
    id: 'B12',
    title: 'fence: off by one, the superseded holder gets one more write in',
    file: 'packages/core/src/fencing.ts',
    find: 'if (token >= tokenAcceptedMax) return',
    replace: 'if (token + 1 >= tokenAcceptedMax) return',
    expected: ['I-6'],
    check: 'checkFencedResourceSafety',
    testScenario: 'node-faults',
  },
  {
    id: 'B13',
    title: 'core: renew allowed through the grace period after expiry',
    file: 'packages/core/src/renew.ts',
    find: 'if (nowMs >= record.expiresAtMs) {',
    replace: 'if (nowMs >= record.expiresAtMs + config.graceMs) {',
    expected: ['I-7'],
    check: 'checkNoResurrection',
  },
  {
    id: 'B14',
    title: 'client: every attempt of an acquire gets a fresh request id',
    file: 'packages/client/src/lease-client.ts',
    find: 'requestId: request.requestId,',
    replace: 'requestId: this.#ids.requestId(),',
    expected: ['I-8'],
    check: 'checkIdempotentAcquire',
  },
  {
    id: 'B15',
    title: 'core: a four-byte character counted as three UTF-8 bytes',
    file: 'packages/core/src/utf8.ts',
    find: 'bytes += 4;',
    replace: 'bytes += 3;',
    expected: ['spec'],
    check: 'trace validation (input rule)',
  },
  {
    id: 'B16',
    title: 'store: history retention prunes an event from the very instant of the cut-off',
    file: 'packages/store/src/memory-store.ts',
    find: 'this.#history = this.#history.filter((entry) => entry.atMs >= beforeMs);',
    replace: 'this.#history = this.#history.filter((entry) => entry.atMs > beforeMs);',
    expected: ['store'],
    check: 'store audit (history retention)',
  },
  {
    id: 'B17',
    title: 'core: the configuration lets the safety margin equal the minimum TTL (off by one)',
    file: 'packages/core/src/config.ts',
    find: "checkIntegerMs('config.safetyMarginMs', config.safetyMarginMs, 0, config.ttlMsMin - 1)",
    replace: "checkIntegerMs('config.safetyMarginMs', config.safetyMarginMs, 0, config.ttlMsMin)",
    expected: ['config'],
    check: 'configuration rules (careless configurations offered to resolveConfig)',
  },
  {
    id: 'B18',
    title: "client: a renewal extends the store's lease but not the holder's belief",
    file: 'packages/client/src/lease-client.ts',
    find: 'const renewed = this.#leaseFrom(result.lease, settled);',
    replace: 'const renewed = { ...result.lease, validUntilMonoMs: lease.validUntilMonoMs };',
    expected: ['client'],
    check: 'belief floor (a holder may use what its client promised)',
  },
  {
    id: 'B19',
    title: 'core: the renewal limit lets one renewal too many through (off by one)',
    file: 'packages/core/src/renew.ts',
    find: 'record.renewals >= limit.maxRenewals',
    replace: 'record.renewals > limit.maxRenewals',
    expected: ['spec'],
    check: 'trace validation (written record: a renewal never past the renewal limit)',
  },
  {
    id: 'B20',
    title:
      "core: a retried release is answered notHolder (a freed record taken for someone else's)",
    file: 'packages/core/src/release.ts',
    find: "return { result: { kind: 'released', token: record.token, replayed: true }, write: null };",
    replace: "return { result: { kind: 'notHolder', holder: record.lastHolder }, write: null };",
    expected: ['spec'],
    check:
      'trace validation (answer: a release of a grant that ended for its node answers released)',
  },
  {
    id: 'B21',
    title: 'core: a retried force-release compares the wrong field and answers notHeld',
    file: 'packages/core/src/force-release.ts',
    find: "record.freedBy === 'forceReleased' && record.requestId === request.requestId",
    replace: "record.freedBy === 'forceReleased' && record.requestId === request.by",
    expected: ['spec'],
    check:
      'trace validation (answer: a force-release that reads back its own write answers forceReleased)',
  },
  {
    id: 'B22',
    title:
      'core: a renew of a lease another node held last answers expired (no holder check on a free record)',
    file: 'packages/core/src/renew.ts',
    find: 'record.lastHolder !== request.holder || record.token < request.token',
    replace: 'record.token < request.token',
    expected: ['spec'],
    check: 'trace validation (answer: expired only where the record shows this grant ended)',
  },
  {
    id: 'B23',
    title: 'store: a refused compare-and-set answers the version it expected, not the current one',
    file: 'packages/store/src/memory-store.ts',
    find: "if (version !== expectedVersion) return { kind: 'conflict', version };",
    replace:
      "if (version !== expectedVersion) return { kind: 'conflict', version: expectedVersion };",
    expected: ['store'],
    check: "the store's answer against what it did (storeAnswerProblem)",
  },
  {
    id: 'B24',
    title:
      "client: a blocking acquire gives up at once when the holder's lease outlasts its wait (held before the wait ran out)",
    file: 'packages/client/src/lease-client.ts',
    find: 'if (leftMs <= 0) {\n        watch?.stop.abort();',
    replace: 'if (leftMs < outcome.retryAfterMs) {\n        watch?.stop.abort();',
    expected: ['client'],
    check: 'AcquireWait (an acquire answers held only once its wait ran out)',
  },
  {
    id: 'B25',
    title:
      "core: release compares the holder only, not the grant (an old lease's late release frees its holder's newer one)",
    file: 'packages/core/src/release.ts',
    find: `    record.holder === request.holder &&
    record.token === request.token &&
    record.ownerKey === request.ownerKey;`,
    replace: '    record.holder === request.holder;',
    expected: ['I-3', 'I-2', 'I-1', 'spec'],
    check: 'checkReleaseOwnership (a late release of an earlier grant freed the newer one)',
  },
  {
    id: 'B26',
    title: 'keep-alive: the signal is aborted one TTL after the belief end',
    file: 'packages/client/src/keep-alive.ts',
    find: 'return this.#lease.validUntilMonoMs - KEEPALIVE_LOSS_LEAD_MS;',
    replace: 'return this.#lease.validUntilMonoMs + this.#lease.ttlMs;',
    expected: ['I-2', 'I-1'],
    check: "checkBeliefConsistency (belief rule, sampled as the keep-alive's signal)",
  },
  {
    id: 'B27',
    title: 'client: holds() ignores the belief end',
    file: 'packages/client/src/held-leases.ts',
    find: 'if (lease === undefined || nowMonoMs >= lease.validUntilMonoMs) return null;',
    replace: 'if (lease === undefined) return null;',
    expected: ['I-2', 'I-1'],
    check: 'checkBeliefConsistency (belief rule, sampled as holds(resource))',
  },
  {
    id: 'B28',
    title:
      'service: a waiting acquire sleeps out its whole wait, not until the lease becomes claimable',
    file: 'packages/server/src/lease-service.ts',
    find: 'const wait = this.#shared.waiters.wait(input.resource, Math.min(leftMs, answer.retryAfterMs));',
    replace: 'const wait = this.#shared.waiters.wait(input.resource, leftMs);',
    expected: ['I-4'],
    check: 'checkProbeWait (a healed waiter served by the service)',
  },
  {
    id: 'B29',
    title: "service: an acquire's token floor is ignored (a late copy is granted a second time)",
    file: 'packages/server/src/lease-service.ts',
    find: 'ttlMs,\n            uncertainToken: attempt.uncertainToken,\n          },\n          nowMs,',
    replace: 'ttlMs,\n            uncertainToken: null,\n          },\n          nowMs,',
    expected: ['I-8'],
    check: 'checkIdempotentAcquire (over the service)',
    testScenario: 'service-network',
  },
  {
    id: 'B30',
    title: 'service: an admin force-release ignores the holder it was told to expect',
    file: 'packages/server/src/lease-service.ts',
    find: 'const request = {\n      resource,\n      expectedHolder,\n',
    replace: 'const request = {\n      resource,\n      expectedHolder: null,\n',
    expected: ['I-3'],
    check: 'checkForceReleaseCondition (over the service)',
  },
  {
    id: 'B31',
    title: 'HttpLeaseClient: belief counted from when the answer arrived, not from the send',
    file: 'packages/client/src/http-lease-client.ts',
    find: 'const fromMonoMs = replayed ? floor.firstSendMonoMs : sent.firstSendMonoMs;',
    replace: 'const fromMonoMs = replayed ? this.#clock.monoMs() : this.#clock.monoMs();',
    expected: ['I-2', 'I-1'],
    check: 'checkBeliefConsistency (belief rule, over the service)',
  },
  {
    id: 'B32',
    title:
      "HttpLeaseClient: a replayed grant's belief counted from the call that found it, not from the first send",
    file: 'packages/client/src/http-lease-client.ts',
    find: 'const fromMonoMs = replayed ? floor.firstSendMonoMs : sent.firstSendMonoMs;',
    replace: 'const fromMonoMs = replayed ? sent.firstSendMonoMs : sent.firstSendMonoMs;',
    expected: ['I-2', 'I-1'],
    check: 'checkBeliefConsistency (belief rule: a grant applied by an earlier attempt)',
    testScenario: 'service-network',
  },
  {
    id: 'B33',
    title: "agent CLI: the gate ignores the agent's belief end (says yes while the service does)",
    file: 'packages/client/src/agent-decisions.ts',
    find: 'const beliefEnded = host.wallMs() >= untilWallMs;',
    replace: 'const beliefEnded = false;',
    expected: ['I-2', 'I-1'],
    check: "checkBeliefConsistency (belief rule, sampled as the agent CLI's gate)",
  },
  {
    id: 'B34',
    title: 'agent CLI: a heartbeat the service skipped (min interval) still moves the belief',
    file: 'packages/client/src/agent-decisions.ts',
    find: '...(renewed.skipped ? {} : { belief_from_ms: sentAtMs }),',
    replace: 'belief_from_ms: sentAtMs,',
    expected: ['I-2', 'I-1'],
    check: "checkBeliefConsistency (belief rule, sampled as the agent CLI's gate)",
    testScenario: 'service',
  },
  {
    id: 'B35',
    title: 'SQLite store: the key encoding normalizes names (NFD and NFC of one text share a row)',
    file: 'packages/store-sqlite/src/resource-key.ts',
    find: "return Buffer.from(resource, 'utf16le').swap16();",
    replace: "return Buffer.from(resource.normalize('NFC'), 'utf16le').swap16();",
    // The adapter's own read-path assertion sees the row name another resource first (reported as
    // the implementation's crash); an adapter without it is the store contract's breach.
    expected: ['crash', 'store'],
    check:
      "the adapter asserts a row names its resource; else store contract (a read answered another resource's record)",
    testScenario: 'baseline',
  },
  {
    id: 'B36',
    title: "core: renew ignores the lease's own max_renewals (only the deployment's limit applies)",
    file: 'packages/core/src/renew.ts',
    find: '  const own = record.maxRenewals;',
    replace: '  const own: number | null = null;',
    expected: ['spec'],
    check: "trace validation (written record: a renewal never past the lease's own renewal limit)",
  },
  {
    id: 'B37',
    title:
      'core: a renewal extends the lease past its max age (acquired_at + max_age_ms not capped)',
    file: 'packages/core/src/renew.ts',
    find: 'Math.min(nowMs + request.ttlMs, maxAgeEndsAtMs(record) ?? Number.POSITIVE_INFINITY)',
    replace: 'nowMs + request.ttlMs',
    // The checker's own rules cap the grant too: the holder believes past the cap (I-2), and a
    // claimant answered held after it was claimable by the cap (I-4).
    expected: ['spec', 'I-2', 'I-4', 'I-1'],
    check:
      "trace validation (a renewal expires at the later of now + ttl, capped at the lease's max age, and its old expiry)",
  },
  {
    id: 'B38',
    title:
      "core: a renewal capped at the lease's max age is believed for its whole TTL from the send",
    file: 'packages/core/src/time-rules.ts',
    find: '  if (grant.maxAgeMs === null || grant.expiresAtMs < grant.acquiredAtMs + grant.maxAgeMs)\n    return fromSend;',
    replace: '  return fromSend;',
    expected: ['I-2', 'I-1'],
    check: "checkBeliefConsistency (belief rule: a renewal capped at the lease's max age)",
  },
  {
    id: 'B39',
    title:
      "service: a listing's full page names no next page (a client paging through stops early)",
    file: 'packages/server/src/lease-queries.ts',
    find: "if (leases.length === limit) return { kind: 'ok', leases, next: record.resource };",
    replace: "if (leases.length === limit) return { kind: 'ok', leases, next: null };",
    expected: ['service'],
    check: "service queries (query-answers.ts listProblem: a full page's next)",
    testScenario: 'service',
  },
  {
    id: 'B40',
    title: 'service: a freed lease shows token 0 (a status hides how far its fencing token went)',
    file: 'packages/server/src/lease-queries.ts',
    find: "      status: 'free',\n      holder: null,\n      token: record.token,",
    replace: "      status: 'free',\n      holder: null,\n      token: 0,",
    // The agent CLI's claim reads the status first: with the token hidden it is refused a lease
    // that was free to take (I-4), as often as the status tool's answer is caught.
    expected: ['service', 'I-4'],
    check:
      'service queries (query-answers.ts statusProblem: every field of a state the store held)',
    testScenario: 'service',
  },
  {
    id: 'B41',
    title:
      'service auth file: a key that does not say "admin" speaks as an admin (!== false for === true)',
    file: 'packages/server/src/auth.ts',
    find: 'principal: { holder: (holder as string | undefined) ?? null, admin: admin === true },',
    replace:
      'principal: { holder: (holder as string | undefined) ?? null, admin: admin !== false },',
    // Where the service checks keys, an agent's key bound to its holder only then force-releases
    // another agent's lease outside any logical operation: that holder's belief breaks (I-2),
    // and a run reports an invariant it breaks in place of the rule broken before it began.
    expected: ['config', 'I-2'],
    check: "the auth file's rules (api-key-offers.ts: each key speaks for exactly its principal)",
    testScenario: 'service',
  },
  {
    id: 'B42',
    title: "service request path: a key that is also an admin's may act in any holder's name",
    file: 'packages/server/src/request-path.ts',
    find: 'if (holder !== null && holder !== body.holder) {',
    replace: 'if (holder !== null && caller?.admin !== true && holder !== body.holder) {',
    expected: ['service'],
    check: "API keys (careless-requests.ts: a claim in another holder's name is answered 403)",
    testScenario: 'service',
  },
];

/**
 * Seeds per scenario of the sweep `npm test` runs over each bug (`npm run bugs -- --sweep test`)
 * but those with a `testScenario`: thirty-five sweeps of this size fit in CI's time.
 * `npm run bugs` without it runs the whole default sweep over each (BENCHMARKS.md has the table).
 */
export const TEST_SEEDS_PER_SCENARIO = 20;

/** The `leasehold dst run` flags of the sweep `npm test` runs over `bug` (beside `--no-shrink`). */
export function testSweepArgs(bug: ProductionBug): string[] {
  return bug.testScenario === undefined
    ? ['--seeds', String(TEST_SEEDS_PER_SCENARIO)]
    : ['--scenario', bug.testScenario];
}

/** The sweep reported the invariant the bug is meant to trip, and nothing it should not. */
export function rightReport(bug: ProductionBug, reported: readonly string[]): boolean {
  const allowed: readonly string[] = [...bug.expected, 'spec'];
  return reported.includes(bug.expected[0]!) && reported.every((r) => allowed.includes(r));
}
