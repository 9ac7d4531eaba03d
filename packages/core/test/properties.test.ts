import {
  claimable,
  decideAcquire,
  decideExpire,
  decideForceRelease,
  decideRelease,
  decideRenew,
  RECORD_GRANT_IDS_MAX,
  type Decision,
  type HeldRecord,
  type LeaseConfig,
  type LeaseRecord,
} from '@leasehold/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { config, T0 } from './fixtures';

/** FC_SEED pins a failing run: fast-check prints the seed and path when a property fails. */
const fcParams = (): fc.Parameters<unknown> =>
  process.env.FC_SEED === undefined
    ? { numRuns: 300 }
    : { seed: Number(process.env.FC_SEED), numRuns: 300 };

const NODES = ['a', 'b', 'c'] as const;

type Op =
  | {
      kind: 'acquire';
      node: number;
      retry: boolean;
      maxRenewals: number | null;
      maxAgeMs: number | null;
    }
  | { kind: 'renew'; node: number; forged: boolean; ttlMs: number }
  | { kind: 'release'; node: number; forged: boolean }
  | { kind: 'forceRelease'; expect: number | null }
  | { kind: 'expire' }
  | { kind: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('acquire' as const),
    node: fc.nat(2),
    retry: fc.boolean(),
    // The lease's own limits, now and then: renewals 0..3, a max age of one to three TTLs.
    maxRenewals: fc.option(fc.nat(3)),
    maxAgeMs: fc.option(fc.integer({ min: 1_000, max: 3_000 })),
  }),
  fc.record({
    kind: fc.constant('renew' as const),
    node: fc.nat(2),
    forged: fc.boolean(),
    ttlMs: fc.constantFrom(200, 1_000, 2_500),
  }),
  fc.record({ kind: fc.constant('release' as const), node: fc.nat(2), forged: fc.boolean() }),
  fc.record({ kind: fc.constant('forceRelease' as const), expect: fc.option(fc.nat(2)) }),
  fc.constant({ kind: 'expire' as const }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1_500 }) }),
);

interface World {
  record: LeaseRecord | null;
  nowMs: number;
  seq: number;
  /** What each node last obtained: a held record snapshot (its token and key). */
  leases: Map<string, HeldRecord>;
  /** Each node's last acquire request, to retry it with the same request id. */
  lastAcquire: Map<string, { requestId: string; ownerKey: string }>;
  config: LeaseConfig;
}

/** Runs one op through the pure decisions; returns the decision and the record it was made on. */
function step(
  world: World,
  op: Op,
): { before: LeaseRecord | null; decision: Decision<{ kind: string }> | null } {
  const before = world.record;
  const id = `op-${world.seq++}`;
  let decision: Decision<{ kind: string }> | null = null;
  switch (op.kind) {
    case 'advance':
      world.nowMs += op.ms;
      return { before, decision: null };
    case 'acquire': {
      const node = NODES[op.node]!;
      const previous = world.lastAcquire.get(node);
      const ids = op.retry && previous ? previous : { requestId: id, ownerKey: `key-${id}` };
      world.lastAcquire.set(node, ids);
      const limits = { maxRenewals: op.maxRenewals, maxAgeMs: op.maxAgeMs };
      decision = decideAcquire(
        before,
        { resource: 'res', holder: node, ttlMs: 1_000, ...ids, ...limits },
        world.nowMs,
        world.config,
      );
      break;
    }
    case 'renew':
    case 'release': {
      const node = NODES[op.node]!;
      const lease = world.leases.get(node);
      if (lease === undefined) return { before, decision: null };
      const request = {
        resource: 'res',
        holder: node,
        token: lease.token,
        ownerKey: op.forged ? 'forged' : lease.ownerKey,
        requestId: id,
      };
      decision =
        op.kind === 'renew'
          ? decideRenew(before, { ...request, ttlMs: op.ttlMs }, world.nowMs, world.config)
          : decideRelease(before, request, world.nowMs);
      break;
    }
    case 'forceRelease': {
      const expectedHolder = op.expect === null ? null : NODES[op.expect]!;
      decision = decideForceRelease(
        before,
        { resource: 'res', expectedHolder, requestId: id, by: 'admin' },
        world.nowMs,
      );
      break;
    }
    case 'expire':
      decision = decideExpire(
        before,
        { resource: 'res', requestId: id },
        world.nowMs,
        world.config,
      );
      break;
  }
  if (decision.write !== null) {
    world.record = decision.write.record;
    if (decision.write.record.status === 'held')
      world.leases.set(decision.write.record.holder, decision.write.record);
  }
  return { before, decision };
}

const newWorld = (worldConfig: LeaseConfig = config): World => ({
  record: null,
  nowMs: T0,
  seq: 0,
  leases: new Map(),
  lastAcquire: new Map(),
  config: worldConfig,
});

describe('lease decisions: properties', () => {
  it('I-5: tokens never go down and every grant is above all earlier grants, over any sequence', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const world = newWorld();
        let tokenGrantedMax = 0;
        for (const op of ops) {
          const { before, decision } = step(world, op);
          if (decision === null || decision.write === null) continue;
          // The record's token never goes down, and a new grant is above every earlier one.
          expect(decision.write.record.token).toBeGreaterThanOrEqual(before?.token ?? 0);
          if (decision.write.event.kind === 'granted') {
            expect(decision.write.event.token).toBeGreaterThan(tokenGrantedMax);
            tokenGrantedMax = decision.write.event.token;
          }
        }
      }),
      fcParams(),
    );
  });

  it("I-3: a non-holder's (or forged key's) renew or release never changes the record", () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 40 }),
        fc.nat(2),
        fc.boolean(),
        (ops, who, renew) => {
          const world = newWorld();
          for (const op of ops) step(world, op);
          const record = world.record;
          const node = NODES[who]!;
          const isHolder = record?.status === 'held' && record.holder === node;
          const request = {
            resource: 'res',
            holder: node,
            token: record?.token ?? 1,
            ownerKey: isHolder ? 'forged-key' : (world.leases.get(node)?.ownerKey ?? 'none'),
            requestId: 'intruder',
          };
          const decision = renew
            ? decideRenew(record, { ...request, ttlMs: 1_000 }, world.nowMs, config)
            : decideRelease(record, request, world.nowMs);
          expect(decision.write).toBeNull();
        },
      ),
      fcParams(),
    );
  });

  it('I-7: renew never writes on a lease at or past its expiry on the renewer clock', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 40 }),
        fc.integer({ min: 0, max: 5_000 }),
        (ops, lateMs) => {
          const world = newWorld();
          for (const op of ops) step(world, op);
          const record = world.record;
          if (record === null || record.status !== 'held') return;
          const request = {
            resource: 'res',
            holder: record.holder,
            token: record.token,
            ownerKey: record.ownerKey,
            requestId: 'late-renew',
            ttlMs: 1_000,
          };
          const decision = decideRenew(record, request, record.expiresAtMs + lateMs, config);
          expect(decision.write).toBeNull();
          expect(decision.result.kind).toBe('expired');
        },
      ),
      fcParams(),
    );
  });

  it(`I-8: two acquires with one requestId yield one grant (retries within ${RECORD_GRANT_IDS_MAX} grants)`, () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const world = newWorld();
        const grants = new Map<string, number>();
        const grantIndex = new Map<string, number>();
        let grantCount = 0;
        for (const op of ops) {
          const { decision } = step(world, op);
          const event = decision?.write?.event;
          if (event?.kind !== 'granted') continue;
          const since = grantIndex.get(event.requestId);
          if (since !== undefined && grantCount - since < RECORD_GRANT_IDS_MAX) {
            // A request id that already obtained a grant never obtains a second one.
            expect(grants.has(event.requestId)).toBe(false);
          }
          grants.set(event.requestId, event.token);
          grantIndex.set(event.requestId, grantCount++);
        }
      }),
      fcParams(),
    );
  });

  it('I-4: an acquire on a claimable record is never refused as held', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.nat(2), (ops, who) => {
        const world = newWorld();
        for (const op of ops) step(world, op);
        const decision = decideAcquire(
          world.record,
          { resource: 'res', holder: NODES[who]!, requestId: 'fresh', ownerKey: 'k', ttlMs: 1_000 },
          world.nowMs,
          config,
        );
        if (claimable(world.record, world.nowMs, config))
          expect(decision.result.kind).not.toBe('held');
      }),
      fcParams(),
    );
  });

  it("a renewal stays within the lease's own limits and the deployment's, and keeps them, over any sequence", () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 60 }),
        fc.option(fc.nat(3)),
        (ops, deploymentMax) => {
          const world = newWorld({ ...config, maxRenewals: deploymentMax });
          for (const op of ops) {
            const { before, decision } = step(world, op);
            if (decision === null || before === null || before.status !== 'held') continue;
            const limits = [before.maxRenewals, deploymentMax].filter((n) => n !== null);
            const result = decision.result as { kind: string; maxRenewals?: number };
            if (result.kind === 'maxRenewalsReached') {
              // Refused only at a limit, naming the tighter one.
              expect(result.maxRenewals).toBe(Math.min(...limits));
              expect(before.renewals).toBeGreaterThanOrEqual(result.maxRenewals!);
            }
            if (decision.write?.event.kind !== 'renewed') continue;
            const after = decision.write.record as HeldRecord;
            for (const limit of limits) expect(before.renewals).toBeLessThan(limit);
            expect(after.maxRenewals).toBe(before.maxRenewals);
            expect(after.maxAgeMs).toBe(before.maxAgeMs);
            expect(after.acquiredAtMs).toBe(before.acquiredAtMs);
            // Never past the max age, and never earlier than before (I-2).
            if (before.maxAgeMs !== null)
              expect(after.expiresAtMs).toBeLessThanOrEqual(before.acquiredAtMs + before.maxAgeMs);
            expect(after.expiresAtMs).toBeGreaterThanOrEqual(before.expiresAtMs);
          }
        },
      ),
      fcParams(),
    );
  });
});
