import type { Lease, LeaseClient } from '@leasehold/client';
import type { Clock } from '@leasehold/core';
import type { Prng } from '@leasehold/sim';
import { CHAOS_SETTINGS as S } from './chaos-config';
import type { FencedResource } from './fenced-resource';
import type { Journal } from './journal';
import type { RecordingStore } from './recording-store';
import { sharedNowMs } from './shared-clock';
import type { StopSignal } from './stop-signal';

export interface ChaosNodeOptions {
  readonly node: string;
  readonly client: LeaseClient;
  /** The client's store: the node tells it which logical operation each write belongs to. */
  readonly store: RecordingStore;
  readonly clock: Clock;
  /** This node's workload stream, derived from the run's seed and the node's id. */
  readonly prng: Prng;
  readonly resources: readonly string[];
  readonly fenced: FencedResource;
  readonly journal: Journal;
  /** Adds to a `clock.monoMs()` reading to put it on the shared clock (`shared-clock.ts`). */
  readonly monoToSharedMs: number;
  /** On `clock.monoMs()`: no new lease is taken after this (a quota run's cap, as a backstop). */
  readonly deadlineMonoMs: number;
  /** Raised by a quota run's driver once its work is done: no new lease is taken after it. */
  readonly stop: StopSignal;
}

/** The node still takes leases; once not, it finishes the lease it holds, releases, and ends. */
function running(options: ChaosNodeOptions): boolean {
  return options.clock.monoMs() < options.deadlineMonoMs && !options.stop.raised();
}

/**
 * The simulator's workload (packages/sim/src/workload.ts) in real time, with the simulator's fixed
 * settings: think, acquire non-blocking or blocking with a timeout, write to the fenced resource
 * while `believes()`, renew once half the TTL is gone, then release, or abandon the lease to let it
 * expire. Crashes come from the driver, as SIGKILL.
 */
export async function runChaosNode(options: ChaosNodeOptions): Promise<void> {
  const { client, clock, prng, journal, node, store } = options;
  while (running(options)) {
    await clock.sleep(prng.between(0, S.thinkMs));
    if (!running(options)) return;
    const resource = prng.pick(options.resources);
    const ttlMs = prng.pick(S.ttlMs);
    const waitMs = prng.int(100) < S.blockingPct ? prng.between(100, S.waitMs) : 0;
    const op = store.beginOp('acquire', resource, { ttlMs });
    const got = await client.acquire(resource, { ttlMs, waitMs });
    store.endOp();
    const token = got.kind === 'granted' ? got.lease.token : null;
    journal.append({ e: 'outcome', node, op: 'acquire', resource, result: got.kind, token });
    if (got.kind === 'granted') await holdLease(options, got.lease, op.id);
  }
}

function believe(options: ChaosNodeOptions, lease: Lease): void {
  options.journal.append({
    e: 'believe',
    node: options.node,
    resource: lease.resource,
    token: lease.token,
    fromSharedMs: sharedNowMs(),
    untilSharedMs: lease.validUntilMonoMs + options.monoToSharedMs,
  });
}

function stop(options: ChaosNodeOptions, lease: Lease): void {
  const { node, journal } = options;
  const { resource, token } = lease;
  journal.append({ e: 'stop', node, resource, token, atSharedMs: sharedNowMs() });
}

async function holdLease(
  options: ChaosNodeOptions,
  granted: Lease,
  leaseOp: number,
): Promise<void> {
  const { client, clock, prng, journal, node, fenced, store } = options;
  let lease = granted;
  believe(options, lease);
  const writes = prng.between(1, S.writes);
  for (let i = 0; i < writes && running(options); i++) {
    if (!client.believes(lease)) break;
    const written = await fenced.write(lease.resource, node, lease.token);
    const { resource, token } = lease;
    journal.append({ e: 'fenced', node, resource, token, result: written.kind });
    await clock.sleep(prng.between(10, S.workMs));
    if (client.timeLeftMs(lease) >= lease.ttlMs / 2) continue;
    store.beginOp('renew', resource, { ttlMs: lease.ttlMs, leaseOp });
    const renewed = await client.renew(lease);
    store.endOp();
    const renewedToken = renewed.kind === 'renewed' ? renewed.lease.token : null;
    journal.append({
      e: 'outcome',
      node,
      op: 'renew',
      resource,
      result: renewed.kind,
      token: renewedToken,
    });
    if (renewed.kind !== 'renewed') {
      stop(options, lease);
      return;
    }
    lease = renewed.lease;
    believe(options, lease);
  }
  stop(options, lease);
  if (running(options) && prng.int(100) < S.abandonPct) return;
  store.beginOp('release', lease.resource, { leaseOp });
  const released = await client.release(lease);
  store.endOp();
  const { resource, token } = lease;
  journal.append({ e: 'outcome', node, op: 'release', resource, result: released.kind, token });
}
