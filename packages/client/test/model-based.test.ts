import { counterIds, LeaseClient, ManualClock, type Lease } from '@leasehold/client';
import { resolveConfig, type LeaseConfig } from '@leasehold/core';
import { MemoryStore } from '@leasehold/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const config: LeaseConfig = (() => {
  const r = resolveConfig({
    ttlMsDefault: 1_000,
    ttlMsMin: 100,
    graceMs: 100,
    maxClockSkewMs: 50,
    safetyMarginMs: 20,
  });
  if (r.kind !== 'ok') throw new Error(r.reason);
  return r.config;
})();
const CLAIM_AFTER_MS = config.graceMs + config.maxClockSkewMs;
const NODES = ['a', 'b', 'c'];
const RESOURCES = ['r/1', 'r "2"'];

/**
 * The reference model: what each resource's lease should be, by the plain rules of the README ("The
 * lease model in one screen") and spec/README.md ("Claimability and renewal").
 */
interface ModelLease {
  holder: string | null;
  lastHolder: string | null;
  token: number;
  expiresAtMs: number;
}
interface Model {
  nowMs: number;
  leases: Map<string, ModelLease>;
}
interface Real {
  clock: ManualClock;
  clients: Map<string, LeaseClient>;
  handles: Map<string, Lease>;
}
const key = (node: string, resource: string) => `${node}|${resource}`;
const modelLease = (m: Model, resource: string): ModelLease =>
  m.leases.get(resource) ?? { holder: null, lastHolder: null, token: 0, expiresAtMs: 0 };

class Acquire implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly node: string,
    readonly resource: string,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const lease = modelLease(m, this.resource);
    const claimable = lease.holder === null || m.nowMs >= lease.expiresAtMs + CLAIM_AFTER_MS;
    const outcome = await r.clients.get(this.node)!.acquire(this.resource);
    if (!claimable) {
      expect(outcome).toMatchObject({ kind: 'held', holder: lease.holder, token: lease.token });
      return;
    }
    expect(outcome).toMatchObject({
      kind: 'granted',
      lease: { holder: this.node, token: lease.token + 1 },
    });
    if (outcome.kind !== 'granted') return;
    m.leases.set(this.resource, {
      holder: this.node,
      lastHolder: this.node,
      token: lease.token + 1,
      expiresAtMs: m.nowMs + config.ttlMsDefault,
    });
    r.handles.set(key(this.node, this.resource), outcome.lease);
  }
  toString = () => `acquire(${this.node}, ${this.resource})`;
}

class Renew implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly node: string,
    readonly resource: string,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const handle = r.handles.get(key(this.node, this.resource));
    if (handle === undefined) return;
    const lease = modelLease(m, this.resource);
    const owns = lease.holder === this.node && lease.token === handle.token;
    const outcome = await r.clients.get(this.node)!.renew(handle);
    if (owns && m.nowMs < lease.expiresAtMs) {
      expect(outcome).toMatchObject({
        kind: 'renewed',
        lease: { token: handle.token, expiresAtMs: m.nowMs + handle.ttlMs },
      });
      lease.expiresAtMs = m.nowMs + handle.ttlMs;
      if (outcome.kind === 'renewed') r.handles.set(key(this.node, this.resource), outcome.lease);
    } else {
      expect(['expired', 'notHolder']).toContain(outcome.kind);
    }
  }
  toString = () => `renew(${this.node}, ${this.resource})`;
}

class Release implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly node: string,
    readonly resource: string,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const handle = r.handles.get(key(this.node, this.resource));
    if (handle === undefined) return;
    const lease = modelLease(m, this.resource);
    const outcome = await r.clients.get(this.node)!.release(handle);
    const owns =
      lease.token === handle.token &&
      (lease.holder === this.node || lease.lastHolder === this.node);
    if (owns) {
      expect(outcome).toMatchObject({ kind: 'released', token: handle.token });
      lease.holder = null;
    } else {
      expect(outcome.kind).toBe('notHolder');
    }
  }
  toString = () => `release(${this.node}, ${this.resource})`;
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.nowMs += this.ms;
    r.clock.advance(this.ms);
  }
  toString = () => `advance(${this.ms})`;
}

describe('LeaseClient over MemoryStore against a reference model (fc.commands)', () => {
  it('I-1 I-3 I-4 I-5 I-7: every outcome matches the model over random command sequences', async () => {
    const node = fc.constantFrom(...NODES);
    const resource = fc.constantFrom(...RESOURCES);
    const commands = [
      fc.tuple(node, resource).map(([n, res]) => new Acquire(n, res)),
      fc.tuple(node, resource).map(([n, res]) => new Renew(n, res)),
      fc.tuple(node, resource).map(([n, res]) => new Release(n, res)),
      fc.integer({ min: 1, max: 1_300 }).map((ms) => new Advance(ms)),
    ];
    const params =
      process.env.FC_SEED === undefined
        ? { numRuns: 150 }
        : { numRuns: 150, seed: Number(process.env.FC_SEED) };
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 50 }), async (cmds) => {
        const clock = new ManualClock(5_000_000, 0);
        const store = new MemoryStore();
        const clients = new Map(
          NODES.map((n) => [
            n,
            new LeaseClient({ store, clock, holder: n, config, ids: counterIds(n) }),
          ]),
        );
        const model: Model = { nowMs: 5_000_000, leases: new Map() };
        await fc.asyncModelRun(
          () => ({ model, real: { clock, clients, handles: new Map() } }),
          cmds,
        );
      }),
      params,
    );
  });
});
