/**
 * The comparison for `npm run bench:zoo`: what a TypeScript user would write instead of
 * leasehold's harness: an idiomatic fast-check property with `fc.scheduler()` over the same
 * client and the same in-memory store, checked by the same invariant checker (fed the same facts:
 * which node wrote, under which logical operation, with which clock reading). fast-check explores
 * the interleavings of store replies and clock advances; it has no faults, clock skew or crashes
 * unless the user codes them, and this property codes what a careful user would: random
 * interleavings of three nodes' operations and of time passing.
 */
import { counterIds, ManualClock, type Lease } from '@leasehold/client';
import { FencedResource, type HistoryEvent, type LeaseRecord } from '@leasehold/core';
import { Checker, FIXED_SETTINGS, leaseConfigOf, type Implementation } from '@leasehold/sim';
import type { Op as StepOp, Step } from '@leasehold/step';
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
  const config = leaseConfigOf(FIXED_SETTINGS);
  const checker = new Checker({
    bounds: {
      graceMs: config.graceMs,
      skewMs: config.maxClockSkewMs,
      marginMs: config.safetyMarginMs,
      driftPpm: config.clockDriftPpmMax,
    },
    ttlMsMax: 1_000,
    epochMs: 0,
  });
  // The checker's facts, gathered the way the simulator gathers them: who called, under which op.
  let steps = 0;
  const feed = (step: WithoutPosition) =>
    checker.onStep({ ...step, step: ++steps, atMs: clock.wallMs() } as Step);
  const current: (StepOp | null)[] = NODES.map(() => null);
  let opIds = 0;
  const begin = (i: number, kind: StepOp['kind'], leaseOp: number | null): StepOp => {
    const op: StepOp = {
      id: ++opIds,
      kind,
      node: NODES[i]!,
      resource: RESOURCE,
      ttlMs: kind === 'acquire' || kind === 'renew' ? 1_000 : null,
      leaseOp,
      expectedHolder: null,
      requestId: null,
    };
    current[i] = op;
    feed({ kind: 'begin', op });
    return op;
  };
  const snapshot = () => {
    const read = memory.readNow(RESOURCE);
    return read.kind === 'ok' ? read : { record: null, version: 0 };
  };
  let calls = 0;
  const storeOf = (i: number): LeaseStore => ({
    read: s.scheduleFunction(async (r: string) => memory.read(r)),
    compareAndSet: s.scheduleFunction(
      async (r: string, v: number, record: LeaseRecord, event: HistoryEvent) => {
        const call = ++calls;
        const node = NODES[i]!;
        const op = current[i]?.id ?? null;
        const wallMs = clock.wallMs();
        const monoMs = clock.monoMs();
        feed({
          kind: 'call',
          node,
          inc: 0,
          call,
          op,
          req: 'cas',
          resource: r,
          wallMs,
          monoMs,
          expectedVersion: v,
          proposed: record,
          copies: 1,
          origin: null,
        });
        const before = snapshot();
        const result = memory.compareAndSetNow(r, v, record, event);
        const after = snapshot();
        feed({
          kind: 'apply',
          call,
          node,
          req: 'cas',
          resource: r,
          copy: 0,
          outcome: result.kind === 'conflict' ? 'conflict' : 'ok',
          before: before.record,
          after: after.record,
          versionBefore: before.version,
          versionAfter: after.version,
        });
        return result;
      },
    ),
    list: (o) => memory.list(o),
    listByHolder: (h, o) => memory.listByHolder(h, o),
    history: (r, o) => memory.history(r, o),
    pruneHistory: (b) => memory.pruneHistory(b),
    close: () => memory.close(),
  });
  const clients = NODES.map((holder, i) =>
    implementation.createClient({
      store: storeOf(i),
      clock,
      holder,
      config,
      ids: counterIds(holder),
    }),
  );
  const leases: ({ lease: Lease; op: number } | null)[] = NODES.map(() => null);
  const checkInstant = () => {
    const beliefs = NODES.flatMap((node, i) => {
      const held = leases[i];
      return held && clients[i]!.believes(held.lease)
        ? [{ node, resource: RESOURCE, token: held.lease.token }]
        : [];
    });
    checker.onBeliefs(beliefs, clock.wallMs());
  };
  const fence = implementation.createFence?.() ?? new FencedResource();
  const fencedWrite = s.scheduleFunction(async (node: string, token: number) => {
    const accepted = fence.write(token).kind === 'accepted';
    feed({ kind: 'fence', node, resource: RESOURCE, token, accepted });
  });
  const wait = s.scheduleFunction(async (ms: number) => clock.advance(ms));

  const runNode = async (i: number) => {
    const client = clients[i]!;
    for (const op of plan[i] ?? []) {
      const held = leases[i] ?? null;
      if (op.kind === 'wait') await wait(op.ms);
      else if (op.kind === 'acquire' && held === null) {
        const acquire = begin(i, 'acquire', null);
        const got = await client.acquire(RESOURCE, { ttlMs: 1_000 });
        if (got.kind === 'granted') leases[i] = { lease: got.lease, op: acquire.id };
      } else if (op.kind === 'write' && held !== null && client.believes(held.lease))
        await fencedWrite(NODES[i]!, held.lease.token);
      else if (op.kind === 'renew' && held !== null) {
        begin(i, 'renew', held.op);
        const got = await client.renew(held.lease);
        leases[i] = got.kind === 'renewed' ? { lease: got.lease, op: held.op } : null;
      } else if (op.kind === 'release' && held !== null) {
        leases[i] = null;
        begin(i, 'release', held.op);
        await client.release(held.lease);
      }
      current[i] = null;
      checkInstant();
    }
  };
  await s.waitFor(Promise.all(NODES.map((_, i) => runNode(i))));
  const v = checker.violation;
  if (v !== null) throw new Error(`${v.invariant} ${v.message}`);
}

type WithoutPosition = Step extends infer S
  ? S extends Step
    ? Omit<S, 'step' | 'atMs'>
    : never
  : never;

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
