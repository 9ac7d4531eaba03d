import { LeaseClient } from '@leasehold/client';
import {
  decideAcquire,
  RESOURCE_BYTES_MAX,
  type HistoryEvent,
  type LeaseRecord,
} from '@leasehold/core';
import { TraceValidator, type ValidationResult } from '@leasehold/model';
import { findScenario, leaseConfigOf, planRun, runSeed, type Implementation } from '@leasehold/sim';
import type { Op, Step } from '@leasehold/step';
import type { CasResult, LeaseStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';

/**
 * Runs one seed with a validator listening to every step. A broken implementation runs with the
 * simulator's own checker off, so the validator must stand on its own.
 */
async function validate(
  scenarioId: string,
  seed: number,
  implementation?: Implementation,
): Promise<ValidationResult> {
  const options = {
    scenario: findScenario(scenarioId)!,
    seed: String(seed),
    ...(implementation === undefined ? {} : { implementation, checks: false }),
  };
  const validator = new TraceValidator(leaseConfigOf(planRun(options).settings));
  await runSeed({ ...options, validate: false, listeners: [validator.listener] });
  return validator.result();
}

type Cas = (
  store: LeaseStore,
  resource: string,
  expectedVersion: number,
  record: LeaseRecord,
  event: HistoryEvent,
) => Promise<CasResult>;

/** A zoo-style broken client: the real LeaseClient over a store view whose writes are altered. */
function brokenImplementation(name: string, cas: Cas): Implementation {
  return {
    name,
    createClient(options) {
      const store = options.store;
      const altered: LeaseStore = {
        read: (resource) => store.read(resource),
        compareAndSet: (resource, version, record, event) =>
          cas(store, resource, version, record, event),
        list: (o) => store.list(o),
        listByHolder: (holder, o) => store.listByHolder(holder, o),
        history: (resource, o) => store.history(resource, o),
        pruneHistory: (beforeMs) => store.pruneHistory(beforeMs),
        close: () => store.close(),
      };
      return new LeaseClient({ ...options, store: altered });
    },
  };
}

/** Grants after the first write the token they replace instead of raising it (stores refuse 0). */
const grantKeepsToken = brokenImplementation('grant-keeps-token', (store, r, v, record, event) =>
  event.kind === 'granted'
    ? store.compareAndSet(
        r,
        v,
        { ...record, token: Math.max(1, record.token - 1) },
        { ...event, token: Math.max(1, record.token - 1) },
      )
    : store.compareAndSet(r, v, record, event),
);

/** Renewals extend by twice the TTL: no invariant notices, the model does. */
const renewDoubles = brokenImplementation('renew-doubles', (store, r, v, record, event) =>
  event.kind === 'renewed' && record.status === 'held'
    ? store.compareAndSet(
        r,
        v,
        { ...record, expiresAtMs: record.expiresAtMs + record.ttlMs },
        event,
      )
    : store.compareAndSet(r, v, record, event),
);

/**
 * Acquire decides on its first read, then re-reads the version just before the compare-and-set
 * and writes its grant over whatever is there (with the next token, so the store's own guard
 * stays quiet): the check-then-act race of spec configuration acquire-blind-write.
 */
const acquireBlindWrite = brokenImplementation(
  'acquire-blind-write',
  async (store, r, v, record, event) => {
    if (event.kind !== 'granted') return store.compareAndSet(r, v, record, event);
    const fresh = await store.read(r);
    if (fresh.kind !== 'ok') return store.compareAndSet(r, v, record, event);
    const token = (fresh.record?.token ?? 0) + 1;
    const recentGrants = [
      ...(fresh.record?.recentGrants ?? []),
      { requestId: event.requestId, token },
    ];
    const rebuilt = { ...record, token, recentGrants };
    return store.compareAndSet(r, fresh.version, rebuilt, { ...event, token });
  },
);

describe('trace validation: the correct implementation conforms to spec/Lease.tla', () => {
  const scenarios = [
    'baseline',
    'contention',
    'storage-faults',
    'store-crash',
    'node-faults',
    'clock-faults',
    'swarm',
    'broken-skew',
  ];
  for (const scenario of scenarios) {
    it(`every step of ${scenario}, seeds 1..3, maps onto a model action (I-1..I-8 transitions)`, async () => {
      for (const seed of [1, 2, 3]) {
        const result = await validate(scenario, seed);
        expect(result.failure, `${scenario} seed ${seed}`).toBeNull();
        expect(result.conforming).toBe(true);
        expect(result.actions['AcquireWrite'] ?? 0).toBeGreaterThan(0);
        expect(result.actions['Read'] ?? 0).toBeGreaterThan(0);
      }
    }, 60_000);
  }
});

describe('regressions: seeds that once failed the correct implementation', () => {
  // Most needed a duplicated write whose first copy the store refused, or a read answered just
  // before the op's own late write applied.
  const seeds: readonly [string, number, string][] = [
    // The refused copy was answered "not applied" while the duplicate was still on its way and
    // then applied: the client counted its belief from a later write (I-2).
    ['storage-faults', 46118402014, 'I-2 from a duplicated write the client thought refused'],
    ['swarm', 46118400868, 'I-2 from a duplicated write the client thought refused'],
    // The model took such a write as settled and refused the client's "expired" answer.
    ['storage-faults', 46118402087, 'an expired answer after a duplicated write'],
    // The read was answered before the op's late write applied; the model judged the read's record
    // as if it already remembered the op's grant.
    ['broken-skew', 7843637, 'held answered on a read taken before the own write applied'],
    // A liveness probe lost its compare-and-set budget to fifteen nodes contending for one
    // resource after the heal, answered unavailable, and did not ask again (I-4).
    ['storage-faults', 69093809490725, 'a probe that lost its compare-and-set budget asks again'],
  ];
  for (const [scenario, seed, what] of seeds) {
    it(`${scenario} seed ${seed} passes (${what})`, async () => {
      const run = await runSeed({ scenario: findScenario(scenario)!, seed: String(seed) });
      expect(run.conformance, JSON.stringify(run.conformance)).toBeNull();
      expect(run.violation === null || run.expected).toBe(true);
    }, 60_000);
  }
});

/** Renewals that do not count themselves: the record's renewal limit never bites. */
const renewUncounted = brokenImplementation('renew-uncounted', (store, r, v, record, event) =>
  event.kind === 'renewed' && record.status === 'held'
    ? store.compareAndSet(r, v, { ...record, renewals: Math.max(0, record.renewals - 1) }, event)
    : store.compareAndSet(r, v, record, event),
);

/** A `held` answer that tells the claimant to come back 1 ms early. */
const heldTooSoon: Implementation = {
  name: 'held-too-soon',
  createClient: (options) =>
    new LeaseClient({
      ...options,
      decisions: {
        acquire: (record, request, nowMs, config) => {
          const decision = decideAcquire(record, request, nowMs, config);
          return decision.result.kind === 'held'
            ? {
                ...decision,
                result: { ...decision.result, retryAfterMs: decision.result.retryAfterMs - 1 },
              }
            : decision;
        },
      },
    }),
};

describe('trace validation rejects broken implementations', () => {
  it('a renewal that does not count itself is rejected: the record fields the model leaves abstract are checked too', async () => {
    const result = await validate('baseline', 1, renewUncounted);
    expect(result.conforming).toBe(false);
    expect(result.failure!.action).toBe('RenewWrite');
    expect(result.failure!.reason).toMatch(/a renewal counts renewal \d+, not \d+/);
  });

  it('a held answer whose retryAfterMs is 1 ms short is rejected: answers are judged field by field', async () => {
    const result = await validate('contention', 1, heldTooSoon);
    expect(result.conforming).toBe(false);
    expect(result.failure!.action).toBe('AcquireReply');
    expect(result.failure!.reason).toMatch(/acquire answered held: retryAfterMs \d+, not \d+/);
  });

  it('I-5: a client that grants without raising the token is a conformance failure at its first wrong grant', async () => {
    const result = await validate('baseline', 1, grantKeepsToken);
    expect(result.conforming).toBe(false);
    expect(result.failure!.action).toBe('AcquireWrite');
    expect(result.failure!.reason).toMatch(/a grant must write token (\d+), not (?!\1)\d+/);
  });

  it('I-3: a client whose renewals extend by twice the TTL is rejected (no invariant sees it)', async () => {
    const result = await validate('baseline', 1, renewDoubles);
    expect(result.conforming).toBe(false);
    expect(result.failure!.action).toBe('RenewWrite');
    expect(result.failure!.reason).toMatch(/a renewal must expire at/);
  });

  it('I-1/I-2: an acquire that re-reads the version just before its compare-and-set is rejected under contention', async () => {
    const failures: string[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = await validate('contention', seed, acquireBlindWrite);
      if (!result.conforming) failures.push(`${result.failure!.action}: ${result.failure!.reason}`);
    }
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(/^AcquireWrite: /);
  }, 60_000);
});

describe('trace validation: the input rule, judged on the inputs alone', () => {
  const config = leaseConfigOf(
    planRun({ scenario: findScenario('baseline')!, seed: '1' }).settings,
  );
  const tooLong = '🧠'.repeat(RESOURCE_BYTES_MAX / 4 + 1);

  /** One acquire of `resource`, optionally with a store read, answered `result` naming `field`. */
  function judge(
    resource: string,
    result: string,
    field: string | null,
    read: boolean,
    reason = `${field} must be at most ${RESOURCE_BYTES_MAX} UTF-8 bytes`,
  ) {
    const validator = new TraceValidator(config);
    const op: Op = {
      id: 1,
      kind: 'acquire',
      node: 'n1',
      resource,
      ttlMs: config.ttlMsMin,
      leaseOp: null,
      expectedHolder: null,
      requestId: null,
    };
    const steps: Step[] = [{ kind: 'begin', step: 1, atMs: 0, op }];
    if (read) {
      steps.push({
        kind: 'call',
        step: 2,
        atMs: 0,
        call: 1,
        node: 'n1',
        inc: 0,
        op: 1,
        req: 'read',
        resource,
        wallMs: 1_767_225_600_000,
        monoMs: 0,
        expectedVersion: null,
        proposed: null,
        copies: 1,
        origin: null,
      });
    }
    steps.push({
      kind: 'outcome',
      step: 3,
      atMs: 1,
      op,
      result,
      token: null,
      wallMs: 1_767_225_600_001,
      final: true,
      invalid: field === null ? null : { field, reason },
      detail: {},
    });
    for (const step of steps) validator.listener(step);
    return validator.result().failure?.reason ?? null;
  }

  it('a name one four-byte character over the byte limit is answered invalid, naming it, with no store call', () => {
    expect(judge(tooLong, 'invalid', 'resource', false)).toBeNull();
    expect(judge(tooLong, 'invalid', 'resource', true)).toMatch(/reached the store \(1 calls\)/);
    expect(judge(tooLong, 'unavailable', null, false)).toMatch(/was answered unavailable/);
    expect(judge(tooLong, 'invalid', 'ttlMs', false)).toMatch(/naming ttlMs/);
    expect(judge(tooLong, 'invalid', 'resource', false, 'resource is too long')).toMatch(
      /does not name the limit 1024/,
    );
    expect(judge(tooLong, 'invalid', 'resource', false, 'too long: 1024')).toMatch(
      /does not name the field/,
    );
  });

  it('a name exactly on the limit, and an ordinary one, are never answered invalid', () => {
    expect(judge('🧠'.repeat(RESOURCE_BYTES_MAX / 4), 'invalid', 'resource', false)).toMatch(
      /a valid acquire was answered invalid/,
    );
    expect(judge('orders/42', 'invalid', 'resource', false)).toMatch(/a valid acquire/);
  });

  it('a lone surrogate and an empty name are invalid', () => {
    expect(judge('a\ud800b', 'invalid', 'resource', false)).toBeNull();
    expect(judge('', 'invalid', 'resource', false)).toBeNull();
  });
});
