/**
 * The comparison for `npm run bench:zoo`: what a TypeScript user would write instead of
 * leasehold's harness: an idiomatic fast-check property with `fc.scheduler()` over the same
 * client and the same in-memory store, checked by the same invariant checker. fast-check explores
 * the interleavings of store replies and clock advances; it has no faults, clock skew or crashes
 * unless the user codes them, and this property codes what a careful user would: random
 * interleavings of three nodes' operations and of time passing.
 */
import { counterIds, ManualClock, type Lease } from '@leasehold/client';
import { decideFencedWrite, type HistoryEvent, type LeaseRecord } from '@leasehold/core';
import { Checker, SIM_CONFIG, type Implementation } from '@leasehold/sim';
import { MemoryStore, type LeaseStore } from '@leasehold/store';
import fc from 'fast-check';

const NODES = ['a', 'b', 'c'];
const RESOURCE = 'job';
type Op = { kind: 'acquire' | 'write' | 'renew' | 'release' } | { kind: 'wait'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom<Op>(
    { kind: 'acquire' },
    { kind: 'write' },
    { kind: 'renew' },
    { kind: 'release' },
  ),
  fc.integer({ min: 1, max: 1_500 }).map((ms): Op => ({ kind: 'wait', ms })),
);
const planArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 10 }), {
  minLength: NODES.length,
  maxLength: NODES.length,
});

/** One property run: three nodes run their plans concurrently, every store reply scheduled by fc. */
async function runPlan(
  implementation: Implementation,
  s: fc.Scheduler,
  plan: Op[][],
): Promise<void> {
  const clock = new ManualClock();
  const memory = new MemoryStore();
  const checker = new Checker(SIM_CONFIG);
  let violation: string | null = null;
  const fail = (v: { invariant: string; message: string } | null) => {
    if (v !== null && violation === null) violation = `${v.invariant} ${v.message}`;
  };
  const recordOf = (): LeaseRecord | null => {
    const read = memory.readNow(RESOURCE);
    return read.kind === 'ok' ? read.record : null;
  };
  const checked: LeaseStore = {
    read: s.scheduleFunction(async (r: string) => memory.read(r)),
    compareAndSet: s.scheduleFunction(
      async (r: string, v: number, record: LeaseRecord, event: HistoryEvent) => {
        const before = recordOf();
        const result = memory.compareAndSetNow(r, v, record, event);
        if (result.kind === 'ok') fail(checker.onWrite(before, record, event));
        return result;
      },
    ),
    list: (o) => memory.list(o),
    listByHolder: (h, o) => memory.listByHolder(h, o),
    history: (r, o) => memory.history(r, o),
    pruneHistory: (b) => memory.pruneHistory(b),
    close: () => memory.close(),
  };
  const clients = NODES.map((holder) =>
    implementation.createClient({
      store: checked,
      clock,
      holder,
      config: SIM_CONFIG,
      ids: counterIds(holder),
    }),
  );
  const leases: (Lease | null)[] = NODES.map(() => null);
  const checkInstant = () => {
    const beliefs = NODES.flatMap((node, i) => {
      const lease = leases[i];
      return lease && clients[i]!.believes(lease)
        ? [{ node, resource: RESOURCE, token: lease.token }]
        : [];
    });
    fail(checker.onInstant(beliefs, recordOf, clock.wallMs()));
  };
  const fence = implementation.fence ?? decideFencedWrite;
  const fencedWrite = s.scheduleFunction(async (node: string, token: number) => {
    const decision = fence(checker.fencedTokenMax(RESOURCE), token);
    fail(checker.onFencedWrite(RESOURCE, node, token, decision.kind === 'accepted'));
  });
  const wait = s.scheduleFunction(async (ms: number) => clock.advance(ms));

  const runNode = async (i: number) => {
    const client = clients[i]!;
    for (const op of plan[i] ?? []) {
      const lease = leases[i] ?? null;
      if (op.kind === 'wait') await wait(op.ms);
      else if (op.kind === 'acquire' && lease === null) {
        const got = await client.acquire(RESOURCE, { ttlMs: 1_000 });
        if (got.kind === 'granted') leases[i] = got.lease;
      } else if (op.kind === 'write' && lease !== null && client.believes(lease))
        await fencedWrite(NODES[i]!, lease.token);
      else if (op.kind === 'renew' && lease !== null) {
        const got = await client.renew(lease);
        leases[i] = got.kind === 'renewed' ? got.lease : null;
      } else if (op.kind === 'release' && lease !== null) {
        leases[i] = null;
        await client.release(lease);
      }
      checkInstant();
    }
  };
  await s.waitFor(Promise.all(NODES.map((_, i) => runNode(i))));
  if (violation !== null) throw new Error(violation);
}

export interface FastCheckDetection {
  readonly detected: boolean;
  /** Property runs until the first failure (fast-check's numRuns), or null. */
  readonly runsToDetect: number | null;
  readonly message: string | null;
}

/** Runs the property for one variant with `numRuns` runs from `seed`; no shrinking (time-to-detect). */
export async function fastCheckDetects(
  implementation: Implementation,
  numRuns: number,
  seed: number,
): Promise<FastCheckDetection> {
  const property = fc.asyncProperty(fc.scheduler(), planArb, (s, plan) =>
    runPlan(implementation, s, plan),
  );
  const details = await fc.check(property, { numRuns, seed, endOnFailure: true });
  const message =
    details.errorInstance instanceof Error ? details.errorInstance.message.split('\n')[0]! : null;
  return {
    detected: details.failed,
    runsToDetect: details.failed ? details.numRuns : null,
    message,
  };
}
